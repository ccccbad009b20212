/**
 * Test support (Linux /proc): the processes of a cluster, their owner and memory. Every
 * PostgreSQL process changes into its data dir, so a cluster's processes are those working there.
 */
import { readdir, readFile, readlink, realpath } from 'node:fs/promises';

export interface ClusterProcess {
  readonly pid: number;
  readonly ppid: number;
  /** The real uid (first field of the `Uid:` line of /proc/<pid>/status). */
  readonly uid: number;
  /** Start time in clock ticks since boot: with the pid, names one process even if pids are reused. */
  readonly startTicks: string;
}

async function describe(pid: number): Promise<(ClusterProcess & { cwd: string }) | undefined> {
  try {
    const [stat, status, cwd] = await Promise.all([
      readFile(`/proc/${pid}/stat`, 'utf8'),
      readFile(`/proc/${pid}/status`, 'utf8'),
      readlink(`/proc/${pid}/cwd`),
    ]);
    // Fields after "(comm)": state is field 3, ppid 4, starttime 22.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z' || fields[0] === 'X') return undefined;
    const uid = /^Uid:\s+(\d+)/m.exec(status)?.[1];
    return {
      pid,
      ppid: Number(fields[1]),
      uid: Number(uid),
      startTicks: fields[19] ?? '',
      cwd,
    };
  } catch {
    return undefined; // gone, or not ours to read
  }
}

export async function clusterProcesses(pgdata: string): Promise<ClusterProcess[]> {
  const dir = await realpath(pgdata);
  const pids = (await readdir('/proc')).filter((n) => /^\d+$/.test(n)).map(Number);
  const found: ClusterProcess[] = [];
  for (const pid of pids) {
    const p = await describe(pid);
    if (p !== undefined && p.cwd === dir)
      found.push({ pid: p.pid, ppid: p.ppid, uid: p.uid, startTicks: p.startTicks });
  }
  return found;
}

/** Whether that very process (pid and start time) is still running. */
export async function stillRunning(p: ClusterProcess): Promise<boolean> {
  const now = await describe(p.pid);
  return now !== undefined && now.startTicks === p.startTicks;
}

/** Proportional set size of the processes, in KiB (shared pages divided among their users). */
export async function pssKiB(pids: readonly number[]): Promise<number> {
  let total = 0;
  for (const pid of pids) {
    const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8');
    total += Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0);
  }
  return total;
}

async function passwdField(user: string, field: 2 | 3): Promise<number> {
  const passwd = await readFile('/etc/passwd', 'utf8');
  const line = passwd.split('\n').find((l) => l.startsWith(`${user}:`));
  if (line === undefined) throw new Error(`no user ${user}`);
  return Number(line.split(':')[field]);
}

export const uidOf = (user: string) => passwdField(user, 2);
export const gidOf = (user: string) => passwdField(user, 3);
