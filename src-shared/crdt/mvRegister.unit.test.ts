import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { prng, shuffle } from '../../test/support/crdtSimulation.js';
import { checkProperty, FC_SEED, PROPERTY_TIMEOUT_MS } from '../../test/support/fastCheck.js';
import type { Json } from '../json.js';
import { compareHlc, encodeHlc, parseHlc } from './hlc.js';
import { MAX_WRITERS, MvRegister, type RegisterVersion } from './mvRegister.js';

/**
 * The register's cap (at most MAX_WRITERS devices' versions) and its linear load. The capped
 * state is checked against its definition computed from the set of versions directly, in any
 * order of adds and merges. Seeded: replay a failure with the FC_SEED it prints.
 */
const check = checkProperty(import.meta.url);
vi.setConfig({ testTimeout: PROPERTY_TIMEOUT_MS });

type Version = RegisterVersion<Json>;
const BASE = 1_700_000_000_000;

const version = (id: string, node: string, clock: Record<string, number>, ms: number): Version => ({
  id,
  nodeId: node,
  hlc: encodeHlc({ wallMs: BASE + ms, counter: 0, nodeId: node }),
  timestamp: new Date(BASE + ms).toISOString(),
  clock,
  value: { hash: id },
});

describe(`MvRegister cap (seed ${FC_SEED})`, () => {
  it('keeps the versions of the 100 devices that wrote last, in any order of arrival', () => {
    // 150 devices each write a version of their own, none seeing another: 150 concurrent versions.
    // All have depth 1, so the key is the hlc: devices d050..d149 wrote last.
    const all = Array.from({ length: 150 }, (_, i) => {
      const node = `d${String(i).padStart(3, '0')}`;
      return version(`e${i}`, node, { [node]: 1 }, i);
    });
    const expected = all.slice(50).map((v) => v.id);
    for (const seed of [1, 2, 3]) {
      const reg = shuffle(all, prng(seed)).reduce((r, v) => r.add(v), MvRegister.empty<Json>());
      expect(reg.versions.map((v) => v.id)).toEqual(expected);
    }
    expect(MAX_WRITERS).toBe(100);
    // A version that had seen more of the file outranks later ones that had seen less.
    const informed = version('late', 'd000', { d000: 1, d001: 1 }, -1);
    const reg = all.reduce((r, v) => r.add(v), MvRegister.empty<Json>()).add(informed);
    expect(reg.versions.map((v) => v.id)).toContain('late');
    expect(reg.versions).toHaveLength(100);
  });

  it('does nothing while at most 100 devices wrote', () => {
    const all = Array.from({ length: 100 }, (_, i) =>
      version(`e${i}`, `d${i}`, { [`d${i}`]: 1 }, i),
    );
    const reg = all.reduce((r, v) => r.add(v), MvRegister.empty<Json>());
    expect(reg.versions).toHaveLength(100);
  });

  it('drops a late version that a dropped one had seen (a dropped version still dominates)', () => {
    // Cap 1. a and b are concurrent, b is newer; c, which a had seen, arrives last.
    const c = version('c', 'x', { x: 1 }, 0);
    const a = version('a', 'y', { x: 1, y: 1 }, 1);
    const b = version('b', 'z', { z: 3 }, 2);
    const capped = MvRegister.empty<Json>({ maxWriters: 1 });
    for (const order of [
      [a, b, c],
      [c, a, b],
      [b, c, a],
    ])
      expect(order.reduce((r, v) => r.add(v), capped).versions.map((v) => v.id)).toEqual(['b']);
  });

  it('equals its definition on the set of versions, in any order of adds and merges', () => {
    let capped = 0;
    check(
      fc.property(universeArb, fc.integer({ min: 1, max: 3 }), fc.nat(), (universe, k, seed) => {
        const random = prng(seed);
        const subset = universe.filter(() => random() < 0.7);
        const expected = definition(subset, k);
        if (expected.length < maximal(subset).length) capped++;
        const empty = MvRegister.empty<Json>({ maxWriters: k });
        const added = shuffle(subset, random).reduce((r, v) => r.add(v), empty);
        expect(added.versions.map((v) => v.id)).toEqual(expected);
        // Replicas holding overlapping parts, merged in a random order.
        const parts = Array.from({ length: 3 }, () =>
          shuffle(subset, random)
            .filter(() => random() < 0.6)
            .reduce((r, v) => r.add(v), empty),
        );
        const rest = subset.reduce((r, v) => r.add(v), empty);
        const merged = shuffle([...parts, rest], random).reduce((acc, r) => acc.merge(r));
        expect(merged.equals(added)).toBe(true);
        expect(MvRegister.fromJSON(merged.toJSON(), { maxWriters: k }).equals(added)).toBe(true);
      }),
      { numRuns: 1000 },
    );
    expect(capped, `cases where the cap dropped a sibling (seed ${FC_SEED})`).toBeGreaterThan(50);
  });
});

