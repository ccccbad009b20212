import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { configArb, eventsOf, prng, shuffle, simulate } from '../../test/support/crdtSimulation.js';
import { checkProperty, FC_SEED, PROPERTY_TIMEOUT_MS } from '../../test/support/fastCheck.js';
import { canonicalJson, type Json } from '../json.js';
import type { Crdt } from './crdt.js';
import { FileEntity } from './fileEntity.js';
import type { Hlc } from './hlc.js';
import { LwwMap } from './lwwMap.js';
import { LwwRegister } from './lwwRegister.js';
import { MvRegister, type RegisterVersion } from './mvRegister.js';
import { newestFirst } from './versionOrder.js';
import { VectorClock } from './vectorClock.js';

/**
 * Merge laws for every state-based CRDT (the `Crdt` interface): merge is
 * commutative, associative and idempotent, and `equals` means equal state.
 * Seeded: replay a failure with the FC_SEED the report prints.
 */
const check = checkProperty(import.meta.url);
vi.setConfig({ testTimeout: PROPERTY_TIMEOUT_MS });

interface Serializable {
  toJSON(): unknown;
}

function mergeLaws<T extends Crdt<unknown, T> & Serializable>(
  name: string,
  triples: fc.Arbitrary<readonly [T, T, T]>,
  numRuns: number,
): void {
  describe(`${name} (seed ${FC_SEED})`, () => {
    it('merge is commutative, associative and idempotent', () => {
      check(
        fc.property(triples, ([a, b, c]) => {
          const ab = a.merge(b);
          expect(ab.equals(b.merge(a)), 'commutative').toBe(true);
          expect(ab.merge(c).equals(a.merge(b.merge(c))), 'associative').toBe(true);
          expect(a.merge(a).equals(a), 'idempotent').toBe(true);
          expect(ab.merge(b).equals(ab), 'idempotent after a merge').toBe(true);
          expect(ab.merge(a).equals(ab), 'idempotent after a merge').toBe(true);
        }),
        { numRuns },
      );
    });

    it('equals means equal replicated state (and is not trivially true)', () => {
      let different = 0;
      check(
        fc.property(triples, ([a, b]) => {
          const same = canonicalJson(a.toJSON() as Json) === canonicalJson(b.toJSON() as Json);
          if (!same) different++;
          expect(a.equals(b)).toBe(same);
          expect(a.equals(a)).toBe(true);
        }),
        { numRuns: Math.min(numRuns, 500) },
      );
      expect(different).toBeGreaterThan(100);
    });
  });
}

// A small alphabet of nodes and times, so collisions and ties are common.
const NODES = ['a', 'b', 'c', 'dd'];
const nodeArb = fc.constantFrom(...NODES);
const hlcArb: fc.Arbitrary<Hlc> = fc.record({
  wallMs: fc.integer({ min: 1_700_000_000_000, max: 1_700_000_000_003 }),
  counter: fc.nat(2),
  nodeId: nodeArb,
});
const valueArb: fc.Arbitrary<Json> = fc.oneof(
  fc.constant(null),
  fc.nat(3),
  fc.constantFrom('x', 'y', ''),
  fc.boolean(),
  fc.array(fc.nat(2), { maxLength: 2 }),
  fc.record({ k: fc.nat(2) }),
);
const clockJsonArb = fc.dictionary(nodeArb, fc.nat(4), { maxKeys: 4 });
const triple = <T>(arb: fc.Arbitrary<T>) => fc.tuple(arb, arb, arb);

mergeLaws('VectorClock', triple(clockJsonArb.map((json) => VectorClock.from(json))), 1000);

mergeLaws(
  'LwwRegister',
  triple(fc.tuple(valueArb, hlcArb).map(([value, hlc]) => new LwwRegister<Json>(value, hlc))),
  1000,
);

const lwwMapArb = fc
  .array(fc.tuple(fc.constantFrom('mode', 'mtime', 'tag'), valueArb, hlcArb), { maxLength: 6 })
  .map((writes) =>
    writes.reduce((map, [key, value, hlc]) => map.set(key, value, hlc), LwwMap.empty()),
  );

