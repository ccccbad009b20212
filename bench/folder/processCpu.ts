/** CPU time a process has used so far (Linux /proc), for the hub process's CPU per synced GiB. */
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';

let ticksPerSecond: number | undefined;

/** USER_HZ: the unit of /proc/<pid>/stat's times (100 on every Linux we run on; asked once). */
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    const out = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    ticksPerSecond = Number.isInteger(out) && out > 0 ? out : 100;
  }
  return ticksPerSecond;
}

/** User + system CPU seconds of a live process (its own threads, not its children). */
export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command's ")": state is field 3, utime 14 and stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime))
    throw new Error(`no CPU times in /proc/${pid}/stat`);
  return (utime + stime) / clockTicks();
}
