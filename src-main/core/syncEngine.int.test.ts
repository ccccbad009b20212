import { createHash, randomUUID } from 'node:crypto';
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeHlc } from '../../src-shared/crdt/hlc.js';
import type { ContentRef, CrdtEvent } from '../../src-shared/events/event.js';
import { createFreshDatabase, type FreshDatabase } from '../../test/support/freshDatabase.js';
import { makeTempDir, type TempDir } from '../../test/support/tempDir.js';
import { CRDTManager } from './crdtManager.js';
import * as q from './store/eventQueries.js';
import { EventStore } from './store/eventStore.js';
import { openPgClient } from './store/pgClient.js';
import { openPgliteClient } from './store/pgliteClient.js';
import type { SqlClient, SqlExecutor } from './store/sqlClient.js';
import { SyncLog } from './store/syncLog.js';
import {
  SyncEngine,
  type SyncEngineOptions,
  type SyncProgress,
  type SyncReport,
} from './syncEngine.js';

/**
 * SyncEngine between two devices (PGlite, each its own store) and a hub
 * (EventStore on a real PostgreSQL server, a fresh database for this file).
 * Every test works in its own space, so tests share the stores without
 * seeing each other. Waits are on the engine's own reports (`onSynced`) or a
 * bounded poll of the outcome, never a fixed sleep.
 */

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const body = (text: string): ContentRef => ({ hash: sha(text), size: text.length });

let db: FreshDatabase;
let hub: EventStore;
let root: TempDir;
const deviceStores: EventStore[] = [];

beforeAll(async () => {
  db = await createFreshDatabase('sync_engine');
  hub = await EventStore.open(
    await openPgClient({ connectionString: db.url, applicationName: 'hub' }),
  );
  // One PGlite initdb, then copies of its data directory: a new PGlite costs seconds of CPU.
  root = await makeTempDir('netguardian-sync-');
  const template = join(root.path, 'template');
  await (await EventStore.open(await openPgliteClient(template))).close();
  for (const name of ['device-a', 'device-b']) {
    await cp(template, join(root.path, name), { recursive: true });
    deviceStores.push(await EventStore.open(await openPgliteClient(join(root.path, name))));
  }
});

afterAll(async () => {
  await Promise.all(deviceStores.map((s) => s.close()));
  await hub?.close();
  await db?.drop();
  await root?.cleanup();
});

interface Device {
  readonly manager: CRDTManager;
  readonly engine: SyncEngine;
  readonly store: EventStore;
  /** Every report this engine's runs produced, in order. */
  readonly reports: SyncReport[];
  readonly progress: SyncProgress[];
}

const engines: SyncEngine[] = [];
afterAll(async () => {
  await Promise.all(engines.map((e) => e.close()));
});

type EngineOptions = Partial<Omit<SyncEngineOptions, 'manager' | 'onSynced' | 'onProgress'>>;

async function openDevice(
  index: 0 | 1,
  spaceId: string,
  options: EngineOptions = {},
): Promise<Device> {
  const store = deviceStores[index] as EventStore;
  const manager = await CRDTManager.open({ store, spaceId, nodeId: `dev-${'ab'[index]}` });
  return attach(manager, options);
}

/** A (further) engine for a device's manager, e.g. one whose hub connection fails. */
function attach(manager: CRDTManager, options: EngineOptions = {}): Device {
  const reports: SyncReport[] = [];
  const progress: SyncProgress[] = [];
  const engine = new SyncEngine({
    manager,
    remote: hub,
    ...options,
    onSynced: (r) => reports.push(r),
    onProgress: (p) => progress.push(p),
  });
  engines.push(engine);
  return { manager, engine, store: manager.store, reports, progress };
}

async function pair(options: EngineOptions = {}): Promise<[Device, Device, string]> {
  const space = `sp-${randomUUID().slice(0, 8)}`;
  return [await openDevice(0, space, options), await openDevice(1, space, options), space];
}

function unwrap<T>(r: { ok: true; value: T } | { ok: false; error: Error }): T {
  if (!r.ok) throw r.error;
  return r.value;
}

async function createFiles(d: Device, prefix: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++)
    unwrap(
      await d.manager.createFileState(`${prefix}/${i}.txt`, { content: body(`${prefix}${i}`) }),
    );
}

