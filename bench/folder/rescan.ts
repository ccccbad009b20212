/**
 * (c) Rescan of the unchanged tree: `Device.scan()` on device A after the initial sync. Every
 * file is lstat'ed and compared with the file index; nothing may be hashed or recorded.
 */
import type { BenchDevice } from './devices.js';
import { median } from '../support/stats.js';

export interface RescanResult {
  readonly runs: number;
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly filesScanned: number;
}

export async function benchRescan(a: BenchDevice, runs: number): Promise<RescanResult> {
  const times: number[] = [];
  let filesScanned = 0;
  for (let r = 0; r < runs; r++) {
    const started = performance.now();
    const summary = await a.device.scan();
    times.push(performance.now() - started);
    const changed = summary.created + summary.updated + summary.deleted;
    if (changed > 0 || summary.hashed > 0 || summary.errors.length > 0)
      throw new Error(
        `rescan of an unchanged tree recorded ${changed} changes, hashed ${summary.hashed} files, ${summary.errors.length} errors`,
      );
    filesScanned = summary.scanned;
  }
  return {
    runs,
    medianMs: median(times),
    minMs: Math.min(...times),
    maxMs: Math.max(...times),
    filesScanned,
  };
}
