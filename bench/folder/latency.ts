/**
 * (b) Propagation latency with live sync: devices A and B both started as daemons run
 * (`Device.start()`: watcher, LISTEN/NOTIFY on the hub, periodic sync). Each run writes new
 * content into one existing file on A and polls B's copy every 5 ms until it holds exactly those
 * bytes: watcher debounce, scan, event, chunk upload, push, NOTIFY, pull, download and atomic
 * write on B are all inside the figure.
 */
import { writeFile } from 'node:fs/promises';
import { sampleStats, type SampleStats } from '../support/stats.js';
import type { BenchDevice } from './devices.js';
import { SeededBytes } from './tree.js';
import { holds, pollUntil } from './waits.js';

export type LatencyResult = SampleStats;

const POLL_MS = 5;
const TIMEOUT_MS = 60_000;
/** Lets the watchers report the writes of the previous run (B's own download) before the next. */
const SETTLE_MS = 150;

/** Until neither device has a sync run in progress and A has nothing left to push. */
export async function waitIdle(
  devices: readonly BenchDevice[],
  timeoutMs = 120_000,
): Promise<void> {
  for (const d of devices) {
    await pollUntil(
      `${d.name} to be idle`,
      async () => {
        const s = await d.engine.getSyncStatus();
        return !s.running && s.pendingPush === 0 ? true : undefined;
      },
      { everyMs: 20, timeoutMs },
    );
  }
}

export async function benchLatency(options: {
  readonly a: BenchDevice;
  readonly b: BenchDevice;
  /** Existing files of the synced tree (relative paths) to change, one per run (cycled). */
  readonly files: readonly string[];
  readonly runs: number;
  readonly warmupRuns: number;
  readonly seed: string;
}): Promise<LatencyResult> {
  const { a, b, files } = options;
  if (files.length === 0) throw new Error('no files to change');
  const rnd = new SeededBytes(options.seed);
  const samples: number[] = [];
  const total = options.warmupRuns + options.runs;
  for (let i = 0; i < total; i++) {
    const rel = files[i % files.length] as string;
    const bytes = rnd.next(rnd.int(1024, 4096));
    await waitIdle([a, b]);
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const started = performance.now();
    await writeFile(a.abs(rel), bytes);
    await pollUntil(
      `${rel} on ${b.name}`,
      async () => ((await holds(b.abs(rel), bytes)) ? true : undefined),
      {
        everyMs: POLL_MS,
        timeoutMs: TIMEOUT_MS,
      },
    );
    const ms = performance.now() - started;
    if (i >= options.warmupRuns) samples.push(ms);
  }
  return sampleStats(samples);
}
