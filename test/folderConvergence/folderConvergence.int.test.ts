import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestHub } from '../folderSync/support/testHub.js';
import { startTcpProxy, type TcpProxy } from '../support/tcpProxy.js';
import { Machine } from './devices.js';
import { loadFixture, loadFixtures, writeFailureFixture } from './fixtures.js';
import { shrinkOps } from './shrink.js';
import { DEVICES, generateOps } from './generator.js';
import { runScenario, type Rig, type RunSpec, type RunStats } from './scenario.js';
import {
  deferStart,
  enabledKinds,
  fullModes,
  sameFilePaceMs,
  waitForRemovals,
} from './switches.js';

/**
 * The folder-level random harness (issue 12 point 9): three devices run as the app
 * runs them (AppService daemons: real folders, real watchers, PGlite stores), syncing
 * through a real PostgreSQL hub behind a proxy the harness cuts; a seeded list of
 * folder ops (creates, edits, renames, deletes, folder↔file replacements, case-only
 * renames, chmods, edits while a remote change lands, app restarts, hub outages), then
 * quiescence and DESIGN.md §8's invariants on the folders, trashes, stores and status.
 *
 * Seeds: FIXED_SEEDS every run, plus one new random seed per run (printed). Replay one:
 *   FOLDER_SEED=<n> npx vitest run --project int test/folderConvergence
 * (only that seed runs). A failing run also writes its ops as a fixture; copied into
 * fixtures/ it is replayed by every run. FOLDER_OPS_OFF and FOLDER_FULL_MODES switch
 * op kinds and the permission check (switches.ts); FOLDER_OPS sets the list's length.
 * FOLDER_DUMP=a,b/c.txt prints, on a failure, each device's events and index row for
 * those paths (which version won where, and what each device thinks its disk holds).
 */

const FIXED_SEEDS = [1, 2, 3, 4];
const OPS = positiveInt(process.env['FOLDER_OPS'], 100);
const REQUESTED = process.env['FOLDER_SEED'];
const RANDOM_SEED =
  REQUESTED === undefined || REQUESTED.trim() === ''
    ? Math.floor(Math.random() * 0x7fffffff)
    : seedOf(REQUESTED);
/** More seeds after it (RANDOM_SEED, +1, …) for a longer soak: FOLDER_RUNS=20. */
const RUNS = positiveInt(process.env['FOLDER_RUNS'], 1);
const RANDOM_SEEDS = Array.from({ length: RUNS }, (_, i) => (RANDOM_SEED + i) % 0x7fffffff);
const ENABLED = enabledKinds(process.env['FOLDER_OPS_OFF']);
/** A fixture file to replay alone (a failure's, while cutting it down). */
const FIXTURE = process.env['FOLDER_FIXTURE'];
const ALONE = REQUESTED !== undefined || FIXTURE !== undefined;
const SHRINK = process.env['FOLDER_SHRINK'] === '1';
const CHECKS = { fullModes: fullModes(process.env['FOLDER_FULL_MODES']) };
const VERBOSE = process.env['FOLDER_VERBOSE'] === '1';
/** Shorter waits while cutting a failing fixture down (`FOLDER_SETTLE_MS=5000`). */
const SETTLE_MS = positiveInt(process.env['FOLDER_SETTLE_MS'], 30_000);
/** A run of 100 ops takes 10-30 s on two busy cores; this bounds a stuck one. */
const RUN_TIMEOUT_MS = 300_000;

/** The switches of this run, as they must be given again to replay it (the op list depends on them). */
const SWITCHES = [
  'FOLDER_OPS_OFF',
  'FOLDER_FULL_MODES',
  'FOLDER_WAIT_FOR_REMOVALS',
  'FOLDER_SAME_FILE_PACE_MS',
  'FOLDER_DEFER_START',
]
  .filter((k) => process.env[k] !== undefined)
  .map((k) => `${k}=${process.env[k]} `)
  .join('');
const replay = (seed: number) =>
  `${SWITCHES}FOLDER_OPS=${OPS} FOLDER_SEED=${seed} npx vitest run --project int test/folderConvergence`;

let hub: TestHub;
let proxy: TcpProxy;
const machines: Machine[] = [];

beforeAll(async () => {
  hub = await TestHub.create('ng_fconv');
  proxy = await startTcpProxy({ host: '127.0.0.1', port: hub.service.address.port });
  for (const name of ['alpha', 'bravo', 'charlie'].slice(0, DEVICES))
    machines.push(await Machine.create(name));
});

afterAll(async () => {
  for (const m of machines) await m.close();
  await proxy?.close();
  await hub?.close();
});

const rig = (): Rig => ({ hub, machines, proxy });

