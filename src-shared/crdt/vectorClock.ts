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

  /** Pointwise maximum. */
  merge(other: VectorClock): VectorClock {
    const next = new Map(this.entries);
    for (const [node, count] of other.entries) {
      if (count > (next.get(node) ?? 0)) next.set(node, count);
    }
    return new VectorClock(next);
  }

  compare(other: VectorClock): ClockOrder {
    let less = false;
    let greater = false;
    for (const node of new Set([...this.entries.keys(), ...other.entries.keys()])) {
      const mine = this.countOf(node);
      const theirs = other.countOf(node);
      if (mine < theirs) less = true;
      else if (mine > theirs) greater = true;
      if (less && greater) return 'concurrent';
    }
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

const EMPTY = VectorClock.from({});
