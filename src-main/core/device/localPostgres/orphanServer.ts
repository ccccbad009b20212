import { rm } from 'node:fs/promises';
import path from 'node:path';
import { NetGuardianError } from '../../../../src-shared/errors.js';
import type { Logger } from '../../log.js';
import type { PostgresBinaries } from './binaries.js';
import { readPostmasterPid } from './postmasterPid.js';
import {
  isPostgresOfCluster,
  isRunning,
  requestShutdown,
  waitUntilGone,
} from './processControl.js';
import { FAST_STOP_TIMEOUT_MS, IMMEDIATE_STOP_TIMEOUT_MS } from './serverProcess.js';

export type OrphanOutcome =
  /** No lock file: the last server stopped cleanly, or there never was one. */
  | 'none'
  /** The lock file names a dead process: PostgreSQL removes it when it starts. */
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
  if (!(await isRunning(lock.pid))) return 'dead';
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
