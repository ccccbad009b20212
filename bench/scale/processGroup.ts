/**
 * What one side of a comparison costs the machine, read from /proc: a "process group" is every
 * process one device runs (a NetGuardian daemon and its PostgreSQL server's processes; a
 * Syncthing instance's one process; the hub and its server).
 *
 * Memory is PSS summed over the group (smaps_rollup): for a single process that is its resident
 * set with shared library pages split among their users; for PostgreSQL it counts the shared
 * buffers once rather than once per backend, as summing RSS would. OS watches are the
 * `inotify wd:` lines in the fdinfo of every inotify descriptor the group holds.
 */
import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { processTree, pssOf } from '../folder/processMemory.js';
import { compareBytes, type ExpectedTree } from './completion.js';
import { IDLE_AFTER_MS, type GroupFigures } from './sideResult.js';

/** Returns the root pids of a group now (a daemon and its postmaster); each root's descendants join. */
export type GroupRoots = () => Promise<readonly number[]>;

async function groupPids(roots: GroupRoots): Promise<number[]> {
  const pids = new Set<number>();
  for (const root of await roots()) for (const pid of await processTree(root)) pids.add(pid);
  return [...pids];
}

/** PSS summed over the group's live processes, bytes. */
export async function groupMemory(roots: GroupRoots): Promise<number> {
  let pss = 0;
  for (const pid of await groupPids(roots)) pss += (await pssOf(pid)) ?? 0;
  return pss;
}

/** How many inotify watches the group's processes hold. */
export async function groupWatches(roots: GroupRoots): Promise<number> {
  let watches = 0;
  for (const pid of await groupPids(roots)) {
    let fds: string[];
    try {
      fds = await readdir(`/proc/${pid}/fdinfo`);
    } catch {
      continue; // ended meanwhile
    }
    for (const fd of fds) {
      try {
        const info = await readFile(`/proc/${pid}/fdinfo/${fd}`, 'utf8');
        watches += info.split('\n').filter((l) => l.startsWith('inotify wd:')).length;
      } catch {
        // closed meanwhile
      }
    }
  }
  return watches;
}

/**
 * The highest group memory seen while it runs, sampled every `everyMs`. The samples are this
 * process's reads of /proc: a few milliseconds of CPU each, the same for every side.
 */
export class PeakSampler {
  private readonly peaks: Map<string, number>;
  private readonly timer: NodeJS.Timeout;
  /** The sample under way: samples never overlap. */
  private sampling: Promise<void> = Promise.resolve();

  constructor(
    private readonly groups: ReadonlyMap<string, GroupRoots>,
    everyMs = 250,
  ) {
    this.peaks = new Map([...groups.keys()].map((k) => [k, 0]));
    this.timer = setInterval(() => {
      this.sampling = this.sampling.then(() => this.sample());
    }, everyMs);
  }

  private async sample(): Promise<void> {
    for (const [name, roots] of this.groups) {
      try {
        const m = await groupMemory(roots);
        if (m > (this.peaks.get(name) ?? 0)) this.peaks.set(name, m);
      } catch {
        // A group not up yet (its server still starting): nothing to count.
      }
    }
  }

  /** Stops sampling (after one last sample) and returns each group's peak, bytes. */
  async stop(): Promise<ReadonlyMap<string, number>> {
    clearInterval(this.timer);
    await this.sampling;
    await this.sample();
    return this.peaks;
  }
}

/** Disk usage of a directory (`du -sk`), bytes. */
export async function diskUsage(dir: string): Promise<number> {
  const child = spawn('du', ['-sk', dir], { stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString('utf8')));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  const kib = Number.parseInt(out, 10);
  if (code !== 0 || !Number.isFinite(kib)) throw new Error(`du -sk ${dir} exited ${code}`);
  return kib * 1024;
}

/** What both sides read once B holds the tree (`settledFigures`). */
export interface Settled {
  readonly syncMs: number;
  readonly compared: number;
  readonly differing: number;
  /** In the order of `stores`. */
  readonly figures: GroupFigures[];
}

/**
 * Once B holds the tree, the same for both products: the sync's time and its peaks, B's folder
 * compared byte for byte, then, `IDLE_AFTER_MS` later, each group's idle memory, watches and
 * store on disk (`stores`: the group's name and where its store is).
 */
export async function settledFigures(o: {
  readonly product: string;
  readonly startedAt: number;
  readonly sampler: PeakSampler;
  readonly groups: ReadonlyMap<string, GroupRoots>;
  readonly tree: ExpectedTree;
  readonly folderB: string;
  readonly stores: readonly (readonly [name: string, dir: () => Promise<string>])[];
  readonly log: (m: string) => void;
}): Promise<Settled> {
  const syncMs = performance.now() - o.startedAt;
  const peaks = await o.sampler.stop();
  o.log(`${o.product}: B complete ${(syncMs / 1000).toFixed(2)} s after A's start`);
  const { compared, differing } = await compareBytes(o.tree, o.folderB);
  await new Promise((r) => setTimeout(r, IDLE_AFTER_MS));
  const figures: GroupFigures[] = [];
  for (const [name, dir] of o.stores) {
    const roots = o.groups.get(name) as GroupRoots;
    figures.push({
      name,
      peakBytes: peaks.get(name) ?? 0,
      idleBytes: await groupMemory(roots),
      watches: await groupWatches(roots),
      storeBytes: await diskUsage(await dir()),
    });
  }
  return { syncMs, compared, differing, figures };
}
