import type { KeepChoice } from '../../src-main/core/crdtManager.js';
import { writesVersion } from '../../src-shared/events/event.js';
import type { Json } from '../../src-shared/json.js';
import type { Prng } from './prng.js';
import type { FaultSpec, Step } from './steps.js';
import type { World } from './world.js';

/** A small set of overlapping paths, nested folders and a non-ASCII name included. */
export const PATHS = [
  'readme.md',
  'notes.txt',
  'a/b/c.txt',
  'a/b/d.txt',
  'a/e.txt',
  'docs/report.pdf',
  'docs/2024/plan.md',
  'photos/caf\u00e9.jpg',
  'x/y/z/deep.bin',
  'music/track 01.mp3',
  '.hidden',
  'src/index.ts',
] as const;

const FIELD_KEYS = ['mode', 'mtime', 'tag', 'owner'] as const;

/** Partitions and how often each kind of step comes up. */
export interface GeneratorOptions {
  readonly devices: number;
  /** Devices that never start a partition (e.g. must keep syncing for a scenario). */
  readonly neverPartition?: readonly number[];
  /**
   * Compaction steps now and then (the hub's or a device's log, with a window of up to two
   * minutes). Off by default, so the stored seeds replay the histories they were found with.
   */
  readonly compaction?: boolean;
}

/**
 * Random steps from a seeded PRNG, chosen against the world's current state
 * (a file that exists is updated or deleted, one that does not is created),
 * so every write is valid and the same seed gives the same history.
 */
export class RandomSteps {
  private readonly partitionedUntil: number[];
  private readonly hashes: string[] = [];
  private stepNo = 0;
  /** Human-readable notes (partitions), for failure messages. */
  readonly notes: string[] = [];

  constructor(
    private readonly rng: Prng,
    private readonly world: World,
    private readonly options: GeneratorOptions,
  ) {
    this.partitionedUntil = Array.from({ length: options.devices }, () => -1);
  }

  async next(): Promise<Step> {
    const i = this.stepNo;
    this.stepNo += 1;
    const rng = this.rng;
    const dt = rng.chance(0.04) ? rng.int(20_000, 90_000) : rng.int(0, 2_500);
    if (rng.chance(0.025)) {
      const d = rng.int(0, this.options.devices - 1);
      if (!this.options.neverPartition?.includes(d) && !this.partitioned(d, i)) {
        this.partitionedUntil[d] = i + rng.int(20, 70);
        this.notes.push(`device ${d} partitioned for steps ${i}..${this.partitionedUntil[d]}`);
      }
    }
    if (this.options.compaction && rng.chance(0.04))
      return {
        dt,
        t: 'compact',
        d: rng.chance(0.5) ? 'hub' : rng.int(0, this.options.devices - 1),
        windowMs: rng.int(0, 120_000),
      };
    if (rng.chance(0.015)) return { dt, t: 'restart', d: rng.int(0, this.options.devices - 1) };
    const r = rng.next();
    if (r < 0.07) {
      const resolve = await this.resolve();
      if (resolve) return { dt, ...resolve };
    }
    if (r >= 0.55) {
      const online = this.online(i);
      if (r < 0.95 && online.length > 0) return { dt, ...this.sync(rng.pick(online)) };
      if (online.length >= 2)
        return { dt, t: 'syncMany', ds: online, dir: rng.chance(0.5) ? 'push' : 'pull' };
    }
    return { dt, ...(await this.write()) };
  }

  private partitioned(d: number, i: number): boolean {
    return (this.partitionedUntil[d] ?? -1) >= i;
  }

  private online(i: number): number[] {
    return Array.from({ length: this.options.devices }, (_, d) => d).filter(
      (d) => !this.partitioned(d, i),
    );
  }

