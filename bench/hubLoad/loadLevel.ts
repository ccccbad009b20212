/**
 * One load level: for `measureMs`, every device sends changes at random moments (a Poisson
 * process: exponential gaps) so that together they offer `rate` changes per second; a device
 * sends its changes one after another, so a device that falls behind sends late, and the rate
 * the hub carried is what was sent over how long sending took. Then the devices are drained:
 * the level ends when every change has reached every other device of its space (or after
 * `drainMs`: what has not arrived by then counts as never arriving, above any percentile).
 */
import { performance } from 'node:perf_hooks';
import type { HubCluster } from './hubCluster.js';
import { Recorder, type ChangeKind } from './recorder.js';
import type { SimDevice } from './simDevice.js';

export interface ChangeMix {
  /** Share of changes that are new files (the rest edit an existing file, save large ones). */
  readonly newShare: number;
  /** Share of changes that are large files. */
  readonly largeShare: number;
  /** Content of an edit, bytes (uniform in the range). */
  readonly editBytes: readonly [number, number];
  readonly newBytes: readonly [number, number];
  readonly largeBytes: number;
}

/** Small edits of 1-8 KiB, new files of 4-64 KiB, and one change in 200 a 3 MiB file. */
export const REALISTIC_MIX: ChangeMix = {
  newShare: 0.15,
  largeShare: 0.005,
  editBytes: [1024, 8 * 1024],
  newBytes: [4 * 1024, 64 * 1024],
  largeBytes: 3 * 1024 * 1024,
};

export interface LevelResult {
  /** Changes per second offered. */
  readonly offered: number;
  /** Changes per second the hub took in (stored). */
  readonly carried: number;
  readonly changes: number;
  readonly largeChanges: number;
  /** Arrivals at other devices per second (events through the hub, out). */
  readonly deliveredPerSecond: number;
  /** Chunk MiB per second pushed to the hub, and pulled from it by all receivers. */
  readonly inMiBps: number;
  readonly outMiBps: number;
  /** Propagation, milliseconds: change sent on one device → held and checked on another. */
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Arrivals expected (each change times the other devices of its space) and missing. */
  readonly expectedArrivals: number;
  readonly missingArrivals: number;
  /** Arrivals of a change at a device that is not another device of its space (must be 0). */
  readonly strayArrivals: number;
  readonly badChunks: number;
  readonly badEvents: number;
  readonly failures: readonly { message: string; count: number }[];
  /** How long sending took, and the drain after it, ms. */
  readonly sendMs: number;
  readonly drainMs: number;
  /** CPU cores used on average while sending: each hub process, PostgreSQL, the generator. */
  readonly hubCores: readonly number[];
  readonly postgresCores: number;
  readonly generatorCores: number;
  /** The rest of the machine meanwhile (busy cores not the hub's, PostgreSQL's or the generator's). */
  readonly otherCores: number;
  /**
   * Whether the level held: p99 under the target, the senders kept up (the last change stored
   * within KEPT_UP_MS of the window's end), nothing lost, no request failed.
   */
  readonly held: boolean;
  /** The recorder, for tests that check every arrival. */
  readonly recorder: Recorder;
}

export const P99_TARGET_MS = 1_000;
/**
 * A level is carried when the senders kept up: the last change scheduled in the window was
 * stored within this long after the window's end (a hub that can't keep up makes them lag).
 */
const KEPT_UP_MS = 1_000;

