import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileEntity } from '../../../src-shared/crdt/fileEntity.js';
import { encodeHlc } from '../../../src-shared/crdt/hlc.js';
import type { VectorClockJson } from '../../../src-shared/crdt/vectorClock.js';
import type { CrdtEvent, EventData } from '../../../src-shared/events/event.js';
import type { EventKind } from '../../../src-shared/events/eventTypes.js';
import { parseEvent, toWire } from '../../../src-shared/events/eventSchema.js';
import { createFreshDatabase, type FreshDatabase } from '../../../test/support/freshDatabase.js';
import { CRDTManager } from '../crdtManager.js';
import { SyncEngine } from '../syncEngine.js';
import { DAY_MS } from './compaction.js';
import { EventStore } from './eventStore.js';
import { openPgClient } from './pgClient.js';
import { openPgliteClient } from './pgliteClient.js';
import type { SqlClient } from './sqlClient.js';

/**
 * Event-log compaction (issue 14 point 5) and the catch-up of a store whose frontier falls below
 * a peer's compaction point, on PGlite and on a real PostgreSQL server. Expected outcomes are
 * written out from the rule (a version superseded by a version older than the window goes), not
 * read from the code.
 */

const DAY0 = Date.UTC(2026, 0, 1);
const NOW = DAY0 + 45 * DAY_MS;
/** The window: 30 days before NOW. */
const CUTOFF = NOW - 30 * DAY_MS;
const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const content = (text: string) => ({ hash: sha(text), size: text.length });

interface Spec {
  readonly node: string;
  readonly seq: number;
  readonly entity: string;
  readonly kind?: EventKind;
  readonly data?: EventData;
  readonly day: number;
  readonly clock: VectorClockJson;
}