describe('MvRegister load', () => {
  /** 16,000 pairwise concurrent versions from 4 devices: under the cap, all stay siblings. */
  const concurrent = Array.from({ length: 16_000 }, (_, i) => {
    const node = `n${i % 4}`;
    return version(`e${String(i).padStart(5, '0')}`, node, { n0: i + 1, n1: 16_000 - i }, i);
  });

  it('loads 16,000 siblings in time linear in them (printed, not asserted)', () => {
    const reg = MvRegister.fromJSON<Json>({ versions: concurrent });
    const json = JSON.parse(JSON.stringify(reg.toJSON())) as ReturnType<typeof reg.toJSON>;
    const started = performance.now();
    const loaded = MvRegister.fromJSON<Json>(json);
    const ms = performance.now() - started;
    console.log(`MvRegister.fromJSON: 16,000 siblings of 4 devices in ${ms.toFixed(1)} ms`);
    expect(loaded.versions).toHaveLength(16_000);
    expect(loaded.equals(reg)).toBe(true);
  });

  it('loads an old snapshot of 16,000 devices\u2019 siblings capped to 100 (printed, not asserted)', () => {
    const versions = Array.from({ length: 16_000 }, (_, i) => {
      const node = `d${String(i).padStart(5, '0')}`;
      return version(`e${String(i).padStart(5, '0')}`, node, { [node]: 1 }, i);
    });
    const started = performance.now();
    const loaded = MvRegister.fromJSON<Json>({ versions });
    const ms = performance.now() - started;
    console.log(
      `MvRegister.fromJSON: old snapshot of 16,000 devices' siblings in ${ms.toFixed(1)} ms`,
    );
    expect(loaded.versions.map((v) => v.id)).toEqual(versions.slice(15_900).map((v) => v.id));
    // Adding them one by one (a fold of the log) gives the same register.
    const addStarted = performance.now();
    const folded = versions.reduce((r, v) => r.add(v), MvRegister.empty<Json>());
    const addMs = performance.now() - addStarted;
    console.log(
      `MvRegister.add: 16,000 devices' concurrent versions folded in ${addMs.toFixed(1)} ms`,
    );
    expect(folded.versions).toEqual(loaded.versions);
  });
});

/**
 * Versions with arbitrary clocks over six devices (more than the caps tried), so equal,
 * concurrent and dominated clocks all occur; an id always names the same version.
 */
const NODES = ['a', 'b', 'c', 'd', 'e', 'f'];
const universeArb = fc
  .array(
    fc.tuple(
      fc.dictionary(fc.constantFrom(...NODES), fc.nat(3), { maxKeys: 4 }),
      fc.constantFrom(...NODES),
      fc.integer({ min: 0, max: 3 }),
      fc.nat(2),
    ),
    { minLength: 1, maxLength: 12 },
  )
  .map((rows) =>
    rows.map(([clock, node, ms, counter], i): Version => ({
      ...version(`v${String(i).padStart(2, '0')}`, node, clock, ms),
      hlc: encodeHlc({ wallMs: BASE + ms, counter, nodeId: node }),
    })),
  );

/** Written from the doc comment of `MvRegister`, on the whole set at once. */
function definition(set: readonly Version[], k: number): string[] {
  const cmp = (a: Version, b: Version) =>
    sum(a.clock) - sum(b.clock) || compareHlc(parseHlc(a.hlc), parseHlc(b.hlc));
  const newest = new Map<string, Version>();
  for (const v of set) {
    const cur = newest.get(v.nodeId);
    if (!cur || cmp(v, cur) > 0) newest.set(v.nodeId, v);
  }
  const writers = [...newest.entries()].sort(
    ([na, a], [nb, b]) => cmp(b, a) || (na < nb ? 1 : na > nb ? -1 : 0),
  );
  const floor = writers[k]?.[1];
  return maximal(set)
    .filter((v) => !floor || cmp(v, floor) > 0)
    .sort((a, b) => compareHlc(parseHlc(a.hlc), parseHlc(b.hlc)) || (a.id < b.id ? -1 : 1))
    .map((v) => v.id);
}

function maximal(set: readonly Version[]): Version[] {
  const unique = [...new Map(set.map((v) => [v.id, v])).values()];
  return unique.filter((v) => !unique.some((w) => before(v.clock, w.clock)));
}

const sum = (clock: Readonly<Record<string, number>>) =>
  Object.values(clock).reduce((s, n) => s + (n > 0 ? n : 0), 0);

/** a < b: every count <= (missing = 0), and some <. */
function before(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>) {
  let less = false;
  for (const node of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = Math.max(0, a[node] ?? 0);
    const y = Math.max(0, b[node] ?? 0);
    if (x > y) return false;
    if (x < y) less = true;
  }
  return less;
}
