import { randomBytes } from 'node:crypto';
import { lstat, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { MARKER_FILE } from '../../../src-shared/folderProblems.js';
import { writeFileDurably } from './durableFs.js';

/**
 * The synced folder's marker (as Syncthing's `.stfolder`): a small file at the folder's root,
 * written when the device is set up, naming the folder's id. A device writes nothing into its
 * folder and records no change from it unless the marker is there with its id: a folder that is
 * gone (moved, deleted) or replaced (an unmounted drive leaves its empty mount point; another
 * folder restored at the path) would otherwise read as "every file was deleted", and every other
 * device would delete them too. Never synced (a built-in ignore). Its name, `MARKER_FILE`, is
 * in src-shared: the sentences that tell the user about it name it too.
 */
export { MARKER_FILE };

/** A new folder id: random, never derived from the path (a moved folder keeps its id). */
export const newFolderId = (): string => randomBytes(12).toString('hex');

const NOTE =
  'This folder is synced by NetGuardian. Keep this file: without it NetGuardian does not recognize the folder and changes nothing in it.';

/** Writes the marker (durably: a power cut never leaves a half marker). */
export async function writeFolderMarker(root: string, folderId: string): Promise<void> {
  const text = `${JSON.stringify({ version: 1, folderId, note: NOTE }, null, 2)}\n`;
  await writeFileDurably(path.join(root, MARKER_FILE), text, { mode: 0o644 });
}

/**
 * The id the folder's marker names; undefined when the folder or its marker is missing, or the
 * marker is not one of ours (unreadable, not JSON, no id).
 */
export async function readFolderMarker(root: string): Promise<string | undefined> {
  try {
    const st = await lstat(path.join(root, MARKER_FILE));
    if (!st.isFile() || st.size > 64 * 1024) return undefined;
    const parsed = JSON.parse(await readFile(path.join(root, MARKER_FILE), 'utf8')) as {
      folderId?: unknown;
    };
    return typeof parsed.folderId === 'string' && /^[0-9a-f]{8,64}$/.test(parsed.folderId)
      ? parsed.folderId
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether anything is at the marker's place in `root` (an unreadable or foreign marker is still
 * one: the folder is then someone's, not a fresh one). Only "nothing there" answers false.
 */
export async function markerExists(root: string): Promise<boolean> {
  try {
    await lstat(path.join(root, MARKER_FILE));
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    throw e;
  }
}

/** Whether `root` is a folder (through symlinks: the user may have linked it). */
export async function isFolder(root: string): Promise<boolean> {
  try {
    return (await stat(root)).isDirectory();
  } catch {
    return false;
  }
}
