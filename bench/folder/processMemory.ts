/**
 * Memory of the processes a device runs (Linux /proc): the daemon's own resident set (VmHWM,
 * VmRSS) and proportional set (PSS), and the device's PostgreSQL server: its postmaster and
 * every process under it, summed by PSS. PSS splits each shared page between the processes that
 * map it, so the server's shared buffers and binaries count once across its processes, and the
 * sum is what the server adds to the machine.
 */
import { readdir, readFile } from 'node:fs/promises';
import { dataDirFiles, homeLayout } from '../../src-main/core/device/localPostgres/layout.js';
import { readPostmasterPid } from '../../src-main/core/device/localPostgres/postmasterPid.js';

export interface ProcessMemory {
  /** Peak resident set (VmHWM), bytes. */
  readonly peakRss: number;
  /** Resident set when read (VmRSS), bytes. */
  readonly rss: number;
  /** Proportional set size when read (smaps_rollup), bytes. */
  readonly pss: number;
}

export interface ServerMemory {
  /** PSS summed over the postmaster and its descendants when read, bytes. */
  readonly pss: number;
  /** How many processes that was (postmaster, checkpointer, walwriter, backends, ...). */
  readonly processes: number;
  readonly postmasterPid: number;
}

const kib = (text: string, field: string, where: string) => {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
  if (!m) throw new Error(`no ${field} in ${where}`);
  return Number(m[1]) * 1024;
};

/** PSS of a live process, or undefined if it is gone. */
export async function pssOf(pid: number): Promise<number | undefined> {
  const file = `/proc/${pid}/smaps_rollup`;
  try {
    return kib(await readFile(file, 'utf8'), 'Pss', file);
  } catch (e) {
    // A backend may end between listing and reading.
    if (
      (e as NodeJS.ErrnoException).code === 'ENOENT' ||
      (e as NodeJS.ErrnoException).code === 'ESRCH'
    )
      return undefined;
    throw e;
  }
}

/** VmHWM, VmRSS and PSS of a live process. */
export async function processMemory(pid: number): Promise<ProcessMemory> {
  const where = `/proc/${pid}/status`;
  const status = await readFile(where, 'utf8');
  const pss = await pssOf(pid);
  if (pss === undefined) throw new Error(`process ${pid} is gone`);
  return { peakRss: kib(status, 'VmHWM', where), rss: kib(status, 'VmRSS', where), pss };
}

/** The parent of every live process (field 4 of /proc/<pid>/stat, after the command's ")"). */
async function parents(): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = await readFile(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // ended meanwhile
    }
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    out.set(Number(name), Number(fields[1]));
  }
  return out;
}

/** `root` and its descendants, as running now. */
export async function processTree(root: number): Promise<number[]> {
  const parentOf = await parents();
  const tree = [root];
  for (let i = 0; i < tree.length; i++) {
    const pid = tree[i] as number;
    for (const [child, parent] of parentOf) if (parent === pid) tree.push(child);
  }
  return tree;
}

/** The cluster of a data dir: `<dataDir>/postgres`, or where `postgres-location.json` says. */
async function clusterPgdata(dataDir: string): Promise<string> {
  const files = dataDirFiles(dataDir);
  let home = files.localHome;
  try {
    const record = JSON.parse(await readFile(files.locationFile, 'utf8')) as { home?: unknown };
    if (typeof record.home === 'string') home = record.home;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  return homeLayout(home).pgdata;
}

/** The postmaster of the PostgreSQL server running a device's store (data dir `dataDir`). */
export async function devicePostmasterPid(dataDir: string): Promise<number> {
  const pgdata = await clusterPgdata(dataDir);
  const postmaster = await readPostmasterPid(pgdata);
  if (postmaster === undefined || postmaster.standalone)
    throw new Error(`no server running on ${pgdata}`);
  return postmaster.pid;
}

/** The PSS of the PostgreSQL server running a device's store (data dir `dataDir`). */
export async function deviceServerMemory(dataDir: string): Promise<ServerMemory> {
  const postmasterPid = await devicePostmasterPid(dataDir);
  let pss = 0;
  let processes = 0;
  for (const pid of await processTree(postmasterPid)) {
    const p = await pssOf(pid);
    if (p === undefined) continue;
    pss += p;
    processes += 1;
  }
  if (processes === 0) throw new Error(`the server of ${dataDir} (pid ${postmasterPid}) is gone`);
  return { pss, processes, postmasterPid };
}
