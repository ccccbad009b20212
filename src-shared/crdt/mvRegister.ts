import { canonicalJson, type Json } from '../json.js';
import type { Crdt } from './crdt.js';
import { compareEncodedHlc } from './hlc.js';
import { VectorClock, type VectorClockJson } from './vectorClock.js';

/** One write to a multi-value register: a value stamped with its writer's view of history. */
export interface RegisterVersion<V extends Json> {
  /** The event that wrote it (unique). */
  readonly id: string;
  readonly nodeId: string;
  readonly hlc: string;
  /** Wall time for people. */
  readonly timestamp: string;
  /** The version vector of the write: everything its writer had seen, plus itself. */
  readonly clock: VectorClockJson;
  /** The file's modification time (ms since the epoch) its writer recorded with it, if any. */
  readonly mtimeMs?: number;
  readonly value: V;
}

/**
 * How many devices' versions a register keeps at most (see `MvRegister`): far more devices than
 * a folder is shared with, so it only ever bites a flood of writers.
 */
export const MAX_WRITERS = 100;

/**
 * Per device, its newest version's key, `[depth, hlc]` (see `keyOf`). Only the `maxWriters + 1`
 * devices with the greatest keys are kept.
 */
export type NodeHeadsJson = Readonly<Record<string, readonly [depth: number, hlc: string]>>;

/** Snapshot form. `heads` is absent in snapshots written before the cap. */
export interface MvRegisterJson<V extends Json> {
  readonly versions: readonly RegisterVersion<V>[];
  readonly heads?: NodeHeadsJson;
}

/** A version's rank for the cap: how much of the file's history it had seen, then its HLC. */
interface Key {
  readonly depth: number;
  readonly hlc: string;
}

export interface MvRegisterOptions {
  /** Devices whose versions are kept (default `MAX_WRITERS`); small in tests. */
  readonly maxWriters?: number;
}

/**
 * A multi-value register (Dynamo/Riak "siblings"): it keeps every version that
 * no other version causally dominates, its "siblings". Merge is commutative,
 * associative and idempotent, and the result never depends on delivery order:
 * the state is a function of the *set* S of versions ever added.
 *
 * **The cap.** Siblings cost time and space, so at most `maxWriters` devices'
 * versions are kept. Each version has a key, (depth, hlc), where depth is the
 * sum of its vector clock: a version that dominates another has seen more, so
 * its key is strictly greater. The register remembers each device's newest key
 * (`heads`, only the top `maxWriters + 1`). Once more than `maxWriters` devices
 * wrote versions, the floor is the key of the `(maxWriters + 1)`-th device's
 * newest version, and the state is
 *
 *     state(S) = { v ∈ S : no version of S dominates v, and key(v) > floor(S) }.
 *
 * Still a function of S: floor(S) only grows with S, and a version dropped for
 * the floor still hides what it dominates, should that arrive later (it has a
 * smaller key, so it is under the floor too). So the capped merge keeps the
 * merge laws: crdtLaws.unit.test.ts checks them with caps of 1 to 3, and
 * mvRegister.unit.test.ts checks the state against this formula computed on
 * the whole set, in any order of adds and merges.
 *
 * What it costs: once more than `maxWriters` devices wrote a file, a version
 * that had seen less of its history than the `maxWriters + 1` newest writers'
 * newest versions is dropped, even if it was the newest edit by modification
 * time. A dropped version stays in the event log: history and restore still
 * reach it. The cap counts devices, not versions: versions of one device that
 * are concurrent with one another (rare: a write on a basis that missed one of
 * its own versions) all stay.
 */
export class MvRegister<V extends Json> implements Crdt<
  readonly RegisterVersion<V>[],
  MvRegister<V>
