/**
 * The folder-sync benchmarks of issue 3 (point 9), in one run on one hub: (a) initial sync of the
 * reference tree from device A to device B, step by step in this process and then as two
 * `netguardian start` daemons (whose peak memory is (e)), (c) rescan of the unchanged tree, then
 * with the in-process A and B live (b) propagation latency of a one-file change and (d) bytes
 * sent for a one-byte insertion in a large file; and (f), issue 11's recovery after a hub outage,
 * with two daemons on a hub the bench stops and starts.
 *
 * In-process devices run on their own PostgreSQL servers (`openOwnedStore`), as every device
 * process does since issue 11. With `sizes.before`, (a) in one process, (c) and (b) also run on a
 * second pair of devices on PGlite (a device's store before issue 11), in the same run and on the
 * same hub, so the section shows both. The hub is a fresh database on the bench's PostgreSQL
 * server, reached by each device as its own role over 127.0.0.1 (for (f): an embedded hub).
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { PgServer } from '../support/postgres.js';
import { benchDaemonSync, type DaemonSyncResult } from './daemonSync.js';
import { benchDelta, type DeltaResult } from './delta.js';
import { BenchDevice, DEVICE_STORE_LABEL, type DeviceStoreKind } from './devices.js';
import { BenchHub } from './hub.js';
import { OutageHub } from './outageHub.js';
import { benchRecovery, type RecoveryResult, type RecoverySizes } from './recovery.js';
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
  /** Whether to run (a) in one process, (c) and (b) on PGlite devices too (before issue 11). */
  readonly before: boolean;
  /** (f) recovery after a hub outage, with two daemons; null: not run. */
  readonly recovery: RecoverySizes | null;
}

export const FULL_FOLDER_SIZES: FolderSizes = {
  tree: REFERENCE_TREE,
  latencyRuns: 10,
  latencyWarmupRuns: 1,
  rescanRuns: 5,
  deltaFileBytes: 100 * 1024 * 1024,
  daemon: true,
  before: true,
  recovery: { files: 20, runs: 5, outageMs: 10_000 },
};

export const QUICK_FOLDER_SIZES: FolderSizes = {
  tree: { smallFiles: 1_000, dirs: 100, bigFiles: 2, bigBytes: 4 * 1024 * 1024 },
  latencyRuns: 5,
  latencyWarmupRuns: 1,
  rescanRuns: 3,
  deltaFileBytes: 16 * 1024 * 1024,
  daemon: true,
  before: true,
  recovery: { files: 20, runs: 3, outageMs: 5_000 },
};

/** The 1-minute load average when a scenario ended: other processes share the 2 cores. */
export type InProcessLoads = Readonly<Record<'initialSync' | 'rescan' | 'latency', number>>;
export type Loads = Readonly<Record<'daemon' | 'delta' | 'recovery', number>>;

/** (a) in one process, (c) and (b) on one pair of in-process devices. */
export interface InProcessResults {
  readonly store: DeviceStoreKind;
  readonly initialSync: InitialSyncResult;
  readonly rescan: RescanResult;
  readonly latency: LatencyResult;
  readonly loads: InProcessLoads;
}

export interface FolderResults {
  readonly sizes: FolderSizes;
  /** On the devices' own PostgreSQL servers (the product since issue 11): the headline figures. */
  readonly after: InProcessResults;
  /** The same on PGlite devices (before issue 11), same run; null when not run. */
  readonly before: InProcessResults | null;
  readonly daemon: DaemonSyncResult | null;
  readonly delta: DeltaResult;
  readonly recovery: RecoveryResult | null;
  readonly loads: Loads;
  readonly elapsedMs: number;
}

const SEED = 'issue-3-folder-bench';
const load1 = () => Math.round((os.loadavg()[0] ?? 0) * 100) / 100;

interface Pair {
  readonly store: DeviceStoreKind;
  readonly spaceId: string;
  readonly a: BenchDevice;
  readonly b: BenchDevice;
  readonly loads: Record<string, number>;
}

