import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';

/**
 * Makes a folder's entries (a rename, a new file) survive a power loss. Windows cannot open a
 * folder for fsync; NTFS journals its metadata, so there is nothing to do there.
 */
export async function fsyncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export async function fsyncFile(file: string): Promise<void> {
  const handle = await open(file, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Writes a small file so that after a crash it holds either its old content or the new one,
 * never a torn one: a temp file beside it, fsync, rename, fsync of the folder.
 */
export async function writeFileDurably(file: string, text: string, mode: number): Promise<void> {
  const temp = `${file}.tmp`;
  const handle = await open(temp, 'w', mode);
  try {
    await handle.writeFile(text);
    await handle.chmod(mode);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, file);
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
  await fsyncDir(path.dirname(file));
}
