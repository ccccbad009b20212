/**
 * Cheap looks at a synced folder (names and sizes, no hashing), polled often while the daemons
 * work: which files are there at what size, and which of our temp files.
 */
import { lstat, readdir } from 'node:fs/promises';
import type { Dirent } from 'node:fs';
import path from 'node:path';
import { MARKER_FILE } from '../../../src-main/core/files/folderMarker.js';
import { TEMP_PREFIX } from './workload.js';

/**
 * Every entry that is not a folder under `root`, with its relative POSIX path, folder by folder;
 * a folder removed while it is walked is skipped (the next look sees the new state).
 */
async function* entriesUnder(root: string): AsyncGenerator<{ rel: string; entry: Dirent }> {
  const stack = [''];
  while (stack.length > 0) {
    const rel = stack.pop() as string;
    let entries: Dirent[];
    try {
      entries = await readdir(path.join(root, rel), { withFileTypes: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw e;
    }
    for (const entry of entries) {
      const child = rel === '' ? entry.name : `${rel}/${entry.name}`;
      // The folder's marker is each device's own, never synced.
      if (child === MARKER_FILE) continue;
      if (entry.isDirectory()) stack.push(child);
      else yield { rel: child, entry };
    }
  }
}

/** Every regular file under `root` (relative POSIX path → size); entries that vanish meanwhile are skipped. */
export async function fileSizes(root: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for await (const { rel, entry } of entriesUnder(root)) {
    if (!entry.isFile()) continue;
    try {
      out.set(rel, (await lstat(path.join(root, rel))).size);
    } catch (e) {
      // Renamed away while we walk (a temp file becoming its target).
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  return out;
}

/** Our temp files under `root` (relative paths; names only, no lstat: polled every few ms). */
export async function tempFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  for await (const { rel, entry } of entriesUnder(root))
    if (entry.name.startsWith(TEMP_PREFIX)) out.push(rel);
  return out;
}
