/**
 * Waiting for a quiet machine before a timed scenario: the machine has 2 cores shared with other
 * work, and a comparison in which one side ran while something else did is not one. Quiet means
 * the 1-minute load average stayed below `LOAD_LIMIT` for `QUIET_FOR_MS`. The wait is bounded:
 * past it the scenario runs anyway and the report says so with the load it ran at.
 */
import os from 'node:os';

export const LOAD_LIMIT = 0.5;
const QUIET_FOR_MS = 20_000;
const POLL_MS = 5_000;

export interface QuietWait {
  /** False: the wait gave up, the machine was still busy. */
  readonly quiet: boolean;
  readonly waitedMs: number;
  /** The 1-minute load average when the scenario started. */
  readonly load: number;
}

export const loadNow = () => Math.round((os.loadavg()[0] ?? 0) * 100) / 100;

export async function waitForQuiet(
  maxWaitMs: number,
  log: (m: string) => void,
): Promise<QuietWait> {
  const started = performance.now();
  let quietSince: number | undefined;
  for (;;) {
    const now = performance.now();
    if (loadNow() < LOAD_LIMIT) quietSince ??= now;
    else quietSince = undefined;
    if (quietSince !== undefined && now - quietSince >= QUIET_FOR_MS)
      return { quiet: true, waitedMs: now - started, load: loadNow() };
    if (now - started >= maxWaitMs) {
      log(
        `the machine is still busy (load ${loadNow()}) after ${Math.round(maxWaitMs / 1000)} s: going on`,
      );
      return { quiet: false, waitedMs: now - started, load: loadNow() };
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