> {
  /** Sorted by (hlc, id) so equal states have equal JSON. */
  readonly versions: readonly RegisterVersion<V>[];
  /** Each device's newest key, for the `maxWriters + 1` devices with the greatest. */
  private readonly heads: ReadonlyMap<string, Key>;
  readonly maxWriters: number;

  private constructor(
    versions: readonly RegisterVersion<V>[],
    heads: ReadonlyMap<string, Key>,
    maxWriters: number,
  ) {
    this.versions = versions;
    this.heads = heads;
    this.maxWriters = maxWriters;
  }

  static empty<V extends Json>(options: MvRegisterOptions = {}): MvRegister<V> {
    return new MvRegister<V>([], new Map(), maxWritersOf(options));
  }

  /**
   * A register from its JSON, in time linear in its versions. The versions are
   * this register's own output, so the maximal ones: they are trusted, not
   * compared pairwise again (that was quadratic: 142 s for 16,000 siblings). A
   * damaged snapshot is repaired by rebuilding from the log. A snapshot written
   * before the cap has no heads: they are taken from its versions.
   */
  static fromJSON<V extends Json>(
    { versions, heads }: MvRegisterJson<V>,
    options: MvRegisterOptions = {},
  ): MvRegister<V> {
    const maxWriters = maxWritersOf(options);
    const ids = new Set<string>();
    const unique: RegisterVersion<V>[] = [];
    let sorted = true;
    for (const v of versions) {
      if (ids.has(v.id)) continue;
      ids.add(v.id);
      const last = unique[unique.length - 1];
      if (last && compareVersions(last, v) > 0) sorted = false;
      unique.push(v);
    }
    if (!sorted) unique.sort(compareVersions);
    const newest = new Map<string, Key>();
    const raise = (node: string, key: Key) => {
      const current = newest.get(node);
      if (!current || compareKeys(current, key) < 0) newest.set(node, key);
    };
    if (heads)
      for (const [node, [depth, hlc]] of Object.entries(heads)) raise(node, { depth, hlc });
    else for (const v of unique) raise(v.nodeId, keyOf(v));
    const top = greatestHeads(newest, maxWriters);
    return new MvRegister(aboveFloor(unique, floorOf(top, maxWriters)), top, maxWriters);
  }

  get(): readonly RegisterVersion<V>[] {
    return this.versions;
  }

  /** Adds one version; a no-op when it is known, and only counts its writer when dominated. */
  add(version: RegisterVersion<V>): MvRegister<V> {
    const heads = withHead(this.heads, version.nodeId, keyOf(version), this.maxWriters);
    const versions = insertMaximal(this.versions, version);
    if (versions === this.versions && heads === this.heads) return this;
    const floor = floorOf(heads, this.maxWriters);
    // The floor moves only with the heads; else only the new version can be under it.
    const kept =
      heads !== this.heads
        ? aboveFloor(versions, floor)
        : floor && compareKeys(keyOf(version), floor) <= 0
          ? versions.filter((v) => v !== version)
          : versions;
    return new MvRegister(kept, heads, this.maxWriters);
  }

  /** Adds a write that has seen the whole register: it replaces every sibling. */
  set(version: RegisterVersion<V>): MvRegister<V> {
    return this.add(version);
  }

  merge(other: MvRegister<V>): MvRegister<V> {
    if (other.maxWriters !== this.maxWriters)
      throw new Error(`merging registers capped at ${this.maxWriters} and ${other.maxWriters}`);
    let heads = this.heads;
    for (const [node, key] of other.heads) heads = withHead(heads, node, key, this.maxWriters);
    let versions = this.versions;
    for (const v of other.versions) versions = insertMaximal(versions, v);
    if (versions === this.versions && heads === this.heads) return this;
    return new MvRegister(
      aboveFloor(versions, floorOf(heads, this.maxWriters)),
      heads,
      this.maxWriters,
    );
  }

  /** Merge of all siblings' clocks: what a write must have seen to dominate them all. */
  clock(): VectorClock {
    return this.versions.reduce((c, v) => c.mergeJson(v.clock), VectorClock.empty());
  }

  equals(other: MvRegister<V>): boolean {
    return (
      canonicalJson(this.toJSON() as unknown as Json) ===
      canonicalJson(other.toJSON() as unknown as Json)
    );
  }

  toJSON(): MvRegisterJson<V> {
    return { versions: this.versions, heads: this.headsJSON() };
  }

  /** The devices' newest keys: the cap's half of the state. */
  headsJSON(): NodeHeadsJson {
    const out: Record<string, readonly [number, string]> = {};
    for (const node of [...this.heads.keys()].sort()) {
      const { depth, hlc } = this.heads.get(node) as Key;
      out[node] = [depth, hlc];
    }
    return out;
  }
}

