import { chmod, lstat, mkdir } from 'node:fs/promises';
import { NetGuardianError } from '../../../../src-shared/errors.js';
import { messages } from '../../../../src-shared/messages.js';

/**
 * The fallback socket folder under the system's temp folder is shared ground:
 * another user could create it first, or plant a symlink there, to receive
 * this user's commands or answer them. So it must be a real folder (not a
 * symlink), owned by this user, closed to everyone else. POSIX only.
 */

/** Creates the folder 0700, or checks the existing one (and closes it if it is ours but open). */
export async function ensurePrivateDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { mode: 0o700 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  const stats = await lstat(dir);
  if (!stats.isDirectory() || stats.uid !== process.getuid?.())
    throw new NetGuardianError('AccessDenied', messages.controlChannelNotPrivate(dir));
  // Ours but opened up (by hand): close it. Whatever another user may have left in it
  // meanwhile, our socket is renamed over its path (a rename never follows a symlink).
  if ((stats.mode & 0o077) !== 0) await chmod(dir, 0o700);
}

/**
 * Whether the folder is there and safe to connect through: false when missing, and
 * `AccessDenied` when it exists but is not this user's private folder.
 */
export async function checkPrivateDir(dir: string): Promise<boolean> {
  let stats;
  try {
    stats = await lstat(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
  if (!stats.isDirectory() || stats.uid !== process.getuid?.() || (stats.mode & 0o077) !== 0)
    throw new NetGuardianError('AccessDenied', messages.controlChannelNotPrivate(dir));
  return true;
}
