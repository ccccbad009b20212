/**
 * The crash test's world: one hub (`netguardian hub start` on a fresh database of the int tier's
 * PostgreSQL), two devices paired with it (`hub invite`, `init --join`) and run by real
 * `netguardian start` daemons, and the model of what their folders must hold. A round
 * gives one device work, kills a daemon at its kill point, inspects what the kill left, restarts
 * only that daemon, waits until both folders settle and checks the invariants (see
 * crashKills.int.test.ts).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { openOwnedStore } from '../../../src-main/core/device/ownedStore.js';
import type { Prng } from '../../convergence/prng.js';
import { folderTree, pollUntil, type Tree } from '../../folderSync/support/folderTree.js';
import type { HubServer } from '../../owner/support/hub.js';
import { snapshotCli } from './cliSnapshot.js';
import { logged, runCli, type CliProcess } from './daemon.js';
import { fileSizes, tempFiles } from './folderWalk.js';
import { HubView } from './hubView.js';
import type { KillEvidence } from './killEvidence.js';
import { giveWorkAndKill, roundEvents } from './killers.js';
import { victimOf, type KillPoint } from './killPlan.js';
import { Machine, WATCHING } from './machine.js';
import { orphanProblems, viewCluster, type ClusterView } from './orphanServer.js';
import {
  crossStoreProblems,
  readEventKeys,
  seqProblems,
  snapshotProblems,
  type EventKey,
} from './storeChecks.js';
import { FolderModel, planWork } from './workload.js';

/** Bounds of the waits (generous: CI runs other files beside this one). */
const START_MS = 60_000;
const SETTLE_MS = 120_000;
const SETTLE_POLL_MS = 150;
/** At the end: rounds of `netguardian sync` on both devices, at most. */
const FINAL_SYNC_ROUNDS = 4;

export interface RoundResult {
  readonly evidence: KillEvidence;
  readonly problems: readonly string[];
  /** ms: the whole round, and its steps. */
  readonly ms: number;
  readonly timings: Readonly<Record<string, number>>;
  /** What the killed daemon and the running ones printed last. */
  readonly killedLog: string;
}

export class CrashRig {
  readonly model = new FolderModel();

  private constructor(
    readonly hubView: HubView,
    readonly spaceId: string,
    readonly machines: readonly [Machine, Machine],
    private readonly rng: Prng,
  ) {}

  /** Two devices paired with `hub` (`hub invite`, `netguardian init --join`), not started yet. */
  static async create(hub: HubServer, root: string, rng: Prng): Promise<CrashRig> {
    const spaceId = 'crash';
    const cli = await snapshotCli(path.join(root, 'bundle'));
    const [a, b] = await Promise.all([
      Machine.init(await hub.invite(spaceId), cli, path.join(root, 'a'), 'a'),
      Machine.init(await hub.invite(spaceId), cli, path.join(root, 'b'), 'b'),
    ]);
    return new CrashRig(await HubView.open(hub.databaseUrl, spaceId), spaceId, [a, b], rng);
  }

  /** Starts both daemons, until each is watching (its first scan and sync done). */
  async start(): Promise<void> {
    await Promise.all(this.machines.map((m) => m.start().waitFor('watching', WATCHING, START_MS)));
  }

  get names(): readonly [string, string] {
    return [this.machines[0].name, this.machines[1].name];
  }

