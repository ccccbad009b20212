import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';

/**
 * Seeded property runs (STYLE.md "Tests"): every property in a test file runs
 * with one seed, taken from `FC_SEED` when set, else random. A failure reports
 * fast-check's counterexample, seed and path, plus the one command that
 * replays it.
 */
export const FC_SEED: number = parseSeed(process.env['FC_SEED']);

function parseSeed(text: string | undefined): number {
  if (text === undefined || text.trim() === '') return Math.floor(Math.random() * 0x7fffffff);
  const seed = Number(text);
  if (!Number.isSafeInteger(seed))
    throw new Error(`FC_SEED must be an integer, got ${JSON.stringify(text)}`);
  return seed;
}

/** `FC_RUNS_SCALE=10` runs every property ten times as many cases (a longer fuzz, e.g. nightly). */
const RUNS_SCALE: number = Number(process.env['FC_RUNS_SCALE'] ?? '1') || 1;

/**
 * Time allowed for a property-heavy test file's tests: the default 10 s is
 * tight for thousands of simulated histories on a loaded 2-core machine.
 */
export const PROPERTY_TIMEOUT_MS = 60_000 * Math.max(1, RUNS_SCALE);

export type Check = <Ts>(property: fc.IProperty<Ts>, params?: fc.Parameters<Ts>) => void;

/** `checkProperty(import.meta.url)` gives a `check` whose failures say how to replay them. */
export function checkProperty(testFileUrl: string): Check {
  const file = path.relative(process.cwd(), fileURLToPath(testFileUrl));
  return (property, params = {}) => {
    const numRuns = Math.max(1, Math.round((params.numRuns ?? 100) * RUNS_SCALE));
    const details = fc.check(property, { ...params, numRuns, seed: FC_SEED });
    if (details.failed) {
      const report = fc.defaultReportMessage(details) ?? 'property failed';
      throw new Error(
        `${report}\n\nReplay with: FC_SEED=${FC_SEED}${RUNS_SCALE === 1 ? '' : ` FC_RUNS_SCALE=${RUNS_SCALE}`} npx vitest run --project unit ${file}\n` +
          'A real bug? Save the counterexample as src-shared/crdt/fixtures/<name>.json (see fixtures.unit.test.ts).',
      );
    }
  };
}