export async function runFolderSuite(options: {
  readonly server: PgServer;
  readonly sizes: FolderSizes;
  /**
   * Where the scenarios' folders go. Given: the caller removes them (after later sections that
   * must not follow a mass deletion either). Not given: removed when the suite ends.
   */
  readonly scratch?: ScratchDirs;
  readonly log?: (message: string) => void;
}): Promise<FolderResults> {
  const started = performance.now();
  const log = (m: string) =>
    options.log?.(`[folder ${((performance.now() - started) / 1000).toFixed(1)}s] ${m}`);
  const s = options.sizes;
  const tag = randomBytes(3).toString('hex');
  const loads: Record<string, number> = {};

  log('opening the hub and the in-process devices');
  const hub = await BenchHub.create(options.server);
  const scratch = options.scratch ?? new ScratchDirs();
  const opened: BenchDevice[] = [];
  const openPair = async (store: DeviceStoreKind): Promise<Pair> => {
    const spaceId = `bench-folder-${tag}-${store === 'pglite' ? 'pglite' : 'server'}`;
    const prefix = store === 'pglite' ? 'bench-pglite' : 'bench';
    const a = await BenchDevice.open(hub, `${prefix}-a`, spaceId, scratch, store);
    opened.push(a);
    const b = await BenchDevice.open(hub, `${prefix}-b`, spaceId, scratch, store);
    opened.push(b);
    return { store, spaceId, a, b, loads: {} };
  };
  try {
    // Before, then after: the same order for every scenario below.
    const pairs: Pair[] = [];
    if (s.before) pairs.push(await openPair('pglite'));
    const after = await openPair('deviceServer');
    pairs.push(after);
    const label = (p: Pair) => `${DEVICE_STORE_LABEL[p.store]} devices`;

    const initialSyncs = new Map<Pair, InitialSyncResult>();
    for (const p of pairs) {
      log(`(a) initial sync, ${label(p)}`);
      const result = await benchInitialSync({
        a: p.a,
        b: p.b,
        shape: s.tree,
        seed: SEED,
        scratch,
        log,
      });
      if (!result.identical) throw new Error(`(a), ${label(p)}: B's tree differs from A's`);
      initialSyncs.set(p, result);
      p.loads['initialSync'] = load1();
    }

    const rescans = new Map<Pair, RescanResult>();
    for (const p of pairs) {
      log(`(c) rescan x${s.rescanRuns}, ${label(p)}`);
      rescans.set(p, await benchRescan(p.a, s.rescanRuns));
      p.loads['rescan'] = load1();
    }

    let daemon: DaemonSyncResult | null = null;
    if (s.daemon) {
      log('(a) and (e) with two daemons');
      daemon = await benchDaemonSync({
        hub,
        spaceId: `bench-folder-${tag}-daemons`,
        idleSpaceId: `bench-idle-${tag}`,
        shape: s.tree,
        seed: SEED,
        scratch,
        log,
      });
      if (!daemon.identical) throw new Error("(a) with daemons: B's tree differs from A's");
    }
    loads['daemon'] = load1();

    let recovery: RecoveryResult | null = null;
    if (s.recovery) {
      log('(f) recovery after a hub outage, two daemons on an embedded hub');
      const outageHub = await OutageHub.start(scratch);
      try {
        recovery = await benchRecovery({
          hub: outageHub,
          spaceId: `bench-recovery-${tag}`,
          sizes: s.recovery,
          seed: `${SEED}-recovery`,
          scratch,
          log,
        });
      } finally {
        await outageHub.close();
      }
    }
    loads['recovery'] = load1();

    const latencies = new Map<Pair, LatencyResult>();
    for (const p of pairs) {
      log(`starting A and B (watcher, live sync), ${label(p)}`);
      await p.a.device.start();
      await p.b.device.start();
      log(`(b) latency x${s.latencyRuns}, ${label(p)}`);
      const small = (await listFiles(p.a.root)).filter((f) => f.startsWith('small/'));
      const step = Math.max(1, Math.floor(small.length / (s.latencyRuns + s.latencyWarmupRuns)));
      latencies.set(
        p,
        await benchLatency({
          a: p.a,
          b: p.b,
          files: small.filter((_, i) => i % step === 0),
          runs: s.latencyRuns,
          warmupRuns: s.latencyWarmupRuns,
          seed: SEED,
        }),
      );
      p.loads['latency'] = load1();
      assertNoErrors(p);
      // Only the pair being measured runs: the other's watchers and live channels would compete.
      if (p !== after) {
        await p.a.close();
        await p.b.close();
      }
    }

    log(`(d) one byte into ${(s.deltaFileBytes / 2 ** 20).toFixed(0)} MiB`);
    const delta = await benchDelta({
      a: after.a,
      b: after.b,
      hub,
      spaceId: after.spaceId,
      fileBytes: s.deltaFileBytes,
      seed: `${SEED}-delta`,
    });
    loads['delta'] = load1();
    assertNoErrors(after);

    const results = (p: Pair): InProcessResults => ({
      store: p.store,
      initialSync: initialSyncs.get(p) as InitialSyncResult,
      rescan: rescans.get(p) as RescanResult,
      latency: latencies.get(p) as LatencyResult,
      loads: p.loads as InProcessLoads,
    });
    const before = pairs.find((p) => p.store === 'pglite');
    return {
      sizes: s,
      after: results(after),
      before: before ? results(before) : null,
      daemon,
      delta,
      recovery,
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
      if (!options.scratch) await scratch.removeAll();
    }
  }
}

function assertNoErrors(p: Pair): void {
  const errors = [...p.a.errors, ...p.b.errors];
  if (errors.length > 0)
    throw new Error(
      `${DEVICE_STORE_LABEL[p.store]} devices reported ${errors.length} errors: ${errors[0]}`,
    );
}