  /** Runs one kill point; the problems found (empty: every invariant held). */
  async round(point: KillPoint): Promise<RoundResult> {
    const started = performance.now();
    const timings: Record<string, number> = {};
    let lap = started;
    const took = (what: string) => {
      timings[what] = Math.round(performance.now() - lap);
      lap = performance.now();
    };
    const writer = this.machines[point.writer];
    const other = this.machines[point.writer === 0 ? 1 : 0];
    const victim = this.machines[victimOf(point)];
    const work = planWork(
      this.rng,
      point.round,
      { existing: this.model.paths(), retired: this.model.retired },
      { concurrent: point.concurrent },
    );
    const writerBase = await this.hubView.maxSeq(writer.nodeId);
    this.model.apply(work);
    const times = await giveWorkAndKill(point, work, { writer, other, hub: this.hubView });
    const killed = victim.daemon as CliProcess;
    took('work and kill');

    // What the kill left, before anything touches it.
    const problems: string[] = [];
    const temps = await tempFiles(victim.folder);
    const sizes = await fileSizes(victim.folder);
    const onHub = (await this.hubView.maxSeq(writer.nodeId)) - writerBase;
    let inVictim: number | undefined;
    let orphan: ClusterView | undefined;
    if (point.orphanCheck) {
      // Left for the restarted daemon to deal with: it must stop the orphan before its own start.
      orphan = await viewCluster(victim.clusterDir);
      if (orphan.postmasters.length !== 1)
        problems.push(
          `${victim.name}'s server did not outlive its killed owner as one postmaster: ${orphan.postmasters.length} found`,
        );
      took('look at the orphan');
    } else {
      const cold = await this.inspectStore(victim);
      problems.push(...cold.problems);
      inVictim = cold.keys.filter((k) => k.nodeId === writer.nodeId && k.seq > writerBase).length;
      took('inspect the store');
    }
    const evidence: KillEvidence = {
      temps,
      roundEvents: roundEvents(work),
      onHub,
      inVictim,
      filesInVictim: work.writes.filter((f) => sizes.get(f.path) === f.bytes.length).length,
      roundFiles: work.writes.length,
      scansFinished: countBefore(killed, 'scan finished', times.at),
      syncRuns: countBefore(killed, 'sync run', times.at),
      materialized: countBefore(killed, 'materialized', times.at),
      killedAfterMs: Math.round(times.at - times.marker),
      orphanPid: orphan?.postmasters[0]?.pid,
    };

    problems.push(...(await this.restart(victim, temps, orphan)));
    took('restart');
    problems.push(...(await this.settle()));
    took('settle');
    problems.push(...(await this.hubView.seqProblems()));
    took('check');
    return {
      evidence,
      problems,
      ms: Math.round(performance.now() - started),
      timings,
      killedLog: [
        `${killed.label}:`,
        killed.tail(25),
        ...this.machines.flatMap((m) =>
          m.daemon ? [`${m.daemon.label}:`, m.daemon.tail(40)] : [],
        ),
      ].join('\n'),
    };
  }

  /**
   * Restarts a killed device: at once (the lock died with its owner), removing exactly the temp
   * files the kill left, and, in the orphan round, stopping the orphaned server first.
   */
  private async restart(
    victim: Machine,
    temps: readonly string[],
    orphan: ClusterView | undefined,
  ): Promise<string[]> {
    const problems: string[] = [];
    const restarted = victim.start();
    const cleaned = await restarted.waitFor(
      'leftover temp files removed',
      logged('leftover temp files removed'),
      START_MS,
    );
    const left = temps.filter((t) => existsSync(path.join(victim.folder, ...t.split('/'))));
    if (left.length > 0)
      problems.push(`${victim.name}'s restart left our temp files: ${left.join(', ')}`);
    if (cleaned.log?.['folderFiles'] !== temps.length)
      problems.push(
        `${victim.name}'s restart removed ${String(cleaned.log?.['folderFiles'])} temp files from its folder; the kill left ${temps.length}`,
      );
    if (orphan) {
      await restarted.waitFor('store server started', logged('store server started'), START_MS);
      problems.push(
        ...(await orphanProblems(orphan, victim.clusterDir)).map((p) => `${victim.name}: ${p}`),
      );
    }
    await restarted.waitFor('watching', WATCHING, START_MS);
    return problems;
  }

  /**
   * Opens a stopped device's store as its owner would (lock, server: an orphan is stopped first,
   * store), and checks it: seqs per origin, snapshots against the fold of the log, and its events
   * against the hub's.
   */
  async inspectStore(m: Machine): Promise<{ problems: string[]; keys: EventKey[] }> {
    const owned = await openOwnedStore({ dataDir: m.dataDir, command: 'crash test' });
    try {
      const keys = await readEventKeys(owned.store.client, this.spaceId);
      const hubKeys = await this.hubView.keys();
      const problems = [
        ...seqProblems(m.name, keys),
        ...(await snapshotProblems(m.name, owned.store, this.spaceId)),
        ...crossStoreProblems([
          { label: 'hub', keys: hubKeys },
          { label: m.name, keys },
        ]),
      ];
      return { problems, keys };
    } finally {
      await owned.close();
    }
  }

