import { rm } from 'node:fs/promises';
import path from 'node:path';
import { NetGuardianError } from '../../../../src-shared/errors.js';
import type { Logger } from '../../log.js';
import type { PostgresBinaries } from './binaries.js';
import { socketFileName } from './layout.js';
import { readPostmasterPid, type PostmasterPid } from './postmasterPid.js';
import {
  isPostgresOfCluster,
  isRunning,
  livePostgresOfCluster,
  requestShutdown,
  waitUntilGone,
} from './processControl.js';
import { FAST_STOP_TIMEOUT_MS, IMMEDIATE_STOP_TIMEOUT_MS } from './serverProcess.js';

export type OrphanOutcome =
  /** No lock file: the last server stopped cleanly, or there never was one. */
  | 'none'
  /** The lock file names a dead process (or an unreaped zombie): removed, once no process of the cluster is left. */
  | 'dead'
  /** The lock file names a live process that is not this cluster's server (a reused pid). */
  | 'reused-pid'
  /** A server of this cluster outlived its owner and was stopped. */
  | 'stopped';

/**
 * Before a start: a server of this cluster still running (its owner was killed, so nobody
 * stopped it) is stopped, fast, or immediately if that takes too long (the next start replays
 * the WAL). The caller holds the data dir's lock, so no live owner can be using that server.
 */
export async function stopOrphanedServer(options: {
  readonly pgdata: string;
  readonly binaries: PostgresBinaries;
  readonly log: Logger;
}): Promise<OrphanOutcome> {
  const { pgdata, log } = options;
  const lock = await readPostmasterPid(pgdata);
  if (lock === undefined) return 'none';
  if (!(await isRunning(lock.pid))) {
    await clearDeadServer(pgdata, lock, options.binaries, log);
    return 'dead';
  }
  if (!(await isPostgresOfCluster(lock.pid, pgdata))) {
    // PostgreSQL would refuse to start ("lock file already exists") while that pid lives, and
    // we hold the data dir's lock, so the file is certainly stale.
    log.warn({ pid: lock.pid }, 'postmaster.pid names an unrelated process; removing it');
    await rm(path.join(pgdata, 'postmaster.pid'), { force: true });
    return 'reused-pid';
  }
  log.warn({ pid: lock.pid }, 'a store server outlived its owner; stopping it');
  const started = Date.now();
  await requestShutdown(lock.pid, 'fast', options.binaries);
  if (!(await waitUntilGone(lock.pid, FAST_STOP_TIMEOUT_MS))) {
    log.warn({ pid: lock.pid }, 'the orphaned server did not stop in time; immediate shutdown');
    await requestShutdown(lock.pid, 'immediate', options.binaries);
    if (!(await waitUntilGone(lock.pid, IMMEDIATE_STOP_TIMEOUT_MS)))
      throw new NetGuardianError(
        'StoreError',
        `an earlier store server (pid ${lock.pid}, cluster ${pgdata}) would not stop: end that process and start again`,
      );
  }
  log.info({ pid: lock.pid, ms: Date.now() - started }, 'orphaned store server stopped');
  return 'stopped';
}

/**
 * After a postmaster died without stopping (killed with its owner): its lock file must go before
 * the next start. PostgreSQL would remove it itself if the pid were gone, but a dead postmaster
 * nobody reaped (an init that does not reap promptly, as in some containers) is a zombie that
 * `kill(pid, 0)` still finds, and PostgreSQL then refuses to start ("lock file already exists").
 * The backends it left end on their own within moments (they watch the postmaster); any still
 * there after a while are stopped, since they hold the cluster's shared memory. Then the file is
 * removed: the caller holds the data dir's lock, so no live server of ours can be using it.
 */
async function clearDeadServer(
  pgdata: string,
  lock: PostmasterPid,
  binaries: PostgresBinaries,
  log: Logger,
): Promise<void> {
  const { pid } = lock;
  const deadline = Date.now() + FAST_STOP_TIMEOUT_MS;
  let left = await livePostgresOfCluster(pgdata);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    left = await livePostgresOfCluster(pgdata);
  }
  for (const child of left) {
    log.warn({ pid: child }, 'a process of a dead store server is still running; stopping it');
    await requestShutdown(child, 'immediate', binaries);
    if (!(await waitUntilGone(child, IMMEDIATE_STOP_TIMEOUT_MS)))
      throw new NetGuardianError(
        'StoreError',
        `a process of an earlier store server (pid ${child}, cluster ${pgdata}) would not stop: end that process and start again`,
      );
  }
  log.info({ pid }, 'the last store server died without stopping; removing its lock files');
  // Its socket's lock file names the dead pid too, and is checked the same way.
  if (lock.socketDir !== undefined && lock.port !== undefined) {
    const socket = path.join(lock.socketDir, socketFileName(lock.port));
    await rm(`${socket}.lock`, { force: true });
    await rm(socket, { force: true });
  }
  await rm(path.join(pgdata, 'postmaster.pid'), { force: true });
}
