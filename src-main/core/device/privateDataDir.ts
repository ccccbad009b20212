import { chmod, lstat } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../log.js';

/**
 * A device's data dir holds its store, its hub credential, its database password and its trash
 * (copies of replaced and deleted files): nobody else on the computer has any business in it.
 * Its modes are made private on every open, not only when it is created: a data dir made by an
 * older version, restored from a backup or copied with `cp -r` (umask 022: 0755 and 0644) is
 * tightened the next time the device opens it.
 *
 * Only tightened, never loosened, and only what this user owns. The one exception to 0700: run
 * as root, NetGuardian runs its PostgreSQL servers as `postgres`, which must pass through the data
 * dir to a cluster inside it (the device's, or the hub's in `<dataDir>/hub`): the data dir keeps
 * the search bit for others (0711), which lets them through without letting anyone list it.
 */

/** Files in the data dir that hold secrets or the user's data. */
const PRIVATE_FILES = [
  'config.json',
  'hub-credential',
  'postgres-password',
  'postgres-location.json',
  'folder.json',
  'own-hub.json',
  'hub-addresses.json',
  'owner.lock',
  'postgres.log',
  'postgres.log.1',
] as const;
/** Folders in the data dir that hold the user's data. */
const PRIVATE_DIRS = ['trash'] as const;

/**
 * Whether PostgreSQL servers this data dir holds run as another user: NetGuardian run as root runs
 * them as `postgres` (the device's cluster, when it lives in the data dir, and the hub this
 * computer runs for its devices, in `<dataDir>/hub`), and they must be able to pass through.
 */
const serversRunAsAnotherUser = (): boolean => process.getuid?.() === 0;

/** `mode` with the group and other bits cleared, but for `keep`. */
const tightened = (mode: number, keep: number) => (mode & 0o7700) | (mode & keep);

/** Sets `target`'s mode to `tightened(mode, keep)` if it exists, is ours and is more open. */
async function tighten(target: string, keep: number): Promise<string | undefined> {
  const st = await lstat(target).catch(() => undefined);
  if (!st || st.isSymbolicLink() || st.uid !== process.getuid?.()) return undefined;
  const want = tightened(st.mode & 0o7777, keep);
  if (want === (st.mode & 0o7777)) return undefined;
  await chmod(target, want);
  return `${target} ${(st.mode & 0o777).toString(8)} → ${(want & 0o777).toString(8)}`;
}

/** Makes the data dir and what it holds private (see the module's comment); returns what changed. */
export async function keepDataDirPrivate(dataDir: string, log?: Logger): Promise<string[]> {
  if (process.platform === 'win32') return [];
  const changed: (string | undefined)[] = [];
  changed.push(await tighten(dataDir, serversRunAsAnotherUser() ? 0o011 : 0));
  for (const name of PRIVATE_DIRS) changed.push(await tighten(path.join(dataDir, name), 0));
  for (const name of PRIVATE_FILES) changed.push(await tighten(path.join(dataDir, name), 0));
  const done = changed.filter((c): c is string => c !== undefined);
  if (done.length > 0) log?.info({ changed: done }, 'made the data dir private');
  return done;
}
