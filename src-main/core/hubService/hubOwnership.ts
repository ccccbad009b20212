import { createServer } from 'node:net';
import path from 'node:path';
import { NetGuardianError } from '../../../src-shared/errors.js';
import { acquireOwnerLock, readOwner, type OwnerLock } from '../device/ownerLock.js';
import { locatePostgresBinaries } from '../device/localPostgres/binaries.js';
import { stopOrphanedServer } from '../device/localPostgres/orphanServer.js';
import type { Logger } from '../log.js';

/**
 * What a hub checks before it starts anything, so that a start that can't work fails in one
 * sentence and changes nothing: one hub process per data dir (the same OS lock a device's owner
 * takes), a listen address that is free, and no embedded PostgreSQL left running by a hub that
 * was killed (it would refuse to start: "lock file postmaster.pid already exists").
 */

/** Takes the hub's data dir for this process, or says which hub runs with it. */
export async function takeHubDataDir(dataDir: string): Promise<OwnerLock> {
  const lock = await acquireOwnerLock(dataDir, { command: 'netguardian hub start' });
  if (lock.ok) return lock.value;
  if (lock.error.code !== 'AlreadyRunning') throw lock.error;
  const owner = await readOwner(dataDir).catch(() => undefined);
  throw new NetGuardianError(
    'AlreadyRunning',
    `a hub already runs with ${dataDir}${owner ? ` (pid ${owner.pid}, since ${owner.startedAt})` : ''}: stop it first, or use another --data`,
    'data',
  );
}

/** Throws, in words, when `host:port` can't be listened on (taken, or not this machine's). */
export async function assertCanListen(host: string, port: number): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        new NetGuardianError(
          'InvalidArgument',
          e.code === 'EADDRINUSE'
            ? `port ${port} on ${host} is already in use (another hub, or another program?): choose another --listen`
            : e.code === 'EADDRNOTAVAIL'
              ? `${host} is not an address of this computer: choose another --listen`
              : `cannot listen on ${host}:${port}: ${e.message}`,
          'listen',
        ),
      ),
    );
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

/**
 * Stops the embedded PostgreSQL a killed hub left running in `<dataDir>/pgdata`. The caller
 * holds the data dir's lock, so no live hub uses that server.
 */
export async function stopLeftoverHubServer(dataDir: string, log: Logger): Promise<void> {
  await stopOrphanedServer({
    pgdata: path.join(dataDir, 'pgdata'),
    binaries: await locatePostgresBinaries(),
    log,
  });
}