mergeLaws('LwwMap', triple(lwwMapArb), 1000);

/**
 * MvRegister states are drawn from one universe of versions (an id always
 * names the same write), with arbitrary clocks: equal, concurrent and
 * dominated ones.
 */
const versionUniverseArb = fc
  .array(fc.tuple(clockJsonArb, hlcArb, fc.option(fc.nat(3), { nil: null })), {
    minLength: 1,
    maxLength: 8,
  })
  .map((rows) =>
    rows.map(([clock, hlc, value], i): RegisterVersion<Json> => ({
      id: `v${i}`,
      nodeId: hlc.nodeId,
      hlc: `${String(hlc.wallMs).padStart(15, '0')}-${String(hlc.counter).padStart(6, '0')}-${hlc.nodeId}`,
      timestamp: new Date(hlc.wallMs).toISOString(),
      clock,
      value: value === null ? null : { hash: String(value) },
    })),
  );

const subsetsOf = (universe: readonly RegisterVersion<Json>[]) =>
  triple(
    fc
      .shuffledSubarray([...universe])
      .map((vs) => vs.reduce((reg, v) => reg.add(v), MvRegister.empty<Json>())),
  );

mergeLaws('MvRegister (arbitrary clocks)', versionUniverseArb.chain(subsetsOf), 1000);

/**
 * The cap (at most `maxWriters` devices' versions, mvRegister.ts) keeps the laws: capped at 1 to
 * 3 devices, so that the universe's four devices overflow it often.
 */
const cappedSubsetsOf = ([universe, maxWriters]: readonly [RegisterVersion<Json>[], number]) =>
  triple(
    fc
      .shuffledSubarray([...universe])
      .map((vs) => vs.reduce((reg, v) => reg.add(v), MvRegister.empty<Json>({ maxWriters }))),
  );

mergeLaws(
  'MvRegister (capped, arbitrary clocks)',
  fc.tuple(versionUniverseArb, fc.integer({ min: 1, max: 3 })).chain(cappedSubsetsOf),
  1000,
);

/** FileEntity states are replicas of simulated, causally valid histories. */
const entityTriplesArb = fc
  .tuple(configArb({ maxOps: 30, entities: 1 }), fc.nat(), fc.nat(), fc.nat())
  .map(([config, ...seeds]) => {
    const history = simulate(config);
    const [entityId] = history.entityIds as [string];
    const events = eventsOf(history.events, entityId);
    const states = seeds.map((seed) => {
      const random = prng(seed);
      // Half the time a device's replica, else a random subset of all events.
      if (seed % 2 === 0) {
        const device = history.devices[seed % history.devices.length];
        return device?.entities.get(entityId) ?? FileEntity.empty(entityId);
      }
      return FileEntity.fromEvents(
        entityId,
        shuffle(events, random).filter(() => random() < 0.6),
      );
    });
    return states as unknown as readonly [FileEntity, FileEntity, FileEntity];
  });

mergeLaws('FileEntity (simulated histories)', entityTriplesArb, 1000);