function spec(label: string, ops: RunSpec['ops'], seed?: number): RunSpec {
  return {
    label,
    ops,
    ...(seed !== undefined ? { seed } : {}),
    replay:
      seed !== undefined
        ? replay(seed)
        : `npx vitest run --project int test/folderConvergence -t '${label}'`,
    enabled: ENABLED,
    checks: CHECKS,
    settleMs: SETTLE_MS,
    waitForRemovals: waitForRemovals(process.env['FOLDER_WAIT_FOR_REMOVALS']),
    sameFilePaceMs: sameFilePaceMs(process.env['FOLDER_SAME_FILE_PACE_MS']),
    deferStartDuringOutage: deferStart(process.env['FOLDER_DEFER_START']),
    ...(VERBOSE ? { log: (line: string) => console.log(`[folder ${label}] ${line}`) } : {}),
  };
}

async function runSeed(seed: number, label: string): Promise<RunStats> {
  console.log(`[folder-convergence] ${label}: seed ${seed}, ${OPS} ops (replay: ${replay(seed)})`);
  const stats = await runScenario(
    rig(),
    spec(label, generateOps(seed, { ops: OPS, enabled: ENABLED }), seed),
  );
  console.log(`[folder-convergence] ${label}: ok`, JSON.stringify(stats));
  return stats;
}

describe('folder convergence: 3 devices, real folders, a hub that goes away', () => {
  for (const seed of FIXED_SEEDS) {
    it.skipIf(ALONE)(
      `converges with nothing lost and says Synced (fixed seed ${seed})`,
      async () => {
        const stats = await runSeed(seed, `fixed seed ${seed}`);
        // A fixed seed must exercise what it is for, not pass on skipped ops.
        const why = `fixed seed ${seed}: ${JSON.stringify(stats)}`;
        expect(stats.written, why).toBeGreaterThan(15);
        expect(stats.quiesces, why).toBeGreaterThan(0);
      },
      RUN_TIMEOUT_MS,
    );
  }

  for (const seed of RANDOM_SEEDS) {
    it.skipIf(FIXTURE !== undefined)(
      `converges with nothing lost and says Synced (${REQUESTED !== undefined ? 'requested' : 'new random'} seed ${seed})`,
      async () => {
        await runSeed(seed, `seed ${seed}`);
      },
      RUN_TIMEOUT_MS,
    );
  }
});

describe('folder convergence: fixtures replayed forever', () => {
  for (const { file, fixture } of loadFixtures()) {
    it.skipIf(ALONE)(
      `${file}: ${fixture.description.slice(0, 80)}`,
      async () => {
        await runScenario(rig(), spec(`fixture ${file}`, fixture.ops, fixture.seed));
      },
      RUN_TIMEOUT_MS,
    );
  }
});

/** FOLDER_FIXTURE=<file> replays one fixture, FOLDER_RUNS times (a failure that hangs on timing). */
describe.runIf(FIXTURE !== undefined)('folder convergence: one fixture (FOLDER_FIXTURE)', () => {
  for (let run = 1; run <= RUNS; run += 1) {
    it.skipIf(SHRINK)(
      `replays ${FIXTURE} (${run}/${RUNS})`,
      async () => {
        const fixture = loadFixture(FIXTURE as string);
        await runScenario(rig(), spec(`fixture ${path.basename(FIXTURE as string)}`, fixture.ops));
      },
      RUN_TIMEOUT_MS,
    );
  }
});

/**
 * FOLDER_SHRINK=1 with FOLDER_FIXTURE: cut the fixture down to the ops that still fail
 * the same way (shrink.ts), for a bug report; FOLDER_SETTLE_MS=5000 makes each run shorter.
 */
describe.runIf(FIXTURE !== undefined && SHRINK)('folder convergence: shrink a fixture', () => {
  it(
    `shrinks ${FIXTURE}`,
    async () => {
      const fixture = loadFixture(FIXTURE as string);
      const small = await shrinkOps(
        fixture.ops,
        async (ops) => {
          try {
            await runScenario(rig(), { ...spec('shrink', ops), writeFixture: false });
            return undefined;
          } catch (e) {
            return (e as Error).message;
          }
        },
        {
          maxRuns: positiveInt(process.env['FOLDER_SHRINK_RUNS'], 80),
          log: (line) => console.log(`[folder-shrink] ${line}`),
        },
      );
      const file = writeFailureFixture('shrunk', small, fixture.seed);
      console.log(`[folder-shrink] ${small.length} ops written to ${file}`);
    },
    4 * 3600_000,
  );
});

function positiveInt(text: string | undefined, fallback: number): number {
  if (text === undefined || text.trim() === '') return fallback;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new Error(`expected a positive integer, got ${text}`);
  return n;
}

function seedOf(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0)
    throw new Error(`FOLDER_SEED must be a non-negative integer, got ${JSON.stringify(text)}`);
  return n;
}
