import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileEntity, type FileEntityJson } from '../../../src-shared/crdt/fileEntity.js';
import { encodeHlc } from '../../../src-shared/crdt/hlc.js';
import { DIRECTORY_CONTENT, DIRECTORY_HASH } from '../../../src-shared/fileKinds.js';
import { VectorClock, type VectorClockJson } from '../../../src-shared/crdt/vectorClock.js';
import type { CrdtEvent, EventData } from '../../../src-shared/events/event.js';
import type { EventKind } from '../../../src-shared/events/eventTypes.js';
import { parseEvent, toWire } from '../../../src-shared/events/eventSchema.js';
import { createFreshDatabase, type FreshDatabase } from '../../../test/support/freshDatabase.js';
import { makeTempDir, type TempDir } from '../../../test/support/tempDir.js';
import * as q from './eventQueries.js';
import { EventStore } from './eventStore.js';
import { appliedVersions, loadMigrations, migrate } from './migrate.js';
import { openPgClient } from './pgClient.js';
import { openPgliteClient } from './pgliteClient.js';
import type { SqlClient, SqlExecutor } from './sqlClient.js';

/**
 * One event-store contract (STYLE.md "Tests", like emmett's), run against every
 * store the app uses: PGlite in memory, PGlite persisted in a data directory
 * (closed and reopened), and a real PostgreSQL server (a fresh database for
 * this file). Every test works in its own space, so the tests of one target
 * share a store without seeing each other.
 */

/**
 * How the suite may reach the store under test:
 * - `single`: every `openClient()` is a new store (in memory); the suite keeps one client.
 * - `sequential`: every `openClient()` opens the same store, one client at a time (a PGlite dir).
 * - `concurrent`: every `openClient()` opens the same store, any number at once (a server).
 */
export type Reach = 'single' | 'sequential' | 'concurrent';

const BASE_MS = Date.UTC(2026, 0, 15, 12, 0, 0);
const MIGRATION_COUNT = loadMigrations().length;

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const content = (text: string) => ({ hash: sha(text), size: text.length });

interface EventSpec {
  readonly space: string;
  readonly node: string;
  readonly seq: number;
  readonly entity?: string;
  readonly kind?: EventKind;
  readonly data?: EventData;
  readonly wallMs?: number;
  readonly clock?: VectorClockJson;
  readonly eventId?: string;
}

