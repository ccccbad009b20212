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
  readonly value: V;
}

/**
 * A multi-value register (Dynamo/Riak "siblings"): it keeps every version that
 * no other version causally dominates. Its state is a function of the *set* of
 * versions ever added (the maximal elements of that set under the vector-clock
 * order), so merge is commutative, associative and idempotent by construction
 * and the result never depends on delivery order.
 *
 * The LWW choice among siblings (`winner`) is a read-side view; losing
 * siblings stay in the state until a write that has seen them dominates them.
 */
export class MvRegister<V extends Json> implements Crdt<
  readonly RegisterVersion<V>[],
  MvRegister<V>
> {
  /** Sorted by (hlc, node, id) so equal states have equal JSON. */
  readonly versions: readonly RegisterVersion<V>[];

  private constructor(versions: readonly RegisterVersion<V>[]) {
    this.versions = versions;
  }

  static empty<V extends Json>(): MvRegister<V> {
    return new MvRegister<V>([]);
  }

  static fromJSON<V extends Json>(versions: readonly RegisterVersion<V>[]): MvRegister<V> {
    return versions.reduce((reg, v) => reg.add(v), MvRegister.empty<V>());
  }

  get(): readonly RegisterVersion<V>[] {
    return this.versions;
  }

  /** Adds one version; a no-op when it is known or dominated. */
  add(version: RegisterVersion<V>): MvRegister<V> {
    const kept: RegisterVersion<V>[] = [];
    for (const existing of this.versions) {
      if (existing.id === version.id) return this;
      const order = VectorClock.compareJson(version.clock, existing.clock);
      if (order === 'before') return this;
      if (order !== 'after') kept.push(existing);
    }
    // `kept` is sorted (a subsequence of `versions`): insert in place of a full sort.
    let at = kept.length;
    while (at > 0 && compareVersions(kept[at - 1] as RegisterVersion<V>, version) > 0) at -= 1;
    if (at === kept.length) kept.push(version);
    else kept.splice(at, 0, version);
    return new MvRegister(kept);
  }

  /** Adds a write that has seen the whole register: it replaces every sibling. */
  set(version: RegisterVersion<V>): MvRegister<V> {
    return this.add(version);
  }

  merge(other: MvRegister<V>): MvRegister<V> {
    return other.versions.reduce<MvRegister<V>>((reg, v) => reg.add(v), this);
  }

  /** The LWW maximum by (hlc, node id) among the versions `accept` admits. */
  winner(accept: (v: RegisterVersion<V>) => boolean = () => true): RegisterVersion<V> | undefined {
    let best: RegisterVersion<V> | undefined;
    for (const v of this.versions)
      if (accept(v) && (!best || compareVersions(v, best) > 0)) best = v;
    return best;
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

  toJSON(): readonly RegisterVersion<V>[] {
    return this.versions;
  }
}

function compareVersions<V extends Json>(a: RegisterVersion<V>, b: RegisterVersion<V>): number {
  const byHlc = compareEncodedHlc(a.hlc, b.hlc);
  if (byHlc !== 0) return byHlc;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