  private content(): { hash: string; size: number } {
    // Sometimes content another write already had: identical siblings are one version.
    if (this.hashes.length > 0 && this.rng.chance(0.15)) {
      return { hash: this.rng.pick(this.hashes), size: this.rng.int(0, 1_000_000) };
    }
    const hash = this.rng.hex64();
    this.hashes.push(hash);
    return { hash, size: this.rng.int(0, 1_000_000) };
  }

  private fields(): Record<string, Json> {
    const out: Record<string, Json> = {};
    const n = this.rng.int(1, 2);
    for (let k = 0; k < n; k += 1) {
      const key = this.rng.pick(FIELD_KEYS);
      const kind = this.rng.int(0, 3);
      out[key] =
        kind === 0
          ? null
          : kind === 1
            ? this.rng.int(0, 0o777)
            : kind === 2
              ? `v${this.rng.int(0, 99)}`
              : { by: `u${this.rng.int(0, 3)}`, n: this.rng.int(0, 9) };
    }
    return out;
  }

  private async write(): Promise<Step> {
    const rng = this.rng;
    const d = rng.int(0, this.options.devices - 1);
    const path = rng.pick(PATHS);
    const view = await this.world.view(d, path);
    if (!view?.exists) {
      return {
        t: 'create',
        d,
        path,
        content: this.content(),
        ...(rng.chance(0.3) ? { fields: this.fields() } : {}),
      };
    }
    const r = rng.next();
    const basis = rng.chance(0.12) ? await this.olderBasis(d, path) : undefined;
    if (r < 0.45)
      return {
        t: 'update',
        d,
        path,
        content: this.content(),
        ...(rng.chance(0.3) ? { fields: this.fields() } : {}),
        ...(basis ? { basis } : {}),
      };
    if (r < 0.75) return { t: 'update', d, path, fields: this.fields() };
    return { t: 'delete', d, path, ...(basis ? { basis } : {}) };
  }

  /** The clock of a version of the file this device holds (the file on disk came from it). */
  private async olderBasis(d: number, path: string): Promise<Record<string, number> | undefined> {
    const history = await this.world.device(d).store.eventsForEntity(this.world.spaceId, path);
    const versions = history.filter(writesVersion);
    return versions.length > 0 ? { ...this.rng.pick(versions).vectorClock } : undefined;
  }

  private async resolve(): Promise<Step | undefined> {
    const d = this.rng.int(0, this.options.devices - 1);
    const dev = this.world.device(d);
    const views = (await dev.store.listSnapshots(this.world.spaceId, { limit: 10_000 })).map((e) =>
      e.get(),
    );
    const candidates = views.filter((v) => v.conflicts.length > 0 || v.lostDeletes.length > 0);
    if (candidates.length === 0) return undefined;
    const view = this.rng.pick(candidates);
    const siblings = [view.winner, ...view.conflicts, ...view.lostDeletes];
    const choices: KeepChoice[] = siblings.some((s) => s && s.nodeId !== dev.nodeId)
      ? ['mine', 'theirs', 'both']
      : ['mine', 'both'];
    return { t: 'resolve', d, path: view.entityId, keep: this.rng.pick(choices) };
  }

  private sync(d: number): Step {
    const rng = this.rng;
    const dir = rng.pick(['push', 'pull', 'bidirectional'] as const);
    const r = rng.next();
    const dup = r < 0.1 ? 'sequential' : r < 0.16 ? 'concurrent' : undefined;
    let fault: FaultSpec | undefined;
    if (rng.chance(0.3)) {
      const side =
        dir === 'push' ? 'hub' : dir === 'pull' ? 'local' : rng.pick(['hub', 'local'] as const);
      // Most runs move one or two batches, so the fault mostly hits the first ones.
      fault = { side, after: rng.pick([0, 0, 1, 2]), commit: rng.chance(0.5) };
    }
    return {
      t: 'sync',
      d,
      dir,
      ...(dup ? { dup } : {}),
      ...(fault ? { fault } : {}),
    };
  }
}
