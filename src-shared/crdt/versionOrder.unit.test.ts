import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { entityProblems, referenceEntity, sameJson } from '../../test/support/crdtReference.js';
import { configArb, eventsOf, prng, shuffle, simulate } from '../../test/support/crdtSimulation.js';
import { checkProperty, FC_SEED, PROPERTY_TIMEOUT_MS } from '../../test/support/fastCheck.js';
import type { CrdtEvent } from '../events/event.js';
import { writesTombstone, writesVersion } from '../events/event.js';
import { FileEntity, type FileVersion } from './fileEntity.js';
import { compareEncodedHlc, parseHlc } from './hlc.js';
import { compareNewest, effectiveMtimeMs, newestFirst } from './versionOrder.js';

/**
 * The winner of concurrent edits is the newest by modification time (DESIGN.md §3). Seeded:
 * replay a failure with the FC_SEED it prints.
 */
const check = checkProperty(import.meta.url);
vi.setConfig({ testTimeout: PROPERTY_TIMEOUT_MS });

/** 2026-11-26T20:46:00Z */
const T = Date.UTC(2026, 10, 26, 20, 46, 0);
const hlcAt = (ms: number, node: string) => `${String(ms).padStart(15, '0')}-000000-${node}`;
const v = (id: string, node: string, recordedAt: number, mtimeMs?: number): FileVersion => ({
  id,
  nodeId: node,
  hlc: hlcAt(recordedAt, node),
  timestamp: new Date(recordedAt).toISOString(),
  clock: { [node]: 1 },
  ...(mtimeMs === undefined ? {} : { mtimeMs }),
  value: { hash: id, size: 1 },
});

describe('effectiveMtimeMs', () => {
  it.each([
    [
      'the modification time, when it is in the past',
      v('a', 'n', T, T - 86_400_000),
      T - 86_400_000,
    ],
    [
      'the modification time, up to 5 min ahead of the recording clock',
      v('a', 'n', T, T + 300_000),
      T + 300_000,
    ],
    ['the recording clock, when the time is further ahead', v('a', 'n', T, T + 300_001), T],
    ['the recording clock, for a year ahead', v('a', 'n', T, T + 365 * 86_400_000), T],
    ['the recording clock, when there is none', v('a', 'n', T), T],
  ])('%s', (_, version, expected) => {
    expect(effectiveMtimeMs(version)).toBe(expected);
  });
});

describe('newest edit', () => {
  it('a device that was off and edited earlier loses to the later edit, whenever it is scanned', () => {
    // A edited at 20:46:30 while off and was scanned at 20:50; B edited at 20:46:35, scanned at once.
    const a = v('a', 'laptop', T + 240_000, T + 30_000);
    const b = v('b', 'desktop', T + 36_000, T + 35_000);
    expect(newestFirst([a, b]).map((x) => x.id)).toEqual(['b', 'a']);
    expect(compareNewest(b, a)).toBeGreaterThan(0);
  });

  it('a modification time far in the future counts as when it was recorded', () => {
    const future = v('f', 'laptop', T, T + 10 * 365 * 86_400_000);
    const later = v('l', 'desktop', T + 60_000, T + 50_000);
    expect(newestFirst([future, later]).map((x) => x.id)).toEqual(['l', 'f']);
  });

  it('equal times: the greater hlc, then the event id', () => {
    const x = v('x', 'a', T + 2, T);
    const y = v('y', 'b', T + 1, T);
    expect(newestFirst([y, x]).map((z) => z.id)).toEqual(['x', 'y']);
    const sameHlc = { ...y, id: 'z' };
    expect(newestFirst([sameHlc, y]).map((z) => z.id)).toEqual(['z', 'y']);
  });

  it('live content before any tombstone, however new', () => {
    const tomb = { ...v('d', 'a', T + 1_000_000), value: null };
    expect(newestFirst([tomb, v('old', 'b', T, T - 1)]).map((x) => x.id)).toEqual(['old', 'd']);
  });

  it('a version records the modification time its content event carried', () => {
    const e = (kind: CrdtEvent['kind'], data: CrdtEvent['data'], n: number): CrdtEvent => ({
      eventId: `e${n}`,
      spaceId: 's',
      entityId: 'f.txt',
      kind,
      data,
      timestamp: new Date(T + n).toISOString(),
      hlc: hlcAt(T + n, 'a'),
      nodeId: 'a',
      seq: n,
      vectorClock: { a: n },
    });
    const content = { hash: 'h', size: 1 };
    const created = FileEntity.empty('f.txt').apply(
      e('FileCreated', { content, fields: { mtimeMs: T - 5 } }, 1),
    );
    expect(created.get().winner?.mtimeMs).toBe(T - 5);
    const deleted = created.apply(e('FileDeleted', { fields: { mtimeMs: T } }, 2));
    expect(deleted.get().winner).not.toHaveProperty('mtimeMs');
  });
});