function event(space: string, s: Spec): CrdtEvent {
  const wallMs = DAY0 + s.day * DAY_MS;
  const e: CrdtEvent = {
    eventId: randomUUID(),
    spaceId: space,
    entityId: s.entity,
    kind: s.kind ?? 'FileUpdated',
    data: s.data ?? {},
    timestamp: new Date(wallMs).toISOString(),
    hlc: encodeHlc({ wallMs, counter: 0, nodeId: s.node }),
    nodeId: s.node,
    seq: s.seq,
    vectorClock: s.clock,
  };
  const parsed = parseEvent(toWire(e));
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

/**
 * The hand-made history. a.txt: A creates it (e1) and edits it (e2), sets its mode (e3, no
 * content), edits it again (e4); B, having seen e2 only, edits it too (e5): e4 and e5 are
 * siblings. b.txt: A's fifth change, recent. c.txt: created once, long ago. d.txt: created long
 * ago, edited within the window.
 */
function history(space: string) {
  const e = {
    e1: event(space, {
      node: 'A',
      seq: 1,
      entity: 'a.txt',
      kind: 'FileCreated',
      data: { content: content('v1') },
      day: 0,
      clock: { A: 1 },
    }),
    e2: event(space, {
      node: 'A',
      seq: 2,
      entity: 'a.txt',
      data: { content: content('v2') },
      day: 1,
      clock: { A: 2 },
    }),
    e3: event(space, {
      node: 'A',
      seq: 3,
      entity: 'a.txt',
      data: { fields: { mode: 0o600 } },
      day: 2,
      clock: { A: 3 },
    }),
    e4: event(space, {
      node: 'A',
      seq: 4,
      entity: 'a.txt',
      data: { content: content('v4') },
      day: 3,
      clock: { A: 4 },
    }),
    e5: event(space, {
      node: 'B',
      seq: 1,
      entity: 'a.txt',
      data: { content: content('v5') },
      day: 4,
      clock: { A: 2, B: 1 },
    }),
    b1: event(space, {
      node: 'A',
      seq: 5,
      entity: 'b.txt',
      kind: 'FileCreated',
      data: { content: content('b') },
      day: 40,
      clock: { A: 1 },
    }),
    c1: event(space, {
      node: 'B',
      seq: 2,
      entity: 'c.txt',
      kind: 'FileCreated',
      data: { content: content('c') },
      day: 1,
      clock: { B: 1 },
    }),
    d1: event(space, {
      node: 'B',
      seq: 3,
      entity: 'd.txt',
      kind: 'FileCreated',
      data: { content: content('d1') },
      day: 2,
      clock: { B: 1 },
    }),
    d2: event(space, {
      node: 'B',
      seq: 4,
      entity: 'd.txt',
      data: { content: content('d2') },
      day: 20,
      clock: { B: 2 },
    }),
    b2: event(space, {
      node: 'B',
      seq: 5,
      entity: 'b.txt',
      data: { content: content('b2') },
      day: 41,
      clock: { A: 1, B: 1 },
    }),
  };
  return e;
}

const ids = async (store: EventStore, space: string) => {
  const out: string[] = [];
  for await (const page of store.allEvents(space)) out.push(...page.map((e) => e.eventId));
  return out.sort();
};

const snapshots = async (store: EventStore, space: string) =>
  new Map(
    [...(await store.getSnapshots(space, ['a.txt', 'b.txt', 'c.txt', 'd.txt']))].map(([id, e]) => [
      id,
      JSON.stringify(e.toJSON()),
    ]),
  );

function describeCompaction(name: string, open: () => Promise<SqlClient>) {
  describe(`event-log compaction on ${name}`, () => {
    let store: EventStore;
    beforeAll(async () => {
      store = await EventStore.open(await open());
    });
    afterAll(async () => {
      await store?.close();
    });

    it('deletes exactly the versions superseded before the window, and the state stays', async () => {
      const space = `s-${randomUUID().slice(0, 8)}`;
      const e = history(space);
      await store.append(Object.values(e));
      const before = await snapshots(store, space);

      const report = await store.compact(space, { cutoffMs: CUTOFF });

      // e1, e2 (dominated by e4 and e5) and e3 (dominated by e4) go; e4 and e5 are the file's
      // siblings; c1 is alone; d1 was superseded by d2, within the window; b.txt is recent.
      expect(report).toEqual({ entities: 1, pruned: 3 });
      expect(await ids(store, space)).toEqual(
        [e.e4, e.e5, e.b1, e.c1, e.d1, e.d2, e.b2].map((x) => x.eventId).sort(),
      );
      expect(await store.compactedThrough(space)).toEqual({ A: 3 });
      expect(await snapshots(store, space)).toEqual(before);
      const a = (await store.getSnapshot(space, 'a.txt'))?.get();
      expect(a?.fields).toEqual({ mode: 0o600 });
      expect([a?.content?.hash, ...(a?.conflicts ?? []).map((c) => c.value?.hash)].sort()).toEqual(
        [sha('v4'), sha('v5')].sort(),
      );
      // The log (with the base) is still the source of truth.
      const rebuilt = await store.rebuildSnapshots(space);
      expect(new Map([...rebuilt].map(([id, x]) => [id, JSON.stringify(x.toJSON())]))).toEqual(
        before,
      );
      expect(JSON.stringify((await store.foldEntity(space, 'a.txt')).toJSON())).toBe(
        before.get('a.txt'),
      );
      // A second run finds nothing more, and an origin's next seq is unchanged.
      expect(await store.compact(space, { cutoffMs: CUTOFF })).toEqual({ entities: 0, pruned: 0 });
      expect(await store.maxSeq(space, 'A')).toBe(5);
    });

    it('keeps what the limits and the frontier protect', async () => {
      const space = `s-${randomUUID().slice(0, 8)}`;
      const e = history(space);
      await store.append(Object.values(e));
      // A's events up to seq 1 only (a device's own, as far as its hub acknowledged them).
      expect(await store.compact(space, { cutoffMs: CUTOFF, limits: { A: 1 } })).toEqual({
        entities: 1,
        pruned: 1,
      });
      expect(await store.eventIdAt(space, 'A', 1)).toBeUndefined();
      expect(await store.eventIdAt(space, 'A', 2)).toBe(e.e2.eventId);

      // An origin with a gap: its frontier stays at 1, so none of its events go.
      const gap = `s-${randomUUID().slice(0, 8)}`;
      await store.append([
        event(gap, {
          node: 'C',
          seq: 1,
          entity: 'x',
          kind: 'FileCreated',
          data: { content: content('x1') },
          day: 0,
          clock: { C: 1 },
        }),
        event(gap, {
          node: 'C',
          seq: 3,
          entity: 'x',
          data: { content: content('x3') },
          day: 2,
          clock: { C: 3 },
        }),
        event(gap, {
          node: 'C',
          seq: 4,
          entity: 'y',
          kind: 'FileCreated',
          data: { content: content('y') },
          day: 40,
          clock: { C: 1 },
        }),
      ]);
      expect(await store.compact(gap, { cutoffMs: CUTOFF })).toEqual({ entities: 0, pruned: 0 });
    });

    it('a store below the compaction point catches up from the states, then from events', async () => {
      const space = `s-${randomUUID().slice(0, 8)}`;
      const e = history(space);
      await store.append(Object.values(e));
      await store.compact(space, { cutoffMs: CUTOFF });
      const device = await EventStore.open(await openPgliteClient());
      try {
        const manager = await CRDTManager.open({
          store: device,
          spaceId: space,
          nodeId: 'D',
          now: () => NOW,
        });
        // What the materializer is handed: every file the states brought, as for pulled events.
        const handed: string[] = [];
        const engine = new SyncEngine({
          manager,
          remote: store,
          afterPullBatch: (report) => {
            handed.push(...report.changes.map((c) => c.entityId));
            return Promise.resolve();
          },
        });
        const first = await engine.pullSync();
        expect(first.error).toBeNull();
        expect([...new Set(handed)].sort()).toEqual(['a.txt', 'b.txt', 'c.txt', 'd.txt']);
        expect(await snapshots(device, space)).toEqual(await snapshots(store, space));
        expect(await device.getFrontier(space)).toEqual({ A: 5, B: 5 });
        // The device holds the events above the compaction point that it pulled, and the base
        // of every state it took: its own rebuild gives the same state.
        const rebuilt = await device.rebuildSnapshots(space);
        expect(new Map([...rebuilt].map(([id, x]) => [id, JSON.stringify(x.toJSON())]))).toEqual(
          await snapshots(store, space),
        );
        // Later events arrive as events.
        const later = event(space, {
          node: 'B',
          seq: 6,
          entity: 'c.txt',
          data: { content: content('c2') },
          day: 44,
          clock: { B: 2 },
        });
        await store.append([later]);
        const second = await engine.pullSync();
        expect(second.received).toBe(1);
        expect((await device.getSnapshot(space, 'c.txt'))?.get().content?.hash).toBe(sha('c2'));
        expect(await device.getFrontier(space)).toEqual({ A: 5, B: 6 });
        await engine.close();
      } finally {
        await device.close();
      }
    });

    it('holds a malformed state aside by reason, and rebuilds the siblings of a state itself', async () => {
      const space = `s-${randomUUID().slice(0, 8)}`;
      const device = await EventStore.open(await openPgliteClient());
      try {
        const manager = await CRDTManager.open({
          store: device,
          spaceId: space,
          nodeId: 'D',
          now: () => NOW,
        });
        const good = FileEntity.fromEvents('ok.txt', [
          event(space, {
            node: 'A',
            seq: 1,
            entity: 'ok.txt',
            kind: 'FileCreated',
            data: { content: content('1') },
            day: 0,
            clock: { A: 1 },
          }),
        ]).toJSON();
        const v = (id: string, clock: VectorClockJson, text: string) => ({
          id,
          nodeId: 'A',
          hlc: encodeHlc({ wallMs: DAY0, counter: 0, nodeId: 'A' }),
          timestamp: new Date(DAY0).toISOString(),
          clock,
          value: content(text),
        });
        // Two "siblings" one of which dominates the other: only the newer may stay.
        const lying = {
          ...good,
          entityId: 'lie.txt',
          versions: [v('old', { A: 1 }, 'old'), v('new', { A: 2 }, 'new')],
        };
        const broken = { ...good, entityId: '../escape.txt' };
        const report = await manager.mergePeerStates([good, lying, broken, 'nonsense'], 'peer');
        expect(report.applied).toBe(2);
        expect(report.quarantined.map((q) => q.code)).toEqual(['InvalidPath', 'InvalidEvent']);
        const lie = await device.getSnapshot(space, 'lie.txt');
        expect(lie?.register.versions.map((x) => x.id)).toEqual(['new']);
        expect(await manager.quarantine.count(space)).toBe(2);
      } finally {
        await device.close();
      }
    });
  });
}

let db: FreshDatabase | undefined;
describeCompaction('PGlite', () => openPgliteClient());
describeCompaction('PostgreSQL', async () => {
  db ??= await createFreshDatabase('compaction');
  return openPgClient({ connectionString: db.url, applicationName: 'compaction-test' });
});
afterAll(async () => {
  await db?.drop();
});
