/**
 * The folder-sync benchmarks of issue 3 (point 9) and of the hub service (its issue's point 7),
 * in one run: (a) initial sync of the reference tree from device A to device B, step by step in
 * this process and then as two `netguardian start` daemons (whose peak memory is (e)), (c)
 * rescan of the unchanged tree, then with the in-process A and B live (b) propagation latency of
 * a one-file change and (d) bytes sent for a one-byte insertion in a large file; and (f), issue
 * 11's recovery after a hub outage, with two daemons on a hub the bench stops and starts.
 *
 * The in-process scenarios run on a pair of devices per way of reaching the hub, one pair after
 * the other, in the same run: through the hub's sync service (`ServiceHub`, paired by invite:
 * the headline) and through the hub's database as device roles (`BenchHub`, direct SQL: the
 * baseline every service figure is divided by). Both hubs are fresh databases on the bench's
 * PostgreSQL server. In-process devices run on their own PostgreSQL servers (`openOwnedStore`),
 * as every device process does since issue 11; with `sizes.before`, a third pair on PGlite (a
 * device's store before issue 11, direct SQL) runs (a), (c) and (b) too.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { PgServer } from '../support/postgres.js';
import { benchDaemonSync, type DaemonSyncResult } from './daemonSync.js';
import { benchDelta, type DeltaResult } from './delta.js';
import { BenchDevice, DEVICE_STORE_LABEL, type DeviceStoreKind } from './devices.js';
import { BenchHub, HUB_VARIANT_LABEL, type DeviceRegistry, type HubVariant } from './hub.js';
import { buildCli } from './daemon.js';
import { HubProcess } from './hubProcess.js';
import { benchRecovery, type RecoveryResult, type RecoverySizes } from './recovery.js';
import { ScratchDirs } from './scratchDirs.js';
import { ServiceHub } from './serviceHub.js';
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
export type InProcessLoads = Readonly<Record<'initialSync' | 'rescan' | 'latency', number>> & {
  /** Absent where (d) did not run. */
  readonly delta?: number;
};
export type Loads = Readonly<Record<'daemon' | 'recovery', number>>;

/** (a) in one process, (c), (b) and (d) on one pair of in-process devices. */
export interface InProcessResults {
  readonly store: DeviceStoreKind;
  readonly hub: HubVariant;
  readonly initialSync: InitialSyncResult;
  readonly rescan: RescanResult;
  readonly latency: LatencyResult;
  /** Not run on the PGlite pair (it compares device stores, and (d) is the hub's part). */
  readonly delta: DeltaResult | null;
  readonly loads: InProcessLoads;
}

export interface FolderResults {
  readonly sizes: FolderSizes;
  /** Devices on their own PostgreSQL servers through the hub's sync service: the headline. */
  readonly service: InProcessResults;
  /** The same devices through the hub's database directly, as device roles: the baseline. */
  readonly direct: InProcessResults;
  /** PGlite devices (a device's store before issue 11), direct SQL; null when not run. */
  readonly pglite: InProcessResults | null;
  /** (a) and (e) with two daemons through a `hub start` process (its exit code after SIGTERM). */
  readonly daemon: (DaemonSyncResult & { readonly hubExitCode: number | null }) | null;
  /** The same two daemons through direct SQL, same run: the baseline; null when not run. */
  readonly daemonDirect: DaemonSyncResult | null;
  readonly recovery: RecoveryResult | null;
  readonly loads: Loads;
  readonly elapsedMs: number;
}

const SEED = 'issue-3-folder-bench';
const load1 = () => Math.round((os.loadavg()[0] ?? 0) * 100) / 100;

interface Pair {
  readonly store: DeviceStoreKind;
  readonly hub: DeviceRegistry;
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