/** Every event of a space in a store, by id (the wire rows, in (origin, seq) order). */
async function eventIds(store: EventStore, space: string): Promise<string[]> {
  return (await store.readAboveFrontier(space, {}, 1_000_000)).map((r) => r.event_id).sort();
}

async function states(store: EventStore, space: string) {
  return (await store.listSnapshots(space, { limit: 100_000 })).map((e) => e.toJSON());
}

/** Event ids stored more than once in a store (must always be empty). */
async function duplicateRows(client: SqlClient, space: string): Promise<unknown[]> {
  return client.query(
    `SELECT event_id, count(*) FROM crdt_events WHERE space_id = $1 GROUP BY event_id HAVING count(*) > 1`,
    [space],
  );
}

/** Polls `probe` until it returns a value other than undefined/false, for at most `ms`. */
async function eventually<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  ms = 15_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A hub client whose transactions or queries fail when `fail` says so (a connection dying mid-run). */
function flakyHub(fail: {
  transaction?: (n: number) => boolean;
  query?: (sql: string, n: number) => boolean;
}): SqlClient {
  const inner = hub.client;
  let transactions = 0;
  let queries = 0;
  return {
    kind: inner.kind,
    description: inner.description,
    query: (text, params) => {
      queries += 1;
      if (fail.query?.(text, queries))
        return Promise.reject(new Error('hub connection lost (injected)'));
      return inner.query(text, params);
    },
    exec: (script) => inner.exec(script),
    transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      transactions += 1;
      if (!fail.transaction?.(transactions)) return inner.transaction(fn);
      // The work runs, then the process dies before COMMIT: everything of this batch rolls back.
      return inner.transaction(async (tx) => {
        await fn(tx);
        throw new Error('hub connection lost before commit (injected)');
      });
    },
    listen: (channel, onNotify) => inner.listen(channel, onNotify),
    // The wrapper never closes the shared hub.
    close: () => Promise.resolve(),
  };
}

