import type { Crdt } from './crdt.js';

/** Plain JSON form: node id → number of that node's events seen. Zero entries are omitted. */
export type VectorClockJson = Readonly<Record<string, number>>;

export type ClockOrder = 'before' | 'after' | 'equal' | 'concurrent';

/**
 * A version vector. Immutable: every operation returns a new clock.
 * `compare(a, b)` answers how `a` relates to `b`: `before` means a happened
 * before b (b dominates a).
 */
export class VectorClock implements Crdt<VectorClockJson, VectorClock> {
  private readonly entries: ReadonlyMap<string, number>;

  private constructor(entries: ReadonlyMap<string, number>) {
    this.entries = entries;
  }

  static empty(): VectorClock {
    return EMPTY;
  }

  static from(json: VectorClockJson): VectorClock {
    const entries = new Map<string, number>();
    for (const [node, count] of Object.entries(json)) {
      if (count > 0) entries.set(node, count);
    }
    return new VectorClock(entries);
  }

  get(): VectorClockJson {
    return this.toJSON();
  }

  countOf(nodeId: string): number {
    return this.entries.get(nodeId) ?? 0;
  }

  nodes(): string[] {
    return [...this.entries.keys()];
  }

  increment(nodeId: string): VectorClock {
    const next = new Map(this.entries);
    next.set(nodeId, this.countOf(nodeId) + 1);
    return new VectorClock(next);
  }

  /** Pointwise maximum. Returns this clock itself when `other` adds nothing. */
  merge(other: VectorClock): VectorClock {
    let next: Map<string, number> | undefined;
    for (const [node, count] of other.entries) {
      if (count > ((next ?? this.entries).get(node) ?? 0))
        (next ??= new Map(this.entries)).set(node, count);
    }
    return next ? new VectorClock(next) : this;
  }

  /** `merge(VectorClock.from(json))` without building the intermediate clock (folds do this per event). */
  mergeJson(json: VectorClockJson): VectorClock {
    let next: Map<string, number> | undefined;
    for (const node in json) {
      if (!hasOwn(json, node)) continue;
      const count = countIn(json, node);
      if (count > ((next ?? this.entries).get(node) ?? 0))
        (next ??= new Map(this.entries)).set(node, count);
    }
    return next ? new VectorClock(next) : this;
  }

  compare(other: VectorClock): ClockOrder {
    let less = false;
    let greater = false;
    for (const [node, mine] of this.entries) {
      const theirs = other.countOf(node);
      if (mine < theirs) less = true;
      else if (mine > theirs) greater = true;
    }
    // Nodes only `other` has: present entries are positive, so each makes this one less.
    if (!less) for (const node of other.entries.keys()) if (!this.entries.has(node)) less = true;
    if (less && greater) return 'concurrent';
    if (less) return 'before';
    if (greater) return 'after';
    return 'equal';
  }

  /**
   * `VectorClock.from(a).compare(VectorClock.from(b))` on the JSON forms, without building either
   * clock (a register compares a new version with each sibling).
   */
  static compareJson(a: VectorClockJson, b: VectorClockJson): ClockOrder {
    let less = false;
    let greater = false;
    // for-in with an own-property check: Object.entries' keys without allocating them.
    for (const node in a) {
      if (!hasOwn(a, node)) continue;
      const mine = countIn(a, node);
      const theirs = countIn(b, node);
      if (mine < theirs) less = true;
      else if (mine > theirs) greater = true;
    }
    if (!less) {
      for (const node in b) {
        if (hasOwn(b, node) && countIn(b, node) > countIn(a, node)) {
          less = true;
          break;
        }
      }
    }
    if (less && greater) return 'concurrent';
    if (less) return 'before';
    if (greater) return 'after';
    return 'equal';
  }

  /** True when this clock has seen everything `other` has, and more. */
  dominates(other: VectorClock): boolean {
    return this.compare(other) === 'after';
  }

  equals(other: VectorClock): boolean {
    return this.compare(other) === 'equal';
  }

  /** Keys sorted so that equal clocks serialize identically. */
  toJSON(): VectorClockJson {
    const out: Record<string, number> = {};
    for (const node of [...this.entries.keys()].sort())
      out[node] = this.entries.get(node) as number;
    return out;
  }
}

/**
 * A node's count in a JSON clock as `VectorClock.from` keeps it: `count > 0`, else 0 (absent,
 * zero, negative; an inherited property such as `constructor` is no number and compares false).
 */
function countIn(json: VectorClockJson, node: string): number {
  const count = json[node] as number;
  return count > 0 ? count : 0;
}

const hasOwn = (o: object, key: string): boolean => Object.prototype.hasOwnProperty.call(o, key);

const EMPTY = VectorClock.from({});