  /**
   * Until both folders hold what the model says (hashing only once names and sizes match); then
   * the open conflicts are settled in the model as the folders show them. On timeout: what differs.
   */
  private async settle(): Promise<string[]> {
    let last: string[] = [];
    const [a, b] = this.machines;
    try {
      const tree = await pollUntil(
        'both folders to hold the model',
        async () => {
          for (const m of this.machines)
            if (!m.daemon?.running)
              throw new Error(`${m.name}'s daemon exited:\n${m.daemon?.tail() ?? ''}`);
          const [sa, sb] = await Promise.all([fileSizes(a.folder), fileSizes(b.folder)]);
          if (!this.model.mayMatch(sa) || !this.model.mayMatch(sb)) {
            last = ['names or sizes differ from the model'];
            return undefined;
          }
          const trees = await Promise.all([a.folder, b.folder].map(treeIfStill));
          const [ta, tb] = trees;
          if (ta === undefined || tb === undefined) return undefined;
          last = [
            ...this.model.problems(a.name, ta),
            ...this.model.problems(b.name, tb),
            ...treeDiff(a.name, ta, b.name, tb),
          ];
          return last.length === 0 ? ta : undefined;
        },
        { timeoutMs: SETTLE_MS, intervalMs: SETTLE_POLL_MS },
      );
      this.model.settle(tree);
      return [];
    } catch (e) {
      if (last[0] === 'names or sizes differ from the model') {
        const [ta, tb] = await Promise.all([a.folder, b.folder].map(treeIfStill));
        if (ta && tb)
          last = [...this.model.problems(a.name, ta), ...this.model.problems(b.name, tb)];
      }
      const histories: string[] = [];
      for (const p of new Set(
        last.flatMap((l) => /: (?:unexpected file )?(\S+)/.exec(l)?.[1] ?? []),
      ))
        if (histories.length < 40)
          histories.push(
            `hub history of ${p}:`,
            ...(await this.hubView.history(p)).map((h) => `  ${h}`),
          );
      return [
        `the folders did not settle: ${(e as Error).message}`,
        ...last.slice(0, 20),
        ...histories,
      ];
    }
  }

  /**
   * The end: both devices exchange everything (`netguardian sync` through each running daemon),
   * stop cleanly, and their stores are checked cold and against each other and the hub.
   */
  async finish(): Promise<string[]> {
    const [a, b] = this.machines;
    const problems = await this.settle();
    // Until a whole round of syncs moves nothing (writing conflict copies records events too).
    let moved = Infinity;
    for (let round = 0; round < FINAL_SYNC_ROUNDS && moved > 0; round += 1) {
      moved = 0;
      for (const m of [a, b]) moved += await this.syncOnce(m);
    }
    if (moved > 0) problems.push(`still exchanging events after ${FINAL_SYNC_ROUNDS} sync rounds`);
    problems.push(...(await this.settle()));
    await Promise.all([a.stop(), b.stop()]);
    const stores: { label: string; keys: EventKey[] }[] = [];
    for (const m of [a, b]) {
      const cold = await this.inspectStore(m);
      problems.push(...cold.problems);
      stores.push({ label: m.name, keys: cold.keys });
    }
    const hubKeys = await this.hubView.keys();
    problems.push(...crossStoreProblems([{ label: 'hub', keys: hubKeys }, ...stores]));
    const hubIds = new Set(hubKeys.map((k) => k.eventId));
    for (const s of stores) {
      const ids = new Set(s.keys.map((k) => k.eventId));
      const missing = [...hubIds].filter((id) => !ids.has(id)).length;
      const extra = [...ids].filter((id) => !hubIds.has(id)).length;
      if (missing > 0 || extra > 0)
        problems.push(
          `${s.label}: ${missing} of the hub's events missing, ${extra} not on the hub`,
        );
    }
    problems.push(...(await this.hubView.seqProblems()));
    return problems;
  }

  /** `netguardian sync` through the running daemon; the events it sent and received. */
  private async syncOnce(m: Machine): Promise<number> {
    const run = await runCli(
      `sync ${m.name}`,
      m.cli,
      ['sync', '--data', m.dataDir],
      m.dir,
      SETTLE_MS,
    );
    const said = run.find((l) => l.text.startsWith('synced: '))?.text ?? '';
    const counts = /^synced: sent (\d+), received (\d+)/.exec(said);
    if (!counts) throw new Error(`sync ${m.name} printed no counts:\n${run.tail()}`);
    return Number(counts[1]) + Number(counts[2]);
  }

  /** Stops whatever still runs (after a failure), and ends the look at the hub's database. */
  async close(): Promise<void> {
    try {
      for (const m of this.machines) if (m.daemon?.running) await m.daemon.kill();
    } finally {
      await this.hubView.close();
    }
  }
}

/** The folder's tree, or undefined when a file went away while it was read (the daemon at work). */
async function treeIfStill(root: string): Promise<Tree | undefined> {
  try {
    return await folderTree(root);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

function countBefore(daemon: CliProcess, msg: string, at: number): number {
  return daemon.lines.filter((l) => l.at <= at && l.log?.['msg'] === msg).length;
}

function treeDiff(na: string, a: Tree, nb: string, b: Tree): string[] {
  const out: string[] = [];
  for (const p of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (a[p] !== b[p]) out.push(`${p}: ${na} ${a[p] ?? 'missing'}, ${nb} ${b[p] ?? 'missing'}`);
    if (out.length >= 10) break;
  }
  return out;
}
