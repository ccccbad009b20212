/**
 * Crash tests with real kills (issue 11, point 3). Two devices, each a real `netguardian start`
 * daemon with its own PostgreSQL server, sync through one hub. Round after round one device (the
 * writer) gets work: a few hundred small files and a few multi-MiB ones, some deletes, and at
 * times files the other device changes at the same moment. A daemon is then killed with SIGKILL
 * at a seeded point of one phase:
 *
 *   scan         the writer, started on its new files, a seeded delay after its control channel
 *                listens (its first scan runs then);
 *   push         the same start, a seeded delay after the round's first chunk reaches the hub;
 *   pull         the receiver, started once the hub holds the round, a seeded delay after its
 *                start-up scan (its first sync then pulls the round in one batch and writes it);
 *   materialize  the receiver, running, at the n-th look that finds one of our temp files
 *                (`.ng-tmp-*`) in its folder: while it writes received files.
 *
 * After each kill the killed device's store is opened cold (at once: the lock died with the
 * owner) and checked: seqs per origin 1..max with no gap and no reuse, the same (node, seq) →
 * event id as the hub, snapshots equal to the spec's fold of the log. Then only that daemon is
 * restarted; it must remove exactly the temp files the kill left, and both folders must settle
 * to the model (workload.ts): every file complete on disk before the kill on both devices byte
 * for byte, a file changed on both devices as one version at the path and the other as its
 * conflict copy, nothing else, no temp file. The hub's seqs are checked per origin. Once per run
 * the killed owner's orphaned server is left to the restarted daemon, which must stop it (one
 * postmaster for the cluster afterwards, per /proc). At the end both devices sync until nothing
 * moves, stop cleanly, and their stores must hold exactly the hub's events.
 *
 * The kills land by time, so each round also reports where it hit, read from what the kill left
 * (killEvidence.ts). The seed comes from NG_CRASH_SEED (else random) and is printed with every kill
 * point; a failure replays with one command (the same work and kill points; timings vary):
 *
 *   NG_CRASH_SEED=<n> npx vitest run --project int test/crash
 *
 * NG_CRASH_ROUNDS sets the number of kills (default 24).
 */
import { chmod } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prng } from '../convergence/prng.js';
import { HubServer } from '../owner/support/hub.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';
import { CrashRig } from './support/crashRig.js';
import { describeEvidence, landedIn } from './support/killEvidence.js';
import { describeKill, planKills, PHASES } from './support/killPlan.js';

const SEED = seedFrom(process.env['NG_CRASH_SEED']);
const ROUNDS = Math.max(PHASES.length, Number(process.env['NG_CRASH_ROUNDS'] ?? 24) || 24);
const REPLAY = `NG_CRASH_SEED=${SEED} npx vitest run --project int test/crash`;

function seedFrom(text: string | undefined): number {
  if (text === undefined || text.trim() === '') return Math.floor(Math.random() * 0x7fffffff);
  const seed = Number(text);
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new Error(`NG_CRASH_SEED must be a non-negative integer, got ${JSON.stringify(text)}`);
  return seed;
}

let hub: HubServer;
let tmp: TempDir;
let rig: CrashRig | undefined;

beforeAll(async () => {
  tmp = await makeTempDir('ng-crash-');
  hub = await HubServer.start(tmp.path);
  // As root the devices' PostgreSQL runs as `postgres`: it must enter the folders above the data
  // dirs to keep each cluster there (see Machine.init).
  await chmod(tmp.path, 0o755);
});

afterAll(async () => {
  try {
    await rig?.close();
  } finally {
    await hub?.close();
    await tmp?.cleanup();
  }
});

describe('devices killed with SIGKILL at random points', () => {
  it(
    `lose nothing, leave no temp file, keep their stores whole (seed ${SEED})`,
    async () => {
      const started = performance.now();
      const rng = new Prng(SEED);
      const plan = planKills(rng, ROUNDS);
      console.log(`[crash] seed ${SEED}, ${ROUNDS} kills (replay: ${REPLAY})`);
      rig = await CrashRig.create(hub, tmp.path, rng);
      await rig.start();
      const names = rig.names;
      for (const point of plan) console.log(`[crash] plan ${describeKill(point, names)}`);

      const landings = new Map<string, number>();
      for (const point of plan) {
        const kill = describeKill(point, names);
        const failed = (what: string) =>
          new Error(`${kill}\n${what}\nseed ${SEED}; replay with: ${REPLAY}`);
        const result = await rig.round(point).catch((e: unknown) => {
          throw failed(e instanceof Error ? (e.stack ?? e.message) : String(e));
        });
        const landed = landedIn(point.phase, result.evidence);
        landings.set(landed, (landings.get(landed) ?? 0) + 1);
        console.log(
          `[crash] ${kill}: landed in ${landed}; ${describeEvidence(result.evidence)}; round ${result.ms} ms ${JSON.stringify(result.timings)}`,
        );
        if (result.problems.length > 0)
          throw failed(
            `landed in ${landed}; ${describeEvidence(result.evidence)}\n  ${result.problems.join('\n  ')}\n` +
              `the daemons' last lines:\n${result.killedLog}`,
          );
      }
      const problems = await rig.finish();
      expect(problems, `after the last round (seed ${SEED}; replay: ${REPLAY})`).toEqual([]);
      console.log(
        `[crash] seed ${SEED}: ok in ${Math.round((performance.now() - started) / 1000)} s; kills landed in:`,
        Object.fromEntries(landings),
      );
      // The run must have done what it is about, not pass vacuously: kills while a received file
      // was being written (our temp files left behind for the restart to remove).
      const whileWriting = landings.get('materialize (temp files left)') ?? 0;
      expect(whileWriting, `no kill left a temp file (seed ${SEED})`).toBeGreaterThan(0);
    },
    10 * 60_000,
  );
});