describe('SyncEngine: moving events', () => {
  it('push, pull and bidirectional sync move exactly the missing events', async () => {
    const [a, b, space] = await pair();
    await createFiles(a, 'a', 5);
    expect(await a.engine.pushSync()).toMatchObject({
      direction: 'push',
      sent: 5,
      received: 0,
      error: null,
    });
    expect(await hub.countEvents(space)).toBe(5);
    expect((await a.engine.pushSync()).sent).toBe(0);

    expect(await b.engine.pullSync()).toMatchObject({
      direction: 'pull',
      sent: 0,
      received: 5,
      error: null,
    });
    expect((await b.engine.pullSync()).received).toBe(0);
    expect(await states(b.store, space)).toEqual(await states(a.store, space));

    unwrap(await b.manager.updateFileState('a/0.txt', { content: body('b-edit') }));
    unwrap(await b.manager.deleteFileState('a/1.txt'));
    unwrap(await b.manager.createFileState('b/new.txt', { content: body('b-new') }));
    expect((await b.engine.pushSync()).sent).toBe(3);
    unwrap(await a.manager.createFileState('a/late.txt', { content: body('a-late') }));
    expect(await a.engine.bidirectionalSync()).toMatchObject({
      direction: 'bidirectional',
      sent: 1,
      received: 3,
    });
    expect(await b.engine.bidirectionalSync()).toMatchObject({ sent: 0, received: 1 });
    expect(await a.engine.bidirectionalSync()).toMatchObject({ sent: 0, received: 0 });

    // All three stores hold the same 9 events and the same state.
    const ids = await eventIds(hub, space);
    expect(ids).toHaveLength(9);
    expect(await eventIds(a.store, space)).toEqual(ids);
    expect(await eventIds(b.store, space)).toEqual(ids);
    expect(await states(a.store, space)).toEqual(await states(b.store, space));
    expect(await states(hub, space)).toEqual(await states(a.store, space));
    expect(await a.manager.getFileState('a/1.txt')).toMatchObject({ exists: false });
  });

  it('sends 50 events in batches of 7, each batch one transaction, all arriving', async () => {
    const [a, b, space] = await pair({ batchSize: 7 });
    await createFiles(a, 'many', 50);
    const pushed = await a.engine.pushSync();
    expect(pushed).toMatchObject({ sent: 50, batches: 8, error: null });
    expect(a.progress.map((p) => p.done)).toEqual([7, 14, 21, 28, 35, 42, 49, 50]);
    expect(a.progress.every((p) => p.direction === 'push' && p.total === 50)).toBe(true);
    const pulled = await b.engine.pullSync();
    expect(pulled).toMatchObject({ received: 50, batches: 8, error: null });
    expect(b.progress.at(-1)).toEqual({ direction: 'pull', done: 50, total: 50 });
    expect(await b.store.getFrontier(space)).toEqual({ 'dev-a': 50 });
    expect(await eventIds(b.store, space)).toEqual(await eventIds(a.store, space));
    expect(await states(b.store, space)).toEqual(await states(a.store, space));
  });

  it('writes a pulled batch while the next is stored: one at a time, in order, the run waits for the last', async () => {
    const log: string[] = [];
    let writing = 0;
    let maxWriting = 0;
    let storedWhileWriting = 0;
    const [a, , space] = await pair({ batchSize: 7 });
    await createFiles(a, 'overlap', 20);
    expect((await a.engine.pushSync()).sent).toBe(20);
    const b = await openDevice(1, space, {
      batchSize: 7,
      afterPullBatch: async (report) => {
        writing += 1;
        maxWriting = Math.max(maxWriting, writing);
        log.push(`write ${report.applied}`);
        const stored = await b.store.getFrontier(space);
        // Long enough for the next batch to be read and stored meanwhile.
        await eventually('the next batch stored (or none left)', async () => {
          const now = await b.store.getFrontier(space);
          return (now['dev-a'] ?? 0) > (stored['dev-a'] ?? 0) || (now['dev-a'] ?? 0) === 20;
        });
        if (((await b.store.getFrontier(space))['dev-a'] ?? 0) > (stored['dev-a'] ?? 0))
          storedWhileWriting += 1;
        writing -= 1;
        log.push(`wrote ${report.applied}`);
      },
    });
    const pulled = await b.engine.pullSync();
    expect(pulled).toMatchObject({ received: 20, batches: 3, error: null });
    expect(log).toEqual(['write 7', 'wrote 7', 'write 7', 'wrote 7', 'write 6', 'wrote 6']);
    expect(maxWriting).toBe(1);
    // Batches 2 and 3 were stored while 1 and 2 were written.
    expect(storedWhileWriting).toBe(2);
    // Progress counts a batch once written; the last report comes after the last write.
    expect(b.progress.map((p) => p.done)).toEqual([7, 14, 20]);

    // A write that fails fails the run; no later batch is written.
    await createFiles(a, 'overlap-2', 10);
    await a.engine.pushSync();
    let calls = 0;
    const failing = attach(b.manager, {
      batchSize: 7,
      afterPullBatch: () => {
        calls += 1;
        return calls === 1 ? Promise.reject(new Error('disk full (injected)')) : Promise.resolve();
      },
    });
    const failed = await failing.engine.pullSync();
    expect(failed.error).toContain('disk full (injected)');
    expect(calls).toBe(1);
  });

  it('recovers from a sync killed halfway: run again, identical stores, no duplicates, nothing missing', async () => {
    const [a, b, space] = await pair({ batchSize: 7 });
    await createFiles(a, 'crash', 30);

    // Push: the 3rd batch's transaction dies before commit.
    const dyingPush = attach(a.manager, {
      batchSize: 7,
      remote: await EventStore.open(flakyHub({ transaction: (n) => n === 3 }), { migrate: false }),
    });
    const failed = await dyingPush.engine.pushSync();
    expect(failed.error).toContain('injected');
    expect(failed.sent).toBe(14);
    expect(await hub.countEvents(space)).toBe(14);
    expect(await hub.getFrontier(space)).toEqual({ 'dev-a': 14 });
    const again = await a.engine.pushSync();
    expect(again).toMatchObject({ sent: 16, error: null });

    // Pull: the connection dies on the 3rd read of a batch.
    let reads = 0;
    const dyingPull = attach(b.manager, {
      batchSize: 7,
      remote: await EventStore.open(
        flakyHub({ query: (sql) => sql === q.SELECT_EVENTS_ABOVE_FRONTIER && ++reads === 3 }),
        { migrate: false },
      ),
    });
    const failedPull = await dyingPull.engine.pullSync();
    expect(failedPull.error).toContain('injected');
    expect(failedPull.received).toBe(14);
    expect(await b.store.countEvents(space)).toBe(14);
    expect((await b.engine.pullSync()).received).toBe(16);

    const ids = await eventIds(a.store, space);
    expect(ids).toHaveLength(30);
    expect(await eventIds(hub, space)).toEqual(ids);
    expect(await eventIds(b.store, space)).toEqual(ids);
    expect(await duplicateRows(hub.client, space)).toEqual([]);
    expect(await duplicateRows(b.store.client, space)).toEqual([]);
    expect(await states(b.store, space)).toEqual(await states(a.store, space));
    expect(await states(hub, space)).toEqual(await states(a.store, space));

    // Every run was logged on the device that ran it, errors with their message.
    const aLog = await new SyncLog(a.store.client).recent(space);
    expect(aLog.map((e) => [e.direction, e.status, e.eventsSent, e.eventsReceived])).toEqual([
      ['push', 'ok', 16, 0],
      ['push', 'error', 14, 0],
    ]);
    expect(aLog[1]?.error).toContain('injected');
    expect(
      aLog.every((e) => e.durationMs >= 0 && e.peer === hub.description && e.nodeId === 'dev-a'),
    ).toBe(true);
    const bLog = await new SyncLog(b.store.client).recent(space);
    expect(bLog.map((e) => [e.direction, e.status, e.eventsReceived])).toEqual([
      ['pull', 'ok', 16],
      ['pull', 'error', 14],
    ]);
  });
});

