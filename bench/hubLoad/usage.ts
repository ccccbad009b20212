/**
 * CPU and memory of the load test's processes from Linux /proc. A PostgreSQL server is a tree of
 * processes (postmaster, background workers, one backend per connection): its CPU is the tree's
 * live processes plus what the postmaster's reaped children used (cutime + cstime), so a backend
 * that ended meanwhile still counts; its memory is the tree's PSS (shared buffers once).
 */
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { cpuSeconds } from '../folder/processCpu.js';
import { processTree, pssOf } from '../folder/processMemory.js';

export { cpuSeconds as cpuOf };

let ticks: number | undefined;
/** USER_HZ, the unit of /proc/<pid>/stat's times (100 on every Linux this runs on). */
function ticksPerSecond(): number {
  if (ticks === undefined) {
    const out = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    ticks = Number.isInteger(out) && out > 0 ? out : 100;
  }
  return ticks;
}

async function rawTimes(pid: number): Promise<{ own: number; children: number } | undefined> {
  let stat: string;
  try {
    stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // ended meanwhile
  }
  // After the command's ")": utime is the 12th field, stime the 13th, cutime, cstime next.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return {
    own: Number(f[11]) + Number(f[12]),
    children: Number(f[13]) + Number(f[14]),
  };
}

/** CPU seconds of `root`'s live tree plus its reaped children's. */
export async function treeCpu(root: number): Promise<number> {
  const hz = ticksPerSecond();
  let total = 0;
  for (const pid of await processTree(root)) {
    const t = await rawTimes(pid);
    if (!t) continue;
    total += t.own + (pid === root ? t.children : 0);
  }
  return total / hz;
}

/** PSS summed over `root`'s live tree, bytes. */
export async function treeMemory(root: number): Promise<number> {
  let pss = 0;
  for (const pid of await processTree(root)) pss += (await pssOf(pid)) ?? 0;
  return pss;
}

/** CPU seconds the whole machine spent busy so far (all cores, all processes; /proc/stat). */
export async function machineBusySeconds(): Promise<number> {
  const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0] ?? '';
  // cpu user nice system idle iowait irq softirq steal ...
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  const total = f.slice(0, 8).reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);
  const idle = (f[3] ?? 0) + (f[4] ?? 0);
  return (total - idle) / ticksPerSecond();
}
