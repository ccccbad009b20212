/** Small timing helpers: the bench reports medians, never means (one slow outlier must not move a figure). */

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** The p-th percentile (0..100), nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error('percentile of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

/** Runs `fn` and returns its result with the elapsed milliseconds. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - started };
}

/** Events (or rows) per second for `count` items in `ms`. */
export const perSecond = (count: number, ms: number): number => (count * 1000) / ms;

/** Median, spread and p90 of timed samples (ms). */
export interface SampleStats {
  readonly runs: number;
  readonly medianMs: number;
  readonly minMs: number;
  readonly p90Ms: number;
  readonly maxMs: number;
  readonly samplesMs: readonly number[];
}

export function sampleStats(samples: readonly number[]): SampleStats {
  return {
    runs: samples.length,
    medianMs: median(samples),
    minMs: Math.min(...samples),
    p90Ms: percentile(samples, 90),
    maxMs: Math.max(...samples),
    samplesMs: [...samples],
  };
}