describe('SyncEngine: status', () => {
  it('reads the sync log, pending pushes, conflicts and quarantined events', async () => {
    const [a, b, space] = await pair();
    await createFiles(a, 's', 3);
    let status = await a.engine.getSyncStatus();
    expect(status).toMatchObject({
      spaceId: space,
      nodeId: 'dev-a',
      lastSync: null,
      lastError: null,
      pendingPush: 3,
      files: 3,
      conflicts: 0,
      quarantined: 0,
    });

    await a.engine.pushSync();
    await b.engine.pullSync();
    status = await a.engine.getSyncStatus();
    expect(status.pendingPush).toBe(0);
    expect(status.lastSync).toMatchObject({
      direction: 'push',
      eventsSent: 3,
      status: 'ok',
      error: null,
    });

    // A failing run: lastError is it, lastSync stays the last good one.
    const failing = attach(a.manager, {
      remote: await EventStore.open(flakyHub({ transaction: () => true }), { migrate: false }),
    });
    unwrap(await a.manager.updateFileState('s/0.txt', { content: body('a-side') }));
    const failed = await failing.engine.pushSync();
    status = await a.engine.getSyncStatus();
    expect(status.lastError).toMatchObject({
      direction: 'push',
      status: 'error',
      error: failed.error,
    });
    expect(status.lastSync).toMatchObject({ direction: 'push', eventsSent: 3 });
    expect(status.pendingPush).toBe(1);

    // A conflict (both changed s/0.txt) and an event from a clock 10 min ahead.
    unwrap(await b.manager.updateFileState('s/0.txt', { content: body('b-side') }));
    await b.engine.pushSync();
    const ahead = futureEvent(space, 'dev-c', Date.now() + 10 * 60_000);
    await hub.append([ahead]);
    const pulled = await a.engine.bidirectionalSync();
    expect(pulled).toMatchObject({ received: 1, sent: 1, error: null });
    expect(pulled.quarantined.map((x) => x.code)).toEqual(['ClockAhead']);
    status = await a.engine.getSyncStatus();
    expect(status).toMatchObject({
      conflicts: 1,
      quarantined: 1,
      pendingPush: 0,
      lastError: null,
      files: 3,
    });
    expect(status.lastSync).toMatchObject({
      direction: 'bidirectional',
      eventsSent: 1,
      eventsReceived: 1,
      eventsQuarantined: 1,
    });
  });
});

