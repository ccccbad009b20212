/**
 * The new user's journey's stopwatch (issue 16 point 10): each step's wall time as the test walks
 * it, and one plain sync round measured in the same run as the baseline the bench compares the
 * journey with. Written to e2e/artifacts/journey.json, which `npm run bench` reads
 * (bench/journey/section.ts); no test asserts a time.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ARTIFACTS } from './appPage.js';

export const JOURNEY_FILE = path.join(ARTIFACTS, 'journey.json');

/** What e2e/artifacts/journey.json holds. */
export interface JourneyTimes {
  /** When the journey finished (ISO 8601). */
  readonly finishedAt: string;
  /** From the first page open to the folders found byte-identical at the end. */
  readonly totalMs: number;
  /** Each step in the order walked. */
  readonly steps: readonly { readonly name: string; readonly ms: number }[];
  /**
   * One file written into the first device's folder until the same bytes are in the second's:
   * the median of `syncRoundSamplesMs`, rounds made one after another once the journey ended.
   */
  readonly syncRoundMs: number;
  readonly syncRoundSamplesMs: readonly number[];
}

export class JourneyClock {
  private readonly startedAt = performance.now();
  private readonly steps: { name: string; ms: number }[] = [];

  /** Runs one step of the journey and records how long it took. */
  async step<T>(name: string, walk: () => Promise<T>): Promise<T> {
    const start = performance.now();
    const result = await walk();
    this.steps.push({ name, ms: performance.now() - start });
    return result;
  }

  /** Writes the journey's times, once the journey and its baseline have both run. */
  async write(syncRoundsMs: readonly number[], totalMs: number): Promise<JourneyTimes> {
    const sorted = [...syncRoundsMs].sort((x, y) => x - y);
    const times: JourneyTimes = {
      finishedAt: new Date().toISOString(),
      totalMs,
      steps: this.steps,
      syncRoundMs: sorted[Math.floor(sorted.length / 2)] ?? NaN,
      syncRoundSamplesMs: syncRoundsMs,
    };
    await mkdir(path.dirname(JOURNEY_FILE), { recursive: true });
    await writeFile(JOURNEY_FILE, `${JSON.stringify(times, null, 2)}\n`);
    return times;
  }

  /** Milliseconds since the clock was made (the journey's start). */
  elapsed(): number {
    return performance.now() - this.startedAt;
  }
}
