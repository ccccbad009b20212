import { dumpPaths } from './dump.js';
import type { TestHub } from '../folderSync/support/testHub.js';
import type { TcpProxy } from '../support/tcpProxy.js';
import type { Machine } from './devices.js';
import { writeFailureFixture } from './fixtures.js';
import { Harness } from './harness.js';
import { checkFolders, checkNothingLost, checkStatus, type CheckOptions } from './invariants.js';
import type { Op, OpKind } from './ops.js';
import { quiesce } from './quiesce.js';

/**
 * One run: the ops on three fresh devices, a final quiescence, the invariants; then,
 * if conflicts are listed, device 0 resolves them all keeping both versions (nothing
 * may be lost by that either), and after another quiescence the invariants again,
 * now with every app required to say "Synced". A failure throws with the replay
 * command and the path of a fixture holding the ops as applied.
 */

export interface Rig {
  readonly hub: TestHub;
  readonly machines: readonly Machine[];
  readonly proxy: TcpProxy;
}

export interface RunSpec {
  readonly label: string;
  readonly ops: readonly Op[];
  readonly seed?: number;
  /** How a person replays this run (printed on failure). */
  readonly replay: string;
  readonly enabled: ReadonlySet<OpKind>;
  readonly checks: CheckOptions;
  readonly settleMs?: number;
  readonly waitForRemovals?: boolean;
  readonly sameFilePaceMs?: number;
  readonly deferStartDuringOutage?: boolean;
  /** Write the ops to a fixture file on failure (default true; the shrinker does not). */
  readonly writeFixture?: boolean;
  readonly log?: (line: string) => void;
}

export interface RunStats {
  readonly ops: number;
  readonly written: number;
  readonly exempt: number;
  readonly conflictsResolved: number;
  readonly quiesces: number;
  readonly counts: Record<string, number>;
}

export async function runScenario(rig: Rig, spec: RunSpec): Promise<RunStats> {
  const h = await Harness.open({
    label: spec.label.replace(/[^A-Za-z0-9]+/g, '-').slice(0, 24),
    hub: rig.hub,
    machines: rig.machines,
    proxy: rig.proxy,
    harness: {
      enabled: spec.enabled,
      ...(spec.log ? { log: spec.log } : {}),
      ...(spec.settleMs !== undefined ? { settleMs: spec.settleMs } : {}),
      ...(spec.waitForRemovals !== undefined ? { waitForRemovals: spec.waitForRemovals } : {}),
      ...(spec.sameFilePaceMs !== undefined ? { sameFilePaceMs: spec.sameFilePaceMs } : {}),
      ...(spec.deferStartDuringOutage !== undefined
        ? { deferStartDuringOutage: spec.deferStartDuringOutage }
        : {}),
    },
  });
  try {
    for (const op of spec.ops) await h.run(op);
    if (h.executed.at(-1)?.t !== 'quiesce') await h.run({ t: 'quiesce' });
    expectNone(h, 'after quiescence', [
      ...checkFolders(h, spec.checks),
      ...(await checkNothingLost(h)),
      ...(await checkStatus(h, true)),
    ]);
    const resolved = await resolveAllKeepingBoth(h);
    if (resolved > 0) {
      await quiesce(h);
      expectNone(h, `after resolving ${resolved} conflicts (keep both)`, [
        ...checkFolders(h, spec.checks),
        ...(await checkNothingLost(h)),
      ]);
    }
    expectNone(h, 'status', await checkStatus(h, false));
    return {
      ops: h.executed.length,
      written: h.ledger.entries.length,
      exempt: h.ledger.exempt.length,
      conflictsResolved: resolved,
      quiesces: h.quiesces,
      counts: Object.fromEntries(h.counts),
    };
  } catch (e) {
    const dump = (process.env['FOLDER_DUMP'] ?? '').split(',').filter((p) => p !== '');
    if (dump.length > 0) console.log((await dumpPaths(h, dump)).join('\n'));
    const message = e instanceof Error ? e.message : String(e);
    const fixture =
      spec.writeFixture === false
        ? []
        : [
            `ops as applied (${h.executed.length}) written to ${writeFailureFixture(spec.label, h.executed, spec.seed)}: copy it into test/folderConvergence/fixtures/ to replay it forever`,
          ];
    throw new Error(
      [
        `${spec.label}: ${message}`,
        `replay: ${spec.replay}`,
        ...fixture,
        ...h.notes.slice(-15).map((n) => `note: ${n}`),
      ].join('\n'),
      { cause: e },
    );
  } finally {
    await h.close();
  }
}

function expectNone(h: Harness, when: string, problems: readonly string[]): void {
  if (problems.length === 0) return;
  const exempt = h.ledger.exempt.length;
  throw new Error(
    `invariants broken ${when} (${exempt} writes exempt as never seen):\n  ${problems.slice(0, 25).join('\n  ')}`,
  );
}

/** Device 0 resolves every listed conflict keeping both versions (the losers stay as copies). */
async function resolveAllKeepingBoth(h: Harness): Promise<number> {
  const app = h.device(0).app;
  const conflicts = await app['conflicts:list']({});
  if (conflicts.length === 0) return 0;
  const { results } = await app['conflicts:resolve']({
    items: conflicts.map((c) => ({ path: c.path, keep: 'both' as const })),
  });
  const failed = results.filter((r) => !r.ok);
  if (failed.length > 0)
    throw new Error(`resolving kept both failed: ${JSON.stringify(failed.slice(0, 5))}`);
  return conflicts.length;
}
