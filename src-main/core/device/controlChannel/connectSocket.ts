import { lstat } from 'node:fs/promises';
import { createConnection, type Socket } from 'node:net';
import { NetGuardianError } from '../../../../src-shared/errors.js';
import { messages } from '../../../../src-shared/messages.js';
import { checkPrivateDir } from './privateDir.js';
import type { SocketPlace } from './socketPath.js';

/**
 * A client's connection to the owner's control socket, or undefined when no
 * owner listens there (no socket file, or a stale one a crashed owner left:
 * ENOENT / ECONNREFUSED).
 *
 * Before connecting, the socket (and the fallback folder) must belong to this
 * user: the answers steer what the CLI prints and does, so a socket planted by
 * someone else is refused (`AccessDenied`), not talked to.
 */
export async function connectSocket(
  place: SocketPlace,
  timeoutMs: number,
): Promise<Socket | undefined> {
  if (process.platform !== 'win32') {
    if (place.privateDir !== null && !(await checkPrivateDir(place.privateDir))) return undefined;
    const stats = await lstat(place.path).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return undefined;
      throw e;
    });
    if (stats === undefined) return undefined;
    if (!stats.isSocket() || stats.uid !== process.getuid?.())
      throw new NetGuardianError('AccessDenied', messages.controlChannelNotPrivate(place.path));
  }
  return new Promise<Socket | undefined>((resolve, reject) => {
    const socket = createConnection(place.path);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new NetGuardianError('StoreError', messages.ownerNotAnswering(timeoutMs)));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.off('error', onError);
      resolve(socket);
    });
    const onError = (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (e.code === 'ENOENT' || e.code === 'ECONNREFUSED') resolve(undefined);
      else if (e.code === 'EACCES' || e.code === 'EPERM')
        reject(new NetGuardianError('AccessDenied', messages.controlChannelNotPrivate(place.path)));
      else
        reject(
          new NetGuardianError(
            'StoreError',
            messages.ownerUnreachable(`${place.path}: ${e.message}`),
          ),
        );
    };
    socket.once('error', onError);
  });
}