export async function runLevel(options: {
  readonly cluster: HubCluster;
  readonly devices: readonly SimDevice[];
  readonly rate: number;
  readonly measureMs: number;
  readonly drainMs: number;
  readonly mix: ChangeMix;
  readonly random: () => number;
}): Promise<LevelResult> {
  const { devices, rate, mix, random } = options;
  const recorder = new Recorder();
  for (const d of devices) d.recorder = recorder;
  const perDeviceMeanMs = (1000 * devices.length) / rate;
  const gap = () => -Math.log(1 - random()) * perDeviceMeanMs;
  const pick = (): { kind: ChangeKind; bytes: number } => {
    const r = random();
    const between = ([lo, hi]: readonly [number, number]) => Math.round(lo + random() * (hi - lo));
    if (r < mix.largeShare) return { kind: 'large', bytes: mix.largeBytes };
    if (r < mix.largeShare + mix.newShare) return { kind: 'new', bytes: between(mix.newBytes) };
    return { kind: 'edit', bytes: between(mix.editBytes) };
  };

  const cpu0 = await options.cluster.cpu();
  const start = performance.now();
  const end = start + options.measureMs;
  let sentBytes = 0;
  const sender = async (device: SimDevice) => {
    // Bounded: the schedule stops at `end`; each change is bounded by the client's timeouts.
    for (let at = start + gap(); at < end; at += gap()) {
      const wait = at - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const change = pick();
      try {
        await device.change(change.kind, change.bytes);
        sentBytes += change.bytes;
      } catch (e) {
        recorder.noteFailure(e);
      }
    }
  };
  await Promise.all(devices.map(sender));
  const sent = performance.now();
  const cpu1 = await options.cluster.cpu();

  // Drain: every change at every other device of its space, bounded by drainMs.
  const spaceOf = new Map(devices.map((d) => [d.nodeId, d.link.spaceId]));
  const spaceSize = new Map<string, number>();
  for (const d of devices) spaceSize.set(d.link.spaceId, (spaceSize.get(d.link.spaceId) ?? 0) + 1);
  const expectedFor = (spaceId: string) => (spaceSize.get(spaceId) ?? 1) - 1;
  let expectedArrivals = 0;
  for (const c of recorder.pushed.values()) expectedArrivals += expectedFor(c.spaceId);
  const arrivedCount = () => {
    let n = 0;
    for (const c of recorder.pushed.values())
      n += Math.min(recorder.arrivals.get(c.eventId)?.length ?? 0, expectedFor(c.spaceId));
    return n;
  };
  const drainEnd = sent + options.drainMs;
  while (arrivedCount() < expectedArrivals && performance.now() < drainEnd)
    await new Promise((r) => setTimeout(r, 50));
  const drained = performance.now();

  const latencies: number[] = [];
  let missingArrivals = 0;
  let strayArrivals = 0;
  for (const c of recorder.pushed.values()) {
    const seen = new Set<string>();
    for (const a of recorder.arrivals.get(c.eventId) ?? []) {
      if (a.device === c.origin || spaceOf.get(a.device) !== c.spaceId || seen.has(a.device)) {
        strayArrivals += 1;
        continue;
      }
      seen.add(a.device);
      latencies.push(a.at - c.sentAt);
    }
    missingArrivals += expectedFor(c.spaceId) - seen.size;
  }
  latencies.sort((a, b) => a - b);
  // A missing arrival is slower than any that came: it sits above every percentile it reaches.
  const all = latencies.length + missingArrivals;
  const percentile = (p: number) => {
    if (all === 0) return 0;
    const i = Math.min(all - 1, Math.ceil(p * all) - 1);
    return i < latencies.length ? (latencies[i] as number) : Number.POSITIVE_INFINITY;
  };
  const sendMs = sent - start;
  const seconds = Math.max(options.measureMs, sendMs) / 1000;
  const changes = recorder.pushed.size;
  const carried = changes / seconds;
  const cores = (a: number, b: number) => (b - a) / ((cpu1.at - cpu0.at) / 1000);
  const failures = [...recorder.failures].map(([message, count]) => ({ message, count }));
  const p99Ms = percentile(0.99);
  return {
    offered: rate,
    carried,
    changes,
    largeChanges: [...recorder.pushed.values()].filter((c) => c.kind === 'large').length,
    deliveredPerSecond: latencies.length / seconds,
    inMiBps: sentBytes / 1024 / 1024 / seconds,
    outMiBps: recorder.pulledBytes / 1024 / 1024 / seconds,
    p50Ms: percentile(0.5),
    p99Ms,
    maxMs: missingArrivals > 0 ? Number.POSITIVE_INFINITY : (latencies[latencies.length - 1] ?? 0),
    expectedArrivals,
    missingArrivals,
    strayArrivals,
    badChunks: recorder.badChunks,
    badEvents: recorder.badEvents,
    failures,
    sendMs,
    drainMs: drained - sent,
    hubCores: cpu0.hubs.map((h, i) => cores(h, cpu1.hubs[i] ?? h)),
    postgresCores: cores(cpu0.postgres, cpu1.postgres),
    generatorCores: cores(cpu0.generator, cpu1.generator),
    otherCores: Math.max(
      0,
      cores(cpu0.machine, cpu1.machine) -
        cores(cpu0.postgres, cpu1.postgres) -
        cores(cpu0.generator, cpu1.generator) -
        cpu0.hubs.reduce((n, h, i) => n + cores(h, cpu1.hubs[i] ?? h), 0),
    ),
    held:
      p99Ms < P99_TARGET_MS &&
      sendMs <= options.measureMs + KEPT_UP_MS &&
      missingArrivals === 0 &&
      failures.length === 0 &&
      recorder.badChunks === 0,
    recorder,
  };
}
