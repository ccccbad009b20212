/**
 * Test and bench support: stops a device's PostgreSQL server still running on a cluster that is
 * about to be thrown away (its owner was killed, or a run failed before closing it). Immediate
 * shutdown: nothing in it is kept.
 */
import { readPostmasterPid } from '../../src-main/core/device/localPostgres/postmasterPid.js';
import {
  isPostgresOfCluster,
  waitUntilGone,
} from '../../src-main/core/device/localPostgres/processControl.js';

export async function stopLeftoverServer(pgdata: string): Promise<void> {
  const pid = (await readPostmasterPid(pgdata).catch(() => undefined))?.pid;
  if (pid === undefined || !(await isPostgresOfCluster(pid, pgdata))) return;
  try {
    process.kill(pid, 'SIGQUIT');
  } catch {
    return;
  }
  await waitUntilGone(pid, 10_000);
}