function maxWritersOf(options: MvRegisterOptions): number {
  const n = options.maxWriters ?? MAX_WRITERS;
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`maxWriters must be >= 1, got ${n}`);
  return n;
}

/**
 * `versions` plus `version` when no version dominates it, minus the versions it dominates;
 * `versions` itself when nothing changes. Keeps the (hlc, id) order.
 */
function insertMaximal<V extends Json>(
  versions: readonly RegisterVersion<V>[],
  version: RegisterVersion<V>,
): readonly RegisterVersion<V>[] {
  const kept: RegisterVersion<V>[] = [];
  for (const existing of versions) {
    if (existing.id === version.id) return versions;
    const order = VectorClock.compareJson(version.clock, existing.clock);
    if (order === 'before') return versions;
    if (order !== 'after') kept.push(existing);
  }
  // `kept` is sorted (a subsequence of `versions`): insert in place of a full sort.
  let at = kept.length;
  while (at > 0 && compareVersions(kept[at - 1] as RegisterVersion<V>, version) > 0) at -= 1;
  kept.splice(at, 0, version);
  return kept;
}

/** Sum of a clock's counts: a version that dominates another has a strictly greater depth. */
function depthOf(clock: VectorClockJson): number {
  let depth = 0;
  for (const node in clock) {
    if (!Object.prototype.hasOwnProperty.call(clock, node)) continue;
    const count = clock[node] as number;
    // As VectorClock counts it: only positive entries exist.
    if (count > 0) depth += count;
  }
  return depth;
}

const keyOf = (v: RegisterVersion<Json>): Key => ({ depth: depthOf(v.clock), hlc: v.hlc });

function compareKeys(a: Key, b: Key): number {
  if (a.depth !== b.depth) return a.depth < b.depth ? -1 : 1;
  return compareEncodedHlc(a.hlc, b.hlc);
}

/** `heads` with `node`'s newest key raised to `key`, trimmed to the `maxWriters + 1` greatest. */
function withHead(
  heads: ReadonlyMap<string, Key>,
  node: string,
  key: Key,
  maxWriters: number,
): ReadonlyMap<string, Key> {
  const current = heads.get(node);
  if (current && compareKeys(current, key) >= 0) return heads;
  let lowest: [string, Key] | undefined;
  if (!current && heads.size > maxWriters) {
    for (const head of heads) if (!lowest || compareHeads(head, lowest) < 0) lowest = head;
    if (compareHeads([node, key], lowest as [string, Key]) < 0) return heads;
  }
  const next = new Map(heads);
  next.set(node, key);
  if (lowest) next.delete(lowest[0]);
  return next;
}

/** The `maxWriters + 1` greatest of `newest` (all devices' newest keys). */
function greatestHeads(
  newest: ReadonlyMap<string, Key>,
  maxWriters: number,
): ReadonlyMap<string, Key> {
  if (newest.size <= maxWriters + 1) return newest;
  const sorted = [...newest].sort((a, b) => compareHeads(b, a));
  return new Map(sorted.slice(0, maxWriters + 1));
}

/** Devices by their newest key; a tie (only from a broken peer) by device id. */
function compareHeads([na, ka]: [string, Key], [nb, kb]: [string, Key]): number {
  return compareKeys(ka, kb) || (na < nb ? -1 : na > nb ? 1 : 0);
}

/** The greatest key a version can have and still be dropped; none while few devices wrote. */
function floorOf(heads: ReadonlyMap<string, Key>, maxWriters: number): Key | undefined {
  if (heads.size <= maxWriters) return undefined;
  let floor: Key | undefined;
  for (const k of heads.values()) if (!floor || compareKeys(k, floor) < 0) floor = k;
  return floor;
}

function aboveFloor<V extends Json>(
  versions: readonly RegisterVersion<V>[],
  floor: Key | undefined,
): readonly RegisterVersion<V>[] {
  if (!floor) return versions;
  const kept = versions.filter((v) => compareKeys(keyOf(v), floor) > 0);
  return kept.length === versions.length ? versions : kept;
}

function compareVersions<V extends Json>(a: RegisterVersion<V>, b: RegisterVersion<V>): number {
  const byHlc = compareEncodedHlc(a.hlc, b.hlc);
  if (byHlc !== 0) return byHlc;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