describe(`every device picks the same winner (seed ${FC_SEED})`, () => {
  /** A modification time for a content event: none, past, near, just over the bound, or years ahead. */
  const mtimeArb = fc.oneof(
    fc.constant(undefined),
    fc.integer({ min: -10 * 86_400_000, max: 0 }),
    fc.integer({ min: -60_000, max: 300_000 }),
    fc.constant(300_001),
    fc.integer({ min: 86_400_000, max: 100 * 365 * 86_400_000 }),
  );

  /** The history's content events, each with a modification time relative to its hlc's wall time. */
  function withMtimes(events: readonly CrdtEvent[], offsets: readonly (number | undefined)[]) {
    return events.map((e, i) => {
      const offset = offsets[i % Math.max(1, offsets.length)];
      if (!writesVersion(e) || writesTombstone(e) || offset === undefined) return e;
      const mtimeMs = parseHlc(e.hlc).wallMs + offset;
      return { ...e, data: { ...e.data, fields: { ...e.data.fields, mtimeMs } } };
    });
  }

  it('whatever the delivery order and the replicas merged, with random and far-future mtimes', () => {
    let mtimeDecided = 0;
    check(
      fc.property(
        configArb({ maxOps: 40 }),
        fc.array(mtimeArb, { minLength: 1, maxLength: 40 }),
        fc.nat(),
        (config, offsets, seed) => {
          const history = simulate(config);
          const random = prng(seed);
          const events = withMtimes(history.events, offsets);
          for (const entityId of history.entityIds) {
            const mine = eventsOf(events, entityId);
            const expected = FileEntity.fromEvents(entityId, mine);
            const winner = expected.get().winner?.id;
            // The rule, from a naive model of the spec (test/support/crdtReference.ts).
            expect(entityProblems(expected, mine)).toEqual([]);
            expect(sameJson(expected.toJSON(), referenceEntity(entityId, mine))).toBe(true);
            for (let i = 0; i < 4; i++) {
              const delivered = shuffle(
                mine.flatMap((e) => (random() < 0.3 ? [e, e] : [e])),
                random,
              );
              expect(FileEntity.fromEvents(entityId, delivered).get().winner?.id).toBe(winner);
            }
            const replicas = Array.from({ length: 3 }, () =>
              FileEntity.fromEvents(
                entityId,
                shuffle(mine, random).filter(() => random() < 0.6),
              ),
            );
            const all = FileEntity.fromEvents(entityId, shuffle(mine, random));
            const merged = shuffle([...replicas, all], random).reduce((a, b) => a.merge(b));
            expect(merged.get().winner?.id).toBe(winner);
            expect(merged.equals(expected)).toBe(true);
            const live = expected.register.versions.filter((x) => x.value !== null);
            const byHlc = [...live].sort((a, b) => compareEncodedHlc(b.hlc, a.hlc))[0];
            if (byHlc && byHlc.id !== winner) mtimeDecided++;
          }
        },
      ),
      { numRuns: 500 },
    );
    // Cases where the modification time chose another winner than the hlc would have.
    expect(mtimeDecided).toBeGreaterThan(20);
  });
});
