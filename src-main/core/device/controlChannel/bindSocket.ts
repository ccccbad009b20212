import { chmod, lstat, mkdtemp, rename, rm, unlink } from 'node:fs/promises';
import type { Server } from 'node:net';
import path from 'node:path';

/**
 * Puts a listening Unix socket at `socketPath`, mode 0600, with no moment at
 * which anyone else could connect to it: it is bound inside a fresh 0700 folder
 * next to its final place, made 0600 there, then renamed into place. The rename
 * also replaces a stale socket file a crashed owner left (only the owner lock's
 * holder binds, so nothing live is ever replaced). Binding under a temporary
 * umask would do too, but umask is process-wide: a file another part of the
 * process (the materializer) creates at that moment would get the wrong mode.
 *
 * The temporary path (`<dir>/.c-XXXXXX/s`) is never longer than the final one
 * (`<dir>/control.sock`, or `<dir>/<16 hex>.sock`), so it fits wherever that fits.
 *
 * Windows: a named pipe, listened on directly (there is no file to protect; the pipe's
 * default ACL gives other users no write access).
 */

export interface BoundSocket {
  /** Stops listening and removes the socket file if it is still ours. */
  close(): Promise<void>;
}

export async function bindSocket(server: Server, socketPath: string): Promise<BoundSocket> {
  if (process.platform === 'win32') {
    await listen(server, socketPath);
    return { close: () => closeServer(server) };
  }
  const tmpDir = await mkdtemp(path.join(path.dirname(socketPath), '.c-'));
  let inode: number;
  try {
    const tmpPath = path.join(tmpDir, 's');
    await listen(server, tmpPath);
    try {
      await chmod(tmpPath, 0o600);
      inode = (await lstat(tmpPath)).ino;
      await rename(tmpPath, socketPath);
    } catch (e) {
      await closeServer(server);
      throw e;
    }
  } finally {
    await rm(tmpDir, { recursive: true, force: true });
  }
  return {
    async close() {
      await closeServer(server);
      // libuv unlinks the path it bound (the temporary one, gone); the renamed file is ours
      // to remove, unless something else took its place meanwhile.
      const now = await lstat(socketPath).catch(ignoreMissing);
      if (now?.ino === inode) await unlink(socketPath).catch(ignoreMissing);
    },
  };
}

const ignoreMissing = (e: NodeJS.ErrnoException): undefined => {
  if (e.code !== 'ENOENT') throw e;
  return undefined;
};

function listen(server: Server, where: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => reject(e);
    server.once('error', onError);
    server.listen(where, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
  });
}
