/**
 * Folder comparison for the end-to-end tests: a tree walk giving every entry's
 * relative POSIX path → `dir`, `symlink`, or `file <sha256> <x|->` (content hash
 * streamed from disk, and the owner's executable bit). Nothing is skipped: two
 * synced folders must be equal entry for entry.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, open, readdir } from 'node:fs/promises';
import { MARKER_FILE } from '../../../src-main/core/files/folderMarker.js';
import path from 'node:path';

export type Tree = Record<string, string>;

const MAX_ENTRIES = 1_000_000;

export async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export const sha256Of = (data: string | Uint8Array): string =>
  createHash('sha256').update(data).digest('hex');

/**
 * Every entry under `root`, sorted by path (see the module comment for the values), but the
 * folder's marker (`MARKER_FILE` at the root: each device's own, never synced).
 */
export async function folderTree(root: string): Promise<Tree> {
  const out: [string, string][] = [];
  const stack = [''];
  while (stack.length > 0) {
    if (out.length > MAX_ENTRIES) throw new Error(`more than ${MAX_ENTRIES} entries in ${root}`);
    const rel = stack.pop() as string;
    const entries = await goneAsUndefined(readdir(path.join(root, rel), { withFileTypes: true }));
    for (const entry of entries ?? []) {
      const child = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (child === MARKER_FILE) continue;
      const abs = path.join(root, child);
      if (entry.isDirectory()) {
        out.push([child, 'dir']);
        stack.push(child);
      } else if (entry.isSymbolicLink()) {
        out.push([child, 'symlink']);
      } else {
        const st = await goneAsUndefined(lstat(abs));
        const sha = st && (await goneAsUndefined(sha256OfFile(abs)));
        if (st && sha) out.push([child, `file ${sha} ${st.mode & 0o100 ? 'x' : '-'}`]);
      }
    }
  }
  out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(out);
}

/**
 * Undefined for an entry removed between its folder's listing and its reading: a device still
 * writing moves its temp files away. The walk is a snapshot that callers poll until it settles.
 */
async function goneAsUndefined<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** The tree entry a file with this content and exec bit has. */
export const fileEntry = (content: string | Uint8Array, exec = false): string =>
  `file ${sha256Of(content)} ${exec ? 'x' : '-'}`;

/**
 * Writes `size` pseudo-random bytes to `file`, generated and written one
 * block at a time, so the file is never held in memory. Returns its SHA-256.
 */
export async function writeRandomFile(
  file: string,
  size: number,
  blockBytes = 1024 * 1024,
): Promise<string> {
  const hash = createHash('sha256');
  const fh = await open(file, 'w');
  try {
    for (let written = 0; written < size;) {
      const block = randomBytes(Math.min(blockBytes, size - written));
      hash.update(block);
      await fh.write(block, 0, block.length);
      written += block.length;
    }
  } finally {
    await fh.close();
  }
  return hash.digest('hex');
}

/**
 * Waits until `probe` returns a value other than undefined, polling every
 * `intervalMs`, for at most `timeoutMs`; then fails with `what`.
 */
export async function pollUntil<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  { timeoutMs = 20_000, intervalMs = 25 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
