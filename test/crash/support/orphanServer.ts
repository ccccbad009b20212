/**
 * The device's PostgreSQL server outlives an owner killed with SIGKILL (an orphan); the next owner
 * must stop it before starting its own. Seen from /proc (Linux): every process of a cluster works
 * in its data dir (`clusterProcesses`), and its postmaster is the one whose parent is not.
 */
import { readPostmasterPid } from '../../../src-main/core/device/localPostgres/postmasterPid.js';
import {
  clusterProcesses,
  stillRunning,
  type ClusterProcess,
} from '../../../src-main/core/device/localPostgres/testFixtures/clusterProcesses.js';

export interface ClusterView {
  readonly processes: readonly ClusterProcess[];
  /** Processes of the cluster whose parent is not one: each is a postmaster. */
  readonly postmasters: readonly ClusterProcess[];
  /** The pid `postmaster.pid` names, if any. */
  readonly recorded: number | undefined;
}

export async function viewCluster(pgdata: string): Promise<ClusterView> {
  const processes = await clusterProcesses(pgdata);
  const pids = new Set(processes.map((p) => p.pid));
  return {
    processes,
    postmasters: processes.filter((p) => !pids.has(p.ppid)),
    recorded: (await readPostmasterPid(pgdata))?.pid,
  };
}

/**
 * After the restart of a killed owner: none of the orphan's processes is left, and the cluster
 * has exactly one postmaster, the one its `postmaster.pid` names.
 */
export async function orphanProblems(orphan: ClusterView, pgdata: string): Promise<string[]> {
  const out: string[] = [];
  for (const p of orphan.processes)
    if (await stillRunning(p)) out.push(`the orphan's process ${p.pid} still runs`);
  const now = await viewCluster(pgdata);
  if (now.postmasters.length !== 1)
    out.push(
      `${now.postmasters.length} postmasters for ${pgdata} (pids ${now.postmasters.map((p) => p.pid).join(', ')}), expected one`,
    );
  else if (now.postmasters[0]?.pid !== now.recorded)
    out.push(
      `postmaster ${now.postmasters[0]?.pid} is not the one postmaster.pid names (${now.recorded})`,
    );
  return out;
}
