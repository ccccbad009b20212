import { chmod, lstat, mkdir } from 'node:fs/promises';
import { NetGuardianError } from '../../../../src-shared/errors.js';
import { findFreeLoopbackPort } from '../../freePort.js';
import { homeLayout, shortSocketDir, socketPathFits } from './layout.js';
import {
  ensureServerDir,
  firstBlockedFolder,
  giveToServer,
  type ServerUser,
} from './serverUser.js';

/**
 * Where the device's server listens. A Unix socket in a folder only the server user can enter
 * (no TCP at all), so no other local user can even try a password; Windows has no Unix sockets
 * for PostgreSQL, so there it is loopback TCP on a free port, behind the password.
 */
export type ServerEndpoint =
  | { readonly kind: 'socket'; readonly dir: string; readonly port: number }
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number };

/** The socket's name ends in the port; the folder is private, so the default is never taken. */
const SOCKET_PORT = 5432;

/**
 * The short socket folder in the temp dir has a predictable name, so another local user could
 * make it first: an existing one is used only if it is the server user's own folder.
 */
async function ensureOwnSocketDir(dir: string, user: ServerUser): Promise<void> {
  try {
    await mkdir(dir, { mode: 0o700 });
    await giveToServer(dir, user);
    await chmod(dir, 0o700);
    return;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  const st = await lstat(dir);
  const owner = user.kind === 'system' ? user.uid : process.getuid?.();
  if (!st.isDirectory() || st.uid !== owner)
    throw new NetGuardianError(
      'FileSystemError',
      `${dir} exists but is not the store server's own folder: delete it and start again`,
    );
  await chmod(dir, 0o700);
}

export async function prepareEndpoint(options: {
  readonly home: string;
  readonly user: ServerUser;
  readonly tmpDir: string;
  readonly platform: NodeJS.Platform;
}): Promise<ServerEndpoint> {
  if (options.platform === 'win32')
    return { kind: 'tcp', host: '127.0.0.1', port: await findFreeLoopbackPort() };
  const inHome = homeLayout(options.home).socketDir;
  if (socketPathFits(inHome, SOCKET_PORT)) {
    await ensureServerDir(inHome, options.user);
    return { kind: 'socket', dir: inHome, port: SOCKET_PORT };
  }
  const short = shortSocketDir(options.tmpDir, options.home);
  if (!socketPathFits(short, SOCKET_PORT))
    throw new NetGuardianError(
      'FileSystemError',
      `the temp dir ${options.tmpDir} is too long a path for PostgreSQL's socket: use a shorter TMPDIR`,
    );
  const blocked = await firstBlockedFolder(options.tmpDir, options.user);
  if (blocked !== undefined)
    throw new NetGuardianError(
      'FileSystemError',
      `the store's PostgreSQL cannot enter ${blocked} for its socket: use a shorter data dir path, or a TMPDIR others may enter`,
    );
  await ensureOwnSocketDir(short, options.user);
  return { kind: 'socket', dir: short, port: SOCKET_PORT };
}