  log('opening the hubs (direct SQL and the sync service) and the in-process devices');
  const scratch = options.scratch ?? new ScratchDirs();
  const hubs: DeviceRegistry[] = [];
  const opened: BenchDevice[] = [];
  const openPair = async (store: DeviceStoreKind, hub: DeviceRegistry): Promise<Pair> => {
    const which = store === 'pglite' ? 'pglite' : hub.variant;
    const spaceId = `bench-folder-${tag}-${which}`;
    const a = await BenchDevice.open(hub, `bench-${which}-a`, spaceId, scratch, store);
    opened.push(a);
    const b = await BenchDevice.open(hub, `bench-${which}-b`, spaceId, scratch, store);
    opened.push(b);
    return { store, hub, spaceId, a, b, loads: {} };
  };
  try {
    const direct = await BenchHub.create(options.server);
    hubs.push(direct);
    const service = await ServiceHub.start(options.server, scratch);
    hubs.push(service);
    // The same order for every scenario below: PGlite (before issue 11), direct SQL, service.
    const pairs: Pair[] = [];
    if (s.before) pairs.push(await openPair('pglite', direct));
    const directPair = await openPair('deviceServer', direct);
    pairs.push(directPair);
    const servicePair = await openPair('deviceServer', service);
    pairs.push(servicePair);
    const label = (p: Pair) =>
      `${DEVICE_STORE_LABEL[p.store]} devices, ${HUB_VARIANT_LABEL[p.hub.variant]}`;

    const initialSyncs = new Map<Pair, InitialSyncResult>();
    for (const p of pairs) {
      log(`(a) initial sync, ${label(p)}`);
      const result = await benchInitialSync({
        a: p.a,
        b: p.b,
        shape: s.tree,
        seed: SEED,
        scratch,
        wire: () => p.hub.wire(),
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
    let daemonDirect: DaemonSyncResult | null = null;
    let hubExitCode: number | null | undefined;
    // The hub process runs from the CLI bundle as the daemons do: built first when stale.
    if (s.daemon || s.recovery) await buildCli();
    if (s.daemon) {
      log('(a) and (e) with two daemons, through a `hub start` process');
      const hubDb = await options.server.createDatabase('ng_bench_folder_hubproc');
      try {
        const hubProcess = await HubProcess.start({
          dir: await scratch.make('ng-bench-hub-process-'),
          databaseUrl: hubDb.url,
        });
        try {
          daemon = await benchDaemonSync({
            hub: hubProcess,
            hubUsage: () => hubProcess.usage(),
            spaceId: `bench-folder-${tag}-daemons`,
            idleSpaceId: `bench-idle-${tag}`,
            shape: s.tree,
            seed: SEED,
            scratch,
            log,
          });
          hubExitCode = await hubProcess.stop();
        } finally {
          await hubProcess.close();
        }
      } finally {
        await hubDb.drop();
      }
      if (!daemon.identical) throw new Error("(a) with daemons: B's tree differs from A's");
      log('(a) with two daemons, direct SQL (the baseline)');
      daemonDirect = await benchDaemonSync({
        hub: direct,
        spaceId: `bench-folder-${tag}-daemons-direct`,
        shape: s.tree,
        seed: SEED,
        scratch,
        log,
      });
      if (!daemonDirect.identical)
        throw new Error("(a) with daemons, direct SQL: B's tree differs from A's");
    }
    loads['daemon'] = load1();

    let recovery: RecoveryResult | null = null;
    if (s.recovery) {
      log(
        '(f) recovery after a hub outage, two daemons on a `hub start` process (embedded PostgreSQL)',
      );
      const outageHub = await HubProcess.start({ dir: await scratch.make('ng-bench-outage-hub-') });
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
    const deltas = new Map<Pair, DeltaResult>();
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
      if (p.store !== 'pglite') {
        log(`(d) one byte into ${(s.deltaFileBytes / 2 ** 20).toFixed(0)} MiB, ${label(p)}`);
        deltas.set(
          p,
          await benchDelta({
            a: p.a,
            b: p.b,
            hub: p.hub,
            spaceId: p.spaceId,
            fileBytes: s.deltaFileBytes,
            seed: `${SEED}-delta`,
          }),
        );
        p.loads['delta'] = load1();
      }
      assertNoErrors(p, label(p));
      // Only the pair being measured runs: the others' watchers and live channels would compete.
      await p.a.close();
      await p.b.close();
    }

    const results = (p: Pair): InProcessResults => ({
      store: p.store,
      hub: p.hub.variant,
      initialSync: initialSyncs.get(p) as InitialSyncResult,
      rescan: rescans.get(p) as RescanResult,
      latency: latencies.get(p) as LatencyResult,
      delta: deltas.get(p) ?? null,
      loads: p.loads as InProcessLoads,
    });
    const pglite = pairs.find((p) => p.store === 'pglite');
    return {
      sizes: s,
      service: results(servicePair),
      direct: results(directPair),
      pglite: pglite ? results(pglite) : null,
      daemon: daemon && hubExitCode !== undefined ? { ...daemon, hubExitCode } : null,
      daemonDirect,
      recovery,
      loads: loads as Loads,
      elapsedMs: performance.now() - started,
    };
  } finally {
    log('closing devices and the hubs');
    for (const d of opened.reverse()) await d.close().catch(() => undefined);
    try {
      for (const hub of hubs.reverse()) await hub.close().catch(() => undefined);
    } finally {
      // Only now: deleting the trees slows every file created for minutes after (scratchDirs.ts).
      if (!options.scratch) await scratch.removeAll();
    }
  }
}

function assertNoErrors(p: Pair, label: string): void {
  const errors = [...p.a.errors, ...p.b.errors];
  if (errors.length > 0)
    throw new Error(`${label}: the devices reported ${errors.length} errors: ${errors[0]}`);
}