/** A valid event (checked with the same schema as a peer's), with defaults for what a test does not care about. */
function makeEvent(s: EventSpec): CrdtEvent {
  const kind = s.kind ?? 'FileCreated';
  const wallMs = s.wallMs ?? BASE_MS + s.seq * 1000;
  const data: EventData =
    s.data ??
    (kind === 'FileDeleted'
      ? {}
      : kind === 'FileUpdated'
        ? { fields: { mode: s.seq } }
        : { content: content(`${s.node}-${s.seq}`) });
  const event: CrdtEvent = {
    eventId: s.eventId ?? randomUUID(),
    spaceId: s.space,
    entityId: s.entity ?? 'docs/a.txt',
    kind,
    data,
    timestamp: new Date(wallMs).toISOString(),
    hlc: encodeHlc({ wallMs, counter: 0, nodeId: s.node }),
    nodeId: s.node,
    seq: s.seq,
    vectorClock: s.clock ?? { [s.node]: s.seq },
  };
  const parsed = parseEvent(toWire(event));
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

/** Small seeded PRNG (mulberry32): the seed is in the test name, so a failure replays. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A random multi-device history: each node writes with its own seq and clock,
 * and sometimes has seen the entity's latest clock first (a sync), so both
 * causal chains and concurrent siblings occur. Every kind of event appears.
 */
function randomHistory(seed: number, space: string, count: number): CrdtEvent[] {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const nodes = ['n-a', 'n-b', 'n-c'];
  const entities = ['a.txt', 'dir/b.md', 'dir/sub/c.bin'];
  const seqs = new Map<string, number>();
  const views = new Map<string, VectorClock>();
  const latest = new Map<string, VectorClock>();
  const events: CrdtEvent[] = [];
  for (let i = 0; i < count; i++) {
    const node = pick(nodes);
    const entity = pick(entities);
    const seq = (seqs.get(node) ?? 0) + 1;
    seqs.set(node, seq);
    let view = views.get(`${node}/${entity}`) ?? VectorClock.empty();
    if (random() < 0.5) view = view.merge(latest.get(entity) ?? VectorClock.empty());
    const clock = view.increment(node);
    views.set(`${node}/${entity}`, clock);
    latest.set(entity, (latest.get(entity) ?? VectorClock.empty()).merge(clock));
    const kind = pick<EventKind>([
      'FileCreated',
      'FileUpdated',
      'FileUpdated',
      'FileDeleted',
      'ConflictResolved',
    ]);
    const body = content(`v${Math.floor(random() * 4)}`);
    const data: EventData =
      kind === 'FileDeleted'
        ? {}
        : kind === 'ConflictResolved'
          ? { content: random() < 0.3 ? null : body }
          : kind === 'FileUpdated' && random() < 0.5
            ? { fields: { [pick(['mode', 'mtime', 'tag'])]: Math.floor(random() * 100) } }
            : { content: body, fields: { mode: Math.floor(random() * 8) } };
    events.push(
      makeEvent({
        space,
        node,
        seq,
        entity,
        kind,
        data,
        wallMs: BASE_MS + i * 37 + Math.floor(random() * 2000),
        clock: clock.toJSON(),
      }),
    );
  }
  return events;
}

/** A client whose transactions fail at the first statement `failWhen` matches (a crash mid-batch). */
function failingClient(client: SqlClient, failWhen: (sql: string) => boolean): SqlClient {
  const wrapTx = (tx: SqlExecutor): SqlExecutor => ({
    query<R>(text: string, params?: readonly unknown[]): Promise<R[]> {
      if (failWhen(text)) return Promise.reject(new Error('injected failure mid-transaction'));
      return tx.query<R>(text, params);
    },
    exec: (script) => tx.exec(script),
  });
  return {
    kind: client.kind,
    description: client.description,
    query: (text, params) => client.query(text, params),
    exec: (script) => client.exec(script),
    transaction: (fn) => client.transaction((tx) => fn(wrapTx(tx))),
    listen: (channel, onNotify) => client.listen(channel, onNotify),
    close: () => client.close(),
  };
}

const ids = (events: readonly CrdtEvent[]) => events.map((e) => e.eventId);
const newSpace = () => `sp-${randomUUID().slice(0, 8)}`;

/** Every snapshot of a space, by entity, as JSON. */
async function snapshotStates(
  store: EventStore,
  space: string,
): Promise<Map<string, FileEntityJson>> {
  const all = await store.listSnapshots(space, { limit: 100_000 });
  return new Map(all.map((e) => [e.entityId, e.toJSON()]));
}

export function describeEventStoreContract(
  name: string,
  openClient: () => Promise<SqlClient>,
  reach: Reach,
): void {
  describe(`EventStore contract: ${name}`, () => {
    let store: EventStore;

    beforeAll(async () => {
      store = await EventStore.open(await openClient());
    });
    afterAll(async () => {
      await store?.close();
    });

    /** Runs `fn` with a second store on the same data: its own client where the target allows one. */
    async function withOtherStore<T>(fn: (other: EventStore) => Promise<T>): Promise<T> {
      if (reach !== 'concurrent')
        return fn(await EventStore.open(store.client, { migrate: false }));
      const other = await EventStore.open(await openClient());
      try {
        return await fn(other);
      } finally {
        await other.close();
      }
    }

    /** Closes the store and opens it again (a restart); in memory, only re-runs open on the same client. */
    async function reopen(): Promise<void> {
      if (reach === 'single') {
        store = await EventStore.open(store.client);
        return;
      }
      await store.close();
      store = await EventStore.open(await openClient());
    }

    it('runs every migration on open and records each once; reopening applies none again', async () => {
      const expected = Array.from({ length: MIGRATION_COUNT }, (_, i) => i + 1);
      expect(await appliedVersions(store.client)).toEqual(expected);
      const ledger = async () =>
        store.client.query<{ version: number; checksum: string; applied_at: Date }>(
          'SELECT version, checksum, applied_at FROM schema_migrations ORDER BY version',
        );
      const before = await ledger();
      await reopen();
      expect(await migrate(store.client)).toEqual([]);
      expect(await ledger()).toEqual(before);
      expect(await appliedVersions(store.client)).toEqual(expected);
    });

    it('appends new events, updating snapshot and frontier, and reads them back', async () => {
      const space = newSpace();
      const e1 = makeEvent({ space, node: 'n1', seq: 1 });
      const e2 = makeEvent({ space, node: 'n1', seq: 2, kind: 'FileUpdated', clock: { n1: 2 } });
      const result = await store.append([e1, e2]);
      expect(ids(result.inserted)).toEqual([e1.eventId, e2.eventId]);
      expect(result.duplicates).toEqual([]);
      expect(result.seqConflicts).toEqual([]);
      expect(result.changes.map((c) => [c.entityId, c.before, c.after.get().exists])).toEqual([
        ['docs/a.txt', undefined, true],
      ]);
      expect(await store.getEvent(e1.eventId)).toEqual(e1);
      expect(await store.getEvent(e2.eventId)).toEqual(e2);
      expect(await store.countEvents(space)).toBe(2);
      expect(await store.getFrontier(space)).toEqual({ n1: 2 });
      expect(await store.maxSeq(space, 'n1')).toBe(2);
      const view = (await store.getSnapshot(space, 'docs/a.txt'))?.get();
      expect(view?.content).toEqual(e1.data.content);
      expect(view?.fields).toEqual({ mode: 2 });
      expect(view?.clock).toEqual({ n1: 2 });
      expect(await store.countSnapshots(space)).toEqual({
        entities: 1,
        files: 1,
        folders: 0,
        conflicts: 0,
      });
    });

    it('counts the folders among what exists apart, a deleted one not', async () => {
      const space = newSpace();
      // A folder's content is the fixed folder marker (src-shared/fileKinds.ts).
      const folder = {
        hash: 'ecba345e8643bf1030c5bdc3331882db40851e7d8759dba8c3b04cbeb3c0a887',
        size: 0,
      };
      await store.append([
        makeEvent({ space, node: 'n1', seq: 1, entity: 'docs', data: { content: folder } }),
        makeEvent({ space, node: 'n1', seq: 2, entity: 'docs/a.txt' }),
        makeEvent({ space, node: 'n1', seq: 3, entity: 'old', data: { content: folder } }),
        makeEvent({
          space,
          node: 'n1',
          seq: 4,
          entity: 'old',
          kind: 'FileDeleted',
          clock: { n1: 4 },
        }),
      ]);
      expect(await store.countSnapshots(space)).toEqual({
        entities: 3,
        files: 2,
        folders: 1,
        conflicts: 0,
      });
    });

    it('says which paths hold existing entities under them (byte order, deletes not counted)', async () => {
      const space = newSpace();
      const at = (seq: number, entity: string, kind: EventKind = 'FileCreated') =>
        makeEvent({ space, node: 'n1', seq, entity, kind, clock: { n1: seq } });
      await store.append([
        at(1, 'a/b/c.txt'),
        at(2, 'a-b/x.txt'),
        at(3, 'gone/x.txt'),
        at(4, 'gone/x.txt', 'FileDeleted'),
        at(5, 'ab0'),
        at(6, 'caf\u00e9/\u00fc.txt'),
      ]);
      const asked = ['a', 'a/b', 'a/b/c.txt', 'a-b', 'ab', 'gone', 'none', 'caf\u00e9', 'cafe'];
      const holding = await store.pathsHoldingEntities(space, asked);
      // 'ab' is not a folder of 'ab0', and 'gone' holds only a deleted file.
      expect([...holding].sort()).toEqual(['a', 'a-b', 'a/b', 'caf\u00e9']);
      expect(await store.pathsHoldingEntities(newSpace(), asked)).toEqual(new Set());
    });

    it('treats a known event_id as a no-op: reported as duplicate, nothing changes', async () => {
      const space = newSpace();
      const e1 = makeEvent({ space, node: 'n1', seq: 1 });
      await store.append([e1]);
      const snapshotBefore = await snapshotStates(store, space);
      const again = await store.append([e1]);
      expect(again).toEqual({ inserted: [], duplicates: [e1], seqConflicts: [], changes: [] });
      // The same event twice in one batch: the first is inserted, the second is a duplicate.
      const e2 = makeEvent({ space, node: 'n1', seq: 2, kind: 'FileUpdated', clock: { n1: 2 } });
      const twice = await store.append([e2, e2, e1]);
      expect(ids(twice.inserted)).toEqual([e2.eventId]);
      expect(ids(twice.duplicates)).toEqual([e2.eventId, e1.eventId]);
      expect(await store.countEvents(space)).toBe(2);
      expect(await store.getFrontier(space)).toEqual({ n1: 2 });
      expect((await snapshotStates(store, space)).get('docs/a.txt')?.clock).toEqual({ n1: 2 });
      expect(snapshotBefore.get('docs/a.txt')?.clock).toEqual({ n1: 1 });
    });

    it('reports a different event reusing (space, node, seq) as a seq conflict and stores nothing of it', async () => {
      const space = newSpace();
      const first = makeEvent({ space, node: 'n1', seq: 1 });
      await store.append([first]);
      const before = await snapshotStates(store, space);
      const impostor = makeEvent({ space, node: 'n1', seq: 1, entity: 'other.txt' });
      const result = await store.append([impostor]);
      expect(result).toEqual({
        inserted: [],
        duplicates: [],
        seqConflicts: [impostor],
        changes: [],
      });
      expect(await store.getEvent(impostor.eventId)).toBeUndefined();
      expect(await store.getSnapshot(space, 'other.txt')).toBeUndefined();
      expect(await snapshotStates(store, space)).toEqual(before);
      expect(await store.countEvents(space)).toBe(1);
      // The same (node, seq) in another space is no conflict: seqs are per space.
      const elsewhere = makeEvent({ space: newSpace(), node: 'n1', seq: 1 });
      expect(ids((await store.append([elsewhere])).inserted)).toEqual([elsewhere.eventId]);
    });

    it('stores nothing of a batch whose second half violates a constraint', async () => {
      const space = newSpace();
      await store.append([makeEvent({ space, node: 'n1', seq: 1 })]);
      const good = [2, 3].map((seq) =>
        makeEvent({ space, node: 'n1', seq, kind: 'FileUpdated', clock: { n1: seq } }),
      );
      const bad = [4, 5].map((seq) => ({
        ...makeEvent({ space, node: 'n1', seq, entity: `bad-${seq}.txt` }),
        // crdt_events.hlc is NOT NULL
        hlc: null as unknown as string,
      }));
      const snapshotBefore = await snapshotStates(store, space);
      await expect(store.append([...good, ...bad])).rejects.toThrow();
      expect(await store.countEvents(space)).toBe(1);
      expect(await store.getFrontier(space)).toEqual({ n1: 1 });
      expect(await snapshotStates(store, space)).toEqual(snapshotBefore);
      // The first half alone was fine.
      expect((await store.append(good)).inserted).toHaveLength(2);
    });

    it('rolls back the whole batch when the transaction fails after the insert', async () => {
      const space = newSpace();
      await store.append([makeEvent({ space, node: 'n1', seq: 1 })]);
      const snapshotBefore = await snapshotStates(store, space);
      const batch = [2, 3, 4].map((seq) =>
        makeEvent({ space, node: 'n1', seq, entity: `f${seq}.txt` }),
      );
      // The insert runs, then the snapshot write fails: events, snapshots and frontier must all roll back.
      const crashing = await EventStore.open(
        failingClient(store.client, (sql) => sql === q.UPSERT_SNAPSHOTS),
        { migrate: false },
      );
      await expect(crashing.append(batch)).rejects.toThrow('injected failure');
      expect(await store.countEvents(space)).toBe(1);
      for (const e of batch) expect(await store.getEvent(e.eventId)).toBeUndefined();
      expect(await store.getFrontier(space)).toEqual({ n1: 1 });
      expect(await snapshotStates(store, space)).toEqual(snapshotBefore);
      // Re-running the batch on a healthy client stores all of it.
      expect(ids((await store.append(batch)).inserted)).toEqual(ids(batch));
      expect(await store.getFrontier(space)).toEqual({ n1: 4 });
    });

    for (const seed of [1, 2, 3]) {
      it(`keeps snapshots equal to the fold of the log, and rebuild changes nothing (seed ${seed})`, async () => {
        const space = newSpace();
        const random = prng(seed * 7919);
        const history = randomHistory(seed, space, 60);
        // Random batches, each origin's events in order, with some re-sent events mixed in.
        for (let i = 0; i < history.length;) {
          const size = 1 + Math.floor(random() * 7);
          const batch = history.slice(i, i + size);
          if (i > 0 && random() < 0.3) batch.push(history[Math.floor(random() * i)] as CrdtEvent);
          await store.append(batch);
          i += size;
        }
        expect(await store.countEvents(space)).toBe(history.length);
        const before = await snapshotStates(store, space);
        const rebuilt = await store.rebuildSnapshots(space);
        const after = await snapshotStates(store, space);
        expect(after).toEqual(before);
        expect(new Map([...rebuilt].map(([id, e]) => [id, e.toJSON()]))).toEqual(before);
        // The fold in any order gives the same state (the log, not its order, is the truth).
        for (const [entityId, state] of before) {
          const events = history.filter((e) => e.entityId === entityId).reverse();
          expect(FileEntity.fromEvents(entityId, events).toJSON()).toEqual(state);
          expect(await store.eventsForEntity(space, entityId)).toHaveLength(events.length);
        }
        const nodes = [...new Set(history.map((e) => e.nodeId))];
        expect(await store.getFrontier(space)).toEqual(
          Object.fromEntries(nodes.map((n) => [n, history.filter((e) => e.nodeId === n).length])),
        );
      });
    }

    /** The counts as a reader would get them by counting every snapshot row (the spec). */
    const countedRows = async (space: string) =>
      (
        await store.client.query<Record<string, number>>(
          `SELECT count(*)::float8 AS entities, count(*) FILTER (WHERE file_exists)::float8 AS files,
             count(*) FILTER (WHERE file_exists AND content_hash = $2)::float8 AS folders,
             count(*) FILTER (WHERE has_conflict)::float8 AS conflicts
           FROM crdt_snapshots WHERE space_id = $1`,
          [space, DIRECTORY_HASH],
        )
      )[0];

    it('keeps the counts of files, folders and conflicts as snapshots change', async () => {
      const space = newSpace();
      const other = newSpace();
      await store.append([
        makeEvent({ space, node: 'n1', seq: 1, entity: 'a.txt' }),
        makeEvent({ space, node: 'n1', seq: 2, entity: 'b.txt' }),
        makeEvent({ space, node: 'n1', seq: 3, entity: 'd', data: { content: DIRECTORY_CONTENT } }),
        makeEvent({ space, node: 'n1', seq: 4, entity: 'd/c.txt' }),
      ]);
      await store.append([
        makeEvent({ space: other, node: 'n1', seq: 1, entity: 'elsewhere.txt' }),
      ]);
      expect(await store.countSnapshots(space)).toEqual({
        entities: 4,
        files: 4,
        folders: 1,
        conflicts: 0,
      });
      // b.txt deleted; a.txt written on n2 without having seen n1's version: a conflict.
      await store.append([
        makeEvent({
          space,
          node: 'n1',
          seq: 5,
          entity: 'b.txt',
          kind: 'FileDeleted',
          clock: { n1: 5 },
        }),
        makeEvent({
          space,
          node: 'n2',
          seq: 1,
          entity: 'a.txt',
          kind: 'FileUpdated',
          data: { content: content('n2') },
        }),
      ]);
      // One event at a time, as the scanner writes (the single-statement path).
      const base = await store.getSnapshotVersioned(space, 'e.txt');
      await store.appendLocal(makeEvent({ space, node: 'n1', seq: 6, entity: 'e.txt' }), base);
      const expected = { entities: 5, files: 4, folders: 1, conflicts: 1 };
      expect(await store.countSnapshots(space)).toEqual(expected);
      expect(await countedRows(space)).toEqual(expected);
      expect(await store.countSnapshots(other)).toEqual({
        entities: 1,
        files: 1,
        folders: 0,
        conflicts: 0,
      });

      // Rows removed or rewritten behind the store's back, then a rebuild: still what the rows say.
      await store.client.query(
        `DELETE FROM crdt_snapshots WHERE space_id = $1 AND entity_id = 'd'`,
        [space],
      );
      expect(await store.countSnapshots(space)).toEqual({
        entities: 4,
        files: 3,
        folders: 0,
        conflicts: 1,
      });
      await store.rebuildSnapshots(space);
      expect(await store.countSnapshots(space)).toEqual(expected);
    });

    it('counts stay exact over many writes, and their deltas are folded as they go', async () => {
      const space = newSpace();
      // 300 new files, one statement each: 300 deltas in a row, so one of them is a 256th.
      for (let seq = 1; seq <= 300; seq++)
        await store.append([makeEvent({ space, node: 'n0', seq, entity: `new-${seq}.txt` })]);
      const deltas = async () =>
        (
          await store.client.query<{ n: number }>(
            'SELECT count(*)::float8 AS n FROM crdt_snapshot_counts WHERE space_id = $1',
            [space],
          )
        )[0]?.n;
      expect(await deltas()).toBeLessThan(256);
      expect(await store.countSnapshots(space)).toEqual({
        entities: 300,
        files: 300,
        folders: 0,
        conflicts: 0,
      });
      // Deletes, updates, conflicts and resolutions of a random history: still the rows' counts.
      for (const event of randomHistory(7, space, 200)) await store.append([event]);
      expect(await store.countSnapshots(space)).toEqual(await countedRows(space));
      await store.rebuildSnapshots(space);
      expect(await store.countSnapshots(space)).toEqual(await countedRows(space));
    });

    it('rebuild repairs a snapshot table that drifted from the log', async () => {
      const space = newSpace();
      const history = randomHistory(42, space, 20);
      await store.append(history);
      const truth = await snapshotStates(store, space);
      await store.client.query(
        'DELETE FROM crdt_snapshots WHERE space_id = $1 AND entity_id = $2',
        [space, 'a.txt'],
      );
      await store.client.query(
        // `f`: the fields of a packed snapshot state (snapshotCodec.ts); the history sets some.
        `UPDATE crdt_snapshots SET state = jsonb_set(state, '{f}', '{}'::jsonb) WHERE space_id = $1`,
        [space],
      );
      expect(await snapshotStates(store, space)).not.toEqual(truth);
      await store.rebuildSnapshots(space);
      expect(await snapshotStates(store, space)).toEqual(truth);
    });

    it('answers queries by entity, event type (paged), time range and ingestion time', async () => {
      const space = newSpace();
      const events = [
        makeEvent({ space, node: 'n1', seq: 1, entity: 'a.txt' }),
        makeEvent({ space, node: 'n1', seq: 2, entity: 'b.txt' }),
        makeEvent({
          space,
          node: 'n1',
          seq: 3,
          entity: 'a.txt',
          kind: 'FileUpdated',
          clock: { n1: 3 },
        }),
        makeEvent({
          space,
          node: 'n1',
          seq: 4,
          entity: 'b.txt',
          kind: 'FileUpdated',
          clock: { n1: 4 },
        }),
        makeEvent({
          space,
          node: 'n1',
          seq: 5,
          entity: 'a.txt',
          kind: 'FileUpdated',
          clock: { n1: 5 },
        }),
      ];
      await store.append(events.slice(0, 3));
      // Ingestion time is the store's clock: take a point strictly after batch 1 and before batch 2.
      const dbNowMs = async () =>
        Number(
          (
            await store.client.query<{ ms: number }>(
              'SELECT (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS ms',
            )
          )[0]?.ms,
        );
      const since = new Date(Math.floor(await dbNowMs()) + 1);
      for (let i = 0; i < 1000 && (await dbNowMs()) <= since.getTime(); i++) {
        await new Promise((resolve) => setImmediate(resolve));
      }
      await store.append(events.slice(3));
      // Another space's events never show up.
      await store.append([makeEvent({ space: newSpace(), node: 'n1', seq: 1, entity: 'a.txt' })]);

      const pick = (...seqs: number[]) => seqs.map((s) => events[s - 1]);
      expect(await store.eventsForEntity(space, 'a.txt')).toEqual(pick(1, 3, 5));
      expect(await store.eventsForEntity(space, 'missing.txt')).toEqual([]);

      const page1 = await store.eventsByType(space, 'FileUpdated', { limit: 2 });
      expect(page1.events).toEqual(pick(3, 4));
      const page2 = await store.eventsByType(space, 'FileUpdated', {
        afterId: page1.lastId,
        limit: 2,
      });
      expect(page2.events).toEqual(pick(5));
      expect(page2.lastId).toBeGreaterThan(page1.lastId);
      const page3 = await store.eventsByType(space, 'FileUpdated', {
        afterId: page2.lastId,
        limit: 2,
      });
      expect(page3).toEqual({ events: [], lastId: page2.lastId });
      expect((await store.eventsByType(space, 'FileCreated')).events).toEqual(pick(1, 2));
      expect((await store.eventsByType(space, 'FileDeleted')).events).toEqual([]);

      // Event time: [from, to) on the wall-clock timestamp (seq s is at BASE_MS + s s).
      const at = (s: number) => new Date(BASE_MS + s * 1000);
      expect(await store.eventsInTimeRange(space, at(2), at(4))).toEqual(pick(2, 3));
      expect(await store.eventsInTimeRange(space, at(0), at(9), 2)).toEqual(pick(1, 2));

      const ingested = await store.eventsIngestedSince(space, since);
      expect(ingested.events).toEqual(pick(4, 5));
      expect((await store.eventsIngestedSince(space, new Date(0))).events).toEqual(events);
    });

    it('keeps the frontier at the highest contiguous seq per origin and reads above it in (origin, seq) order', async () => {
      const space = newSpace();
      const x = (seq: number) => makeEvent({ space, node: 'x-node', seq, entity: `x${seq}.txt` });
      const y = (seq: number) => makeEvent({ space, node: 'y-node', seq, entity: `y${seq}.txt` });
      const [x1, x2, x3, x4] = [x(1), x(2), x(3), x(4)];
      const [y1, y2] = [y(1), y(2)];
      await store.append([x1, x2, x4]);
      await store.append([y2]);
      expect(await store.getFrontier(space)).toEqual({ 'x-node': 2, 'y-node': 0 });
      expect(await store.countAboveFrontier(space, {})).toBe(4);

      const wire = (rows: { event_id: string; node_id: string; seq: number }[]) =>
        rows.map((r) => `${r.node_id}:${r.seq}`);
      expect(wire(await store.readAboveFrontier(space, {}, 100))).toEqual([
        'x-node:1',
        'x-node:2',
        'x-node:4',
        'y-node:2',
      ]);
      await store.append([x3, y1]);
      expect(await store.getFrontier(space)).toEqual({ 'x-node': 4, 'y-node': 2 });
      expect(wire(await store.readAboveFrontier(space, { 'x-node': 1 }, 100))).toEqual([
        'x-node:2',
        'x-node:3',
        'x-node:4',
        'y-node:1',
        'y-node:2',
      ]);
      expect(wire(await store.readAboveFrontier(space, { 'x-node': 1 }, 4))).toEqual([
        'x-node:2',
        'x-node:3',
        'x-node:4',
        'y-node:1',
      ]);
      expect(wire(await store.readAboveFrontier(space, { 'x-node': 4, 'y-node': 1 }, 100))).toEqual(
        ['y-node:2'],
      );
      expect(await store.readAboveFrontier(space, { 'x-node': 4, 'y-node': 2 }, 100)).toEqual([]);
      // Rows are the wire form: they validate as events and equal what was appended.
      const rows = await store.readAboveFrontier(space, { 'x-node': 2, 'y-node': 2 }, 100);
      expect(
        rows.map((r) => parseEvent({ ...r, timestamp: new Date(r.timestamp).toISOString() })),
      ).toEqual([
        { ok: true, value: x3 },
        { ok: true, value: x4 },
      ]);
      expect(await store.countAboveFrontier(space, { 'x-node': 3 })).toBe(3);
    });

    describe('appendLocal (the single-writer fast path)', () => {
      /** A chain of local writes to one entity by `node`, as CRDTManager makes them. */
      const localChain = (space: string, node: string, count: number, entity = 'doc.txt') =>
        Array.from({ length: count }, (_, i) =>
          makeEvent({
            space,
            node,
            seq: i + 1,
            entity,
            kind: i === 0 ? 'FileCreated' : 'FileUpdated',
            data: { content: content(`${node}-${i}`), fields: { rev: i } },
            clock: { [node]: i + 1 },
          }),
        );

      it('stores event, snapshot and frontier exactly as append does', async () => {
        const [fast, slow] = [newSpace(), newSpace()];
        let base = await store.getSnapshotVersioned(fast, 'doc.txt');
        expect(base).toEqual({ entity: undefined, version: null });
        for (const e of localChain(fast, 'n1', 4)) {
          const r = await store.appendLocal(e, base);
          if (r.status !== 'applied') throw new Error(`not applied: ${r.status}`);
          expect(r.change.before?.toJSON()).toEqual(base.entity?.toJSON());
          base = { entity: r.change.after, version: r.version };
          // What it returns is what it stored, at the version it reports.
          expect(await store.getSnapshotVersioned(fast, 'doc.txt')).toEqual({
            entity: FileEntity.fromJSON(r.change.after.toJSON()),
            version: r.version,
          });
        }
        for (const e of localChain(slow, 'n1', 4)) await store.append([e]);
        expect(await store.getFrontier(fast)).toEqual(await store.getFrontier(slow));
        expect(await store.getFrontier(fast)).toEqual({ n1: 4 });
        const strip = (es: readonly CrdtEvent[]) =>
          es.map(({ eventId: _e, spaceId: _s, ...rest }) => rest);
        expect(strip(await store.eventsForEntity(fast, 'doc.txt'))).toEqual(
          strip(await store.eventsForEntity(slow, 'doc.txt')),
        );
        expect((await store.rebuildSnapshots(fast)).get('doc.txt')?.toJSON()).toEqual(
          base.entity?.toJSON(),
        );
      });

      it('writes nothing when the snapshot changed since it was read (stale), then applies on a fresh read', async () => {
        const space = newSpace();
        const [mine, theirs] = [localChain(space, 'me', 2), localChain(space, 'peer', 1)];
        const first = await store.appendLocal(mine[0] as CrdtEvent, {
          entity: undefined,
          version: null,
        });
        if (first.status !== 'applied') throw new Error(first.status);
        // Another writer (a peer pushing into this store) changes the entity.
        await withOtherStore((other) => other.append(theirs));
        const cached = { entity: first.change.after, version: first.version };
        expect(await store.appendLocal(mine[1] as CrdtEvent, cached)).toEqual({ status: 'stale' });
        expect(await store.countEvents(space)).toBe(2);
        expect(await store.getFrontier(space)).toEqual({ me: 1, peer: 1 });
        // A guess that the entity has no snapshot yet is checked the same way.
        expect(
          await store.appendLocal(mine[1] as CrdtEvent, { entity: undefined, version: null }),
        ).toEqual({ status: 'stale' });
        expect(await store.countEvents(space)).toBe(2);

        const fresh = await store.getSnapshotVersioned(space, 'doc.txt');
        const r = await store.appendLocal(mine[1] as CrdtEvent, fresh);
        expect(r.status).toBe('applied');
        expect(await store.getFrontier(space)).toEqual({ me: 2, peer: 1 });
        expect((await store.getSnapshot(space, 'doc.txt'))?.toJSON()).toEqual(
          FileEntity.fromEvents('doc.txt', [...mine, ...theirs]).toJSON(),
        );
      });

      it('reports a taken seq or a known event id and leaves snapshot and log untouched', async () => {
        const space = newSpace();
        const [e1, e2] = localChain(space, 'n1', 2) as [CrdtEvent, CrdtEvent];
        const r1 = await store.appendLocal(e1, { entity: undefined, version: null });
        if (r1.status !== 'applied') throw new Error(r1.status);
        const base = { entity: r1.change.after, version: r1.version };
        const before = await store.getSnapshotVersioned(space, 'doc.txt');
        expect(await store.appendLocal({ ...e2, seq: 1 }, base)).toEqual({
          status: 'seqConflict',
        });
        expect(await store.appendLocal({ ...e2, eventId: e1.eventId }, base)).toEqual({
          status: 'duplicate',
        });
        // The snapshot write of those statements was undone with them: same row, same version.
        expect(await store.getSnapshotVersioned(space, 'doc.txt')).toEqual(before);
        expect(await store.countEvents(space)).toBe(1);
        expect(await store.getFrontier(space)).toEqual({ n1: 1 });
        expect((await store.appendLocal(e2, base)).status).toBe('applied');
      });

      it('advances the frontier as append does, across gaps and events held above it', async () => {
        const space = newSpace();
        const ev = (seq: number) => makeEvent({ space, node: 'g', seq, entity: `g${seq}.txt` });
        const local = async (e: CrdtEvent) => {
          const r = await store.appendLocal(e, { entity: undefined, version: null });
          expect(r.status).toBe('applied');
        };
        await local(ev(2)); // no event 1 yet: nothing is contiguous
        expect(await store.getFrontier(space)).toEqual({ g: 0 });
        await store.append([ev(1)]);
        expect(await store.getFrontier(space)).toEqual({ g: 2 });
        await store.append([ev(4), ev(5)]); // held above a gap at 3
        expect(await store.getFrontier(space)).toEqual({ g: 2 });
        await local(ev(3)); // fills the gap: the frontier runs through the held events
        expect(await store.getFrontier(space)).toEqual({ g: 5 });
        await local(ev(7));
        expect(await store.getFrontier(space)).toEqual({ g: 5 });
        await local(ev(6));
        expect(await store.getFrontier(space)).toEqual({ g: 7 });
        expect(await store.countAboveFrontier(space, { g: 5 })).toBe(2);
      });

      it('wakes listeners like append', async () => {
        const space = newSpace();
        let wake: () => void = () => undefined;
        const arrived = new Promise<void>((resolve) => {
          wake = resolve;
        });
        const unlisten = await store.listen((s) => {
          if (s === space) wake();
        });
        try {
          const e = localChain(space, 'n1', 1)[0] as CrdtEvent;
          await store.appendLocal(e, { entity: undefined, version: null });
          await within(10_000, arrived, 'no notification for appendLocal');
        } finally {
          await unlisten();
        }
      });
    });

    it('a named statement returns the same rows as the unnamed one', async () => {
      const sql = `SELECT $1::text AS t, $2::boolean AS b, $3::bigint AS i, $4::float8 AS f,
        $5::jsonb AS j, $6::timestamptz AS ts, NULL::text AS n, $7::text[] AS a`;
      const params = [
        'x',
        true,
        42,
        1.5,
        JSON.stringify({ k: [1, 'v'] }),
        '2026-01-15T12:00:00.000Z',
        ['p', 'q'],
      ];
      const plain = await store.client.query(sql, params);
      expect(await store.client.query(sql, params, { name: 'contract_types' })).toEqual(plain);
      // Again (prepared by now), and inside a transaction.
      expect(await store.client.query(sql, params, { name: 'contract_types' })).toEqual(plain);
      expect(
        await store.client.transaction((tx) => tx.query(sql, params, { name: 'contract_types' })),
      ).toEqual(plain);
    });

    it('calls listen() when another writer appends to the store', async () => {
      const space = newSpace();
      const heard: string[] = [];
      let wake: () => void = () => undefined;
      const arrived = new Promise<void>((resolve) => {
        wake = resolve;
      });
      const unlisten = await store.listen((s) => {
        heard.push(s);
        if (s === space) wake();
      });
      try {
        await withOtherStore((other) => other.append([makeEvent({ space, node: 'n1', seq: 1 })]));
        await within(10_000, arrived, 'no notification for the append');
        expect(heard).toContain(space);
      } finally {
        await unlisten();
      }
    });

    it('keeps the snapshot equal to a rebuild under concurrent appends from two clients to one entity', async () => {
      const space = newSpace();
      const writer = (node: string, count: number) =>
        Array.from({ length: count }, (_, i) =>
          makeEvent({
            space,
            node,
            seq: i + 1,
            entity: 'shared.txt',
            kind: i === 0 ? 'FileCreated' : 'FileUpdated',
            data: { content: content(`${node}-${i}`), fields: { [node]: i } },
            wallMs: BASE_MS + i * 10 + (node === 'w-a' ? 0 : 5),
            clock: { [node]: i + 1 },
          }),
        );
      const a = writer('w-a', 24);
      const b = writer('w-b', 24);
      const appendInSmallBatches = async (target: EventStore, events: CrdtEvent[]) => {
        for (let i = 0; i < events.length; i += 3) await target.append(events.slice(i, i + 3));
      };
      await withOtherStore((other) =>
        Promise.all([appendInSmallBatches(store, a), appendInSmallBatches(other, b)]),
      );
      expect(await store.countEvents(space)).toBe(48);
      expect(await store.getFrontier(space)).toEqual({ 'w-a': 24, 'w-b': 24 });
      const live = (await store.getSnapshot(space, 'shared.txt'))?.toJSON();
      const rebuilt = (await store.rebuildSnapshots(space)).get('shared.txt')?.toJSON();
      expect(live).toEqual(rebuilt);
      expect(live).toEqual(FileEntity.fromEvents('shared.txt', [...b, ...a]).toJSON());
      // Two concurrent chains: the LWW maximum wins, the other chain's head is a sibling.
      const view = (await store.getSnapshot(space, 'shared.txt'))?.get();
      expect(view?.content).toEqual(content('w-b-23'));
      expect(view?.conflicts.map((c) => c.value)).toEqual([content('w-a-23')]);
      expect(view?.fields).toEqual({ 'w-a': 23, 'w-b': 23 });
    });

    if (reach !== 'single') {
      it('keeps events, frontier and snapshots across a reopen', async () => {
        const space = newSpace();
        const history = randomHistory(7, space, 15);
        await store.append(history);
        const frontier = await store.getFrontier(space);
        const snapshots = await snapshotStates(store, space);
        await reopen();
        expect(await store.countEvents(space)).toBe(history.length);
        expect(await store.getFrontier(space)).toEqual(frontier);
        expect(await snapshotStates(store, space)).toEqual(snapshots);
        for (const e of history.slice(0, 3)) expect(await store.getEvent(e.eventId)).toEqual(e);
      });
    }
  });
}

/** Resolves when `promise` does, or fails after `ms` with `what`. */
async function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

// ---- the targets -------------------------------------------------------------

describeEventStoreContract('PGlite in memory', () => openPgliteClient(), 'single');

let dataDir: TempDir | undefined;
describeEventStoreContract(
  'PGlite persisted in a data dir',
  async () => openPgliteClient((dataDir ??= await makeTempDir('netguardian-store-')).path),
  'sequential',
);
afterAll(async () => {
  await dataDir?.cleanup();
});

let db: FreshDatabase | undefined;
describeEventStoreContract(
  'PostgreSQL server',
  async () => {
    db ??= await createFreshDatabase('eventstore_contract');
    return openPgClient({ connectionString: db.url, applicationName: 'eventstore-contract' });
  },
  'concurrent',
);
afterAll(async () => {
  await db?.drop();
});
