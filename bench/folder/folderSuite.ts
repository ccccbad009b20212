/**
 * The folder-sync benchmarks of issue 3 (point 9), in one run on one hub: (a) initial sync of the
 * reference tree from device A to device B, step by step in this process and then as two
 * `netguardian start` daemons (whose peak memory is (e)), (c) rescan of the unchanged tree, then
 * with the in-process A and B live (b) propagation latency of a one-file change and (d) bytes
 * sent for a one-byte insertion in a large file.
 *
 * Devices use PGlite persisted in temp data directories; the hub is a fresh database on the
 * bench's PostgreSQL server, reached by each device as its own role over 127.0.0.1.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { PgServer } from '../support/postgres.js';
import { benchDaemonSync, type DaemonSyncResult } from './daemonSync.js';
import { benchDelta, type DeltaResult } from './delta.js';
import { BenchDevice } from './devices.js';
import { BenchHub } from './hub.js';
import { ScratchDirs } from './scratchDirs.js';
import { benchInitialSync, type InitialSyncResult } from './initialSync.js';
import { benchLatency, type LatencyResult } from './latency.js';
import { benchRescan, type RescanResult } from './rescan.js';
import { listFiles, REFERENCE_TREE, type TreeShape } from './tree.js';

export interface FolderSizes {
  readonly tree: TreeShape;
  readonly latencyRuns: number;
  readonly latencyWarmupRuns: number;
  readonly rescanRuns: number;
  /** Size of the file of (d). */
  readonly deltaFileBytes: number;
  /** Whether to run (a) and (e) with two daemons (child processes). */
  readonly daemon: boolean;
}

export const FULL_FOLDER_SIZES: FolderSizes = {
  tree: REFERENCE_TREE,
  latencyRuns: 10,
  latencyWarmupRuns: 1,
  rescanRuns: 5,
  deltaFileBytes: 100 * 1024 * 1024,
  daemon: true,
};

export const QUICK_FOLDER_SIZES: FolderSizes = {
  tree: { smallFiles: 1_000, dirs: 100, bigFiles: 2, bigBytes: 4 * 1024 * 1024 },
  latencyRuns: 5,
  latencyWarmupRuns: 1,
  rescanRuns: 3,
  deltaFileBytes: 16 * 1024 * 1024,
  daemon: true,
};

/** The 1-minute load average when a scenario ended: other processes share the 2 cores. */
export type Loads = Readonly<
  Record<'initialSync' | 'rescan' | 'daemon' | 'latency' | 'delta', number>
>;

export interface FolderResults {
  readonly sizes: FolderSizes;
  readonly initialSync: InitialSyncResult;
  readonly rescan: RescanResult;
  readonly daemon: DaemonSyncResult | null;
  readonly latency: LatencyResult;
  readonly delta: DeltaResult;
  readonly loads: Loads;
  readonly elapsedMs: number;
}

const SEED = 'issue-3-folder-bench';
const load1 = () => Math.round((os.loadavg()[0] ?? 0) * 100) / 100;

export async function runFolderSuite(options: {
  readonly server: PgServer;
  readonly sizes: FolderSizes;
  readonly log?: (message: string) => void;
}): Promise<FolderResults> {
  const started = performance.now();
  const log = (m: string) =>
    options.log?.(`[folder ${((performance.now() - started) / 1000).toFixed(1)}s] ${m}`);
  const s = options.sizes;
  const tag = randomBytes(3).toString('hex');
  const spaceId = `bench-folder-${tag}`;
  const loads: Record<string, number> = {};

  log('opening the hub and devices A and B');
  const hub = await BenchHub.create(options.server);
  const scratch = new ScratchDirs();
  const opened: BenchDevice[] = [];
  try {
    const a = await BenchDevice.open(hub, 'bench-a', spaceId, scratch);
    opened.push(a);
    const b = await BenchDevice.open(hub, 'bench-b', spaceId, scratch);
    opened.push(b);

    log('(a) initial sync');
    const initialSync = await benchInitialSync({
      a,
      b,
      shape: s.tree,
      seed: SEED,
      scratch,
      log,
    });
    if (!initialSync.identical) throw new Error("(a): B's tree differs from A's");
    loads['initialSync'] = load1();

    log(`(c) rescan x${s.rescanRuns}`);
    const rescan = await benchRescan(a, s.rescanRuns);
    loads['rescan'] = load1();

    let daemon: DaemonSyncResult | null = null;
    if (s.daemon) {
      log('(a) and (e) with two daemons');
      daemon = await benchDaemonSync({
        hub,
        spaceId: `${spaceId}-daemons`,
        idleSpaceId: `bench-idle-${tag}`,
        shape: s.tree,
        seed: SEED,
        scratch,
        log,
      });
      if (!daemon.identical) throw new Error("(a) with daemons: B's tree differs from A's");
    }
    loads['daemon'] = load1();

    log('starting A and B (watcher, live sync)');
    await a.device.start();
    await b.device.start();
    log(`(b) latency x${s.latencyRuns}`);
    const small = (await listFiles(a.root)).filter((p) => p.startsWith('small/'));
    const step = Math.max(1, Math.floor(small.length / (s.latencyRuns + s.latencyWarmupRuns)));
    const latency = await benchLatency({
      a,
      b,
      files: small.filter((_, i) => i % step === 0),
      runs: s.latencyRuns,
      warmupRuns: s.latencyWarmupRuns,
      seed: SEED,
    });
    loads['latency'] = load1();

    log(`(d) one byte into ${(s.deltaFileBytes / 2 ** 20).toFixed(0)} MiB`);
    const delta = await benchDelta({
      a,
      b,
      hub,
      spaceId,
      fileBytes: s.deltaFileBytes,
      seed: `${SEED}-delta`,
    });
    loads['delta'] = load1();

    const errors = [...a.errors, ...b.errors];
    if (errors.length > 0)
      throw new Error(`devices reported ${errors.length} errors: ${errors[0]}`);
    return {
      sizes: s,
      initialSync,
      rescan,
      daemon,
      latency,
      delta,
      loads: loads as Loads,
      elapsedMs: performance.now() - started,
    };
  } finally {
    log('closing devices and the hub');
    for (const d of opened.reverse()) await d.close().catch(() => undefined);
    try {
      await hub.close();
    } finally {
      // Only now: deleting the trees slows every file created for minutes after (scratchDirs.ts).
      await scratch.removeAll();
    }
  }
}
