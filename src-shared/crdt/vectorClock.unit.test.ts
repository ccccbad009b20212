import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkProperty, FC_SEED } from '../../test/support/fastCheck.js';
import { VectorClock, type ClockOrder } from './vectorClock.js';

const check = checkProperty(import.meta.url);

const clockJsonArb = fc.dictionary(fc.constantFrom('a', 'b', 'c', 'node-d'), fc.nat(3), {
  maxKeys: 4,
});
const clockArb = clockJsonArb.map((json) => VectorClock.from(json));

const MIRROR: Record<ClockOrder, ClockOrder> = {
  before: 'after',
  after: 'before',
  equal: 'equal',
  concurrent: 'concurrent',
};

/** The textbook definition, pointwise over the union of nodes. */
function referenceOrder(a: Record<string, number>, b: Record<string, number>): ClockOrder {
  const nodes = new Set([...Object.keys(a), ...Object.keys(b)]);
  const le = [...nodes].every((n) => (a[n] ?? 0) <= (b[n] ?? 0));
  const ge = [...nodes].every((n) => (a[n] ?? 0) >= (b[n] ?? 0));
  return le && ge ? 'equal' : le ? 'before' : ge ? 'after' : 'concurrent';
}

describe(`VectorClock (seed ${FC_SEED})`, () => {
  it('compare matches the pointwise definition', () => {
    const seen = new Set<ClockOrder>();
    check(
      fc.property(clockJsonArb, clockJsonArb, (a, b) => {
        const order = VectorClock.from(a).compare(VectorClock.from(b));
        seen.add(order);
        expect(order).toBe(referenceOrder(a, b));
      }),
      { numRuns: 2000 },
    );
    expect([...seen].sort()).toEqual(['after', 'before', 'concurrent', 'equal']);
  });

  it('compare(a, b) is the mirror of compare(b, a)', () => {
    check(
      fc.property(clockArb, clockArb, (a, b) => {
        expect(b.compare(a)).toBe(MIRROR[a.compare(b)]);
        expect(a.dominates(b)).toBe(b.compare(a) === 'before');
        expect(a.equals(b)).toBe(b.equals(a));
      }),
      { numRuns: 2000 },
    );
  });

  it('merge dominates or equals both sides, and is the least such clock', () => {
    check(
      fc.property(clockArb, clockArb, (a, b) => {
        const m = a.merge(b);
        expect(['after', 'equal']).toContain(m.compare(a));
        expect(['after', 'equal']).toContain(m.compare(b));
        for (const node of m.nodes())
          expect(m.countOf(node)).toBe(Math.max(a.countOf(node), b.countOf(node)));
      }),
      { numRuns: 2000 },
    );
  });

  it('increment makes a clock that comes strictly after, and leaves the original alone', () => {
    check(
      fc.property(clockArb, fc.constantFrom('a', 'b', 'new'), (a, node) => {
        const before = a.toJSON();
        const next = a.increment(node);
        expect(next.compare(a)).toBe('after');
        expect(a.compare(next)).toBe('before');
        expect(next.countOf(node)).toBe(a.countOf(node) + 1);
        expect(a.toJSON()).toEqual(before);
      }),
      { numRuns: 1000 },
    );
  });

  it('compareJson and mergeJson give what compare and merge of VectorClock.from give', () => {
    // Own keys only, zero and negative counts dropped, inherited names such as constructor absent.
    const json = fc.dictionary(
      fc.constantFrom('a', 'b', 'node-d', 'constructor', 'toString'),
      fc.integer({ min: -1, max: 3 }),
      { maxKeys: 4 },
    );
    check(
      fc.property(json, json, (a, b) => {
        expect(VectorClock.compareJson(a, b)).toBe(
          VectorClock.from(a).compare(VectorClock.from(b)),
        );
        expect(VectorClock.from(a).mergeJson(b).toJSON()).toEqual(
          VectorClock.from(a).merge(VectorClock.from(b)).toJSON(),
        );
      }),
      { numRuns: 2000 },
    );
  });

  it('merge returns the clock itself when the other adds nothing', () => {
    const a = VectorClock.from({ a: 2, b: 1 });
    expect(a.merge(VectorClock.from({ a: 1 }))).toBe(a);
    expect(a.mergeJson({ b: 1 })).toBe(a);
    expect(a.mergeJson({ b: 2 }).toJSON()).toEqual({ a: 2, b: 2 });
    expect(a.toJSON()).toEqual({ a: 2, b: 1 });
  });

  it('examples', () => {
    const vc = (json: Record<string, number>) => VectorClock.from(json);
    expect(vc({ a: 1 }).compare(vc({ a: 2 }))).toBe('before');
    expect(vc({ a: 2, b: 1 }).compare(vc({ a: 2 }))).toBe('after');
    expect(vc({ a: 1 }).compare(vc({ b: 1 }))).toBe('concurrent');
    expect(vc({ a: 1, b: 0 }).compare(vc({ a: 1 }))).toBe('equal');
    expect(vc({}).compare(VectorClock.empty())).toBe('equal');
    expect(vc({ a: 1 }).dominates(vc({ a: 1 }))).toBe(false);
  });

  it('serializes with sorted keys and no zero entries', () => {
    expect(Object.keys(VectorClock.from({ c: 1, a: 2, b: 0 }).toJSON())).toEqual(['a', 'c']);
    expect(
      VectorClock.from({ z: 3 })
        .merge(VectorClock.from({ a: 1 }))
        .toJSON(),
    ).toEqual({ a: 1, z: 3 });
    expect(VectorClock.from({ b: 1, a: 1 }).get()).toEqual({ a: 1, b: 1 });
  });
});