describe('SyncEngine: triggers', () => {
  it('auto-sync at 200 ms carries a change from A through the hub to B', async () => {
    const [a, b, space] = await pair();
    a.engine.startAutoSync(200);
    b.engine.startAutoSync(200);
    expect((await b.engine.getSyncStatus()).autoSyncIntervalMs).toBe(200);
    unwrap(await a.manager.createFileState('auto.txt', { content: body('auto') }));
    const report = await eventually('an auto-sync run of B to receive the change', () =>
      b.reports.find((r) => r.received > 0),
    );
    expect(report).toMatchObject({ direction: 'bidirectional', received: 1, error: null });
    expect(await b.manager.getFileState('auto.txt')).toMatchObject({
      exists: true,
      content: body('auto'),
    });
    a.engine.stopAutoSync();
    b.engine.stopAutoSync();
    expect((await b.engine.getSyncStatus()).autoSyncIntervalMs).toBeNull();
    expect(await eventIds(b.store, space)).toEqual(await eventIds(a.store, space));
  });

  it('live: B pulls as soon as A pushes, with no timer', async () => {
    const [a, b] = await pair();
    await b.engine.startLive();
    expect((await b.engine.getSyncStatus()).live).toBe(true);
    // Opening the channel runs a catch-up sync; a request now joins it and resolves once it ran.
    await b.engine.bidirectionalSync();
    const before = b.reports.length;
    unwrap(await a.manager.createFileState('live.txt', { content: body('live') }));
    await a.engine.pushSync();
    const report = await eventually('B to report a live pull', () =>
      b.reports.slice(before).find((r) => r.received > 0),
    );
    expect(report).toMatchObject({ direction: 'pull', received: 1, error: null });
    expect(await b.manager.getFileState('live.txt')).toMatchObject({
      exists: true,
      content: body('live'),
    });
    await b.engine.stopLive();
    expect((await b.engine.getSyncStatus()).live).toBe(false);
  });

  it('resolveConflicts on A pushes the resolution and B converges after a pull', async () => {
    const [a, b, space] = await pair();
    unwrap(await a.manager.createFileState('plan.md', { content: body('base') }));
    await a.engine.pushSync();
    await b.engine.pullSync();
    unwrap(await a.manager.updateFileState('plan.md', { content: body('a') }));
    unwrap(await b.manager.updateFileState('plan.md', { content: body('b') }));
    await a.engine.pushSync();
    await b.engine.bidirectionalSync();
    await a.engine.pullSync();
    expect((await a.manager.getFileState('plan.md'))?.conflicts).toHaveLength(1);
    expect((await b.manager.getFileState('plan.md'))?.conflicts).toHaveLength(1);

    const before = a.reports.length;
    const resolved = unwrap(await a.engine.resolveConflicts('plan.md', 'mine'));
    expect(resolved).toMatchObject({ content: body('a'), conflicts: [] });
    expect(a.reports.slice(before)).toMatchObject([{ direction: 'push', sent: 1 }]);
    expect((await hub.getSnapshot(space, 'plan.md'))?.get().conflicts).toEqual([]);
    expect((await b.engine.pullSync()).received).toBe(1);
    expect(await b.manager.getFileState('plan.md')).toEqual(
      await a.manager.getFileState('plan.md'),
    );
    expect((await b.engine.getSyncStatus()).conflicts).toBe(0);
  });

  it('close() stops timers and listeners, lets a run finish, and refuses new runs', async () => {
    const [a] = await pair();
    const listeners = () =>
      hub.client.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %'`,
      );
    const baseline = (await listeners())[0]?.n ?? 0;
    a.engine.startAutoSync(100);
    await a.engine.startLive();
    expect((await listeners())[0]?.n).toBe(baseline + 1);
    const created = unwrap(await a.manager.createFileState('last.txt', { content: body('last') }));
    const running = a.engine.pushSync();
    await a.engine.close();
    // The run in progress finished (it, or an auto-sync run just before it, pushed the file).
    expect((await running).error).toBeNull();
    expect(await hub.getEvent(created.lastChange?.eventId ?? '')).toBeDefined();
    const status = await a.engine.getSyncStatus();
    expect(status).toMatchObject({ autoSyncIntervalMs: null, live: false, running: false });
    await expect(a.engine.pushSync()).rejects.toThrow('closed');
    await eventually(
      'the LISTEN connection to close',
      async () => (await listeners())[0]?.n === baseline,
    );
  });
});

/** A valid event from a device whose clock is at `wallMs`. */
function futureEvent(space: string, node: string, wallMs: number): CrdtEvent {
  return {
    eventId: randomUUID(),
    spaceId: space,
    entityId: 'future.txt',
    kind: 'FileCreated',
    data: { content: body('future') },
    timestamp: new Date(wallMs).toISOString(),
    hlc: encodeHlc({ wallMs, counter: 0, nodeId: node }),
    nodeId: node,
    seq: 1,
    vectorClock: { [node]: 1 },
  };
}