describe('MvRegister from simulated histories', () => {
  it('merge of replicas is commutative, associative and idempotent', () => {
    check(
      fc.property(entityTriplesArb, ([a, b, c]) => {
        const [ra, rb, rc] = [a.register, b.register, c.register];
        expect(ra.merge(rb).equals(rb.merge(ra))).toBe(true);
        expect(
          ra
            .merge(rb)
            .merge(rc)
            .equals(ra.merge(rb.merge(rc))),
        ).toBe(true);
        expect(ra.merge(ra).equals(ra)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('LwwRegister', () => {
  const t = (wallMs: number, counter: number, nodeId: string): Hlc => ({ wallMs, counter, nodeId });

  it('keeps the write with the greater (hlc, node id), whichever order they meet in', () => {
    const older = new LwwRegister<Json>('old', t(100, 5, 'z'));
    const newer = new LwwRegister<Json>('new', t(101, 0, 'a'));
    expect(older.merge(newer).get()).toBe('new');
    expect(newer.merge(older).get()).toBe('new');
    expect(older.set('newer', t(100, 6, 'a')).get()).toBe('newer');
    expect(newer.set('stale', t(100, 9, 'z')).get()).toBe('new');
  });

  it('breaks an hlc tie by node id, and an exact tie by canonical value', () => {
    const a = new LwwRegister<Json>('from-a', t(100, 0, 'a'));
    const b = new LwwRegister<Json>('from-b', t(100, 0, 'b'));
    expect(a.merge(b).get()).toBe('from-b');
    const x = new LwwRegister<Json>({ v: 1 }, t(100, 0, 'a'));
    const y = new LwwRegister<Json>({ v: 2 }, t(100, 0, 'a'));
    expect(x.merge(y).get()).toEqual({ v: 2 });
    expect(y.merge(x).get()).toEqual({ v: 2 });
  });
});

describe('LwwMap', () => {
  const t = (wallMs: number, nodeId = 'a'): Hlc => ({ wallMs, counter: 0, nodeId });

  it('merges per field: concurrent writes to different fields both survive', () => {
    const left = LwwMap.empty().set('mode', 420, t(5)).set('tag', 'old', t(1));
    const right = LwwMap.empty().set('mtime', 99, t(3, 'b')).set('tag', 'new', t(2, 'b'));
    expect(left.merge(right).get()).toEqual({ mode: 420, mtime: 99, tag: 'new' });
    expect(right.merge(left).get()).toEqual({ mode: 420, mtime: 99, tag: 'new' });
  });

  it('removes a field by a later null write, and a stale null does not remove it', () => {
    const map = LwwMap.empty().set('tag', 'x', t(5));
    expect(map.set('tag', null, t(6)).get()).toEqual({});
    expect(map.set('tag', null, t(4)).get()).toEqual({ tag: 'x' });
    expect(map.merge(LwwMap.empty().set('tag', null, t(6))).get()).toEqual({});
  });

  it('round-trips through JSON', () => {
    check(
      fc.property(lwwMapArb, (map) => {
        expect(LwwMap.fromJSON(map.toJSON()).equals(map)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('MvRegister', () => {
  const version = (
    id: string,
    clock: Record<string, number>,
    hlc: string,
    hash: string | null,
  ): RegisterVersion<Json> => ({
    id,
    nodeId: hlc.split('-')[2] as string,
    hlc,
    timestamp: '2024-01-01T00:00:00.000Z',
    clock,
    value: hash === null ? null : { hash },
  });
  const v1 = version('v1', { a: 1 }, '001700000000000-000000-a', 'x');
  const v2 = version('v2', { a: 1, b: 1 }, '001700000000001-000000-b', 'y');
  const v3 = version('v3', { a: 2 }, '001700000000002-000000-a', null);

  it('keeps concurrent versions as siblings and drops dominated ones', () => {
    const reg = MvRegister.empty<Json>().add(v1).add(v2).add(v3);
    expect(reg.versions.map((v) => v.id)).toEqual(['v2', 'v3']);
    expect(reg.add(v1)).toBe(reg);
    // Live content first, then newest: v2 is the file, v3 a lost delete.
    expect(newestFirst(reg.versions).map((v) => v.id)).toEqual(['v2', 'v3']);
    expect(reg.clock().toJSON()).toEqual({ a: 2, b: 1 });
  });

  it('a write that has seen every sibling replaces them all', () => {
    const reg = MvRegister.empty<Json>().add(v2).add(v3);
    const resolved = version('r', { a: 2, b: 2 }, '001700000000003-000000-b', 'y');
    expect(reg.set(resolved).versions.map((v) => v.id)).toEqual(['r']);
  });

  it('rebuilds the same state from its JSON', () => {
    check(
      fc.property(versionUniverseArb.chain(subsetsOf), ([a]) => {
        expect(MvRegister.fromJSON(a.toJSON()).equals(a)).toBe(true);
        // A snapshot written before the cap (no heads) loads as its versions.
        expect(MvRegister.fromJSON({ versions: a.versions }).versions).toEqual(a.versions);
      }),
      { numRuns: 500 },
    );
  });
});
