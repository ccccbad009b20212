import { createHash, randomUUID } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CrdtEvent } from '../../../src-shared/events/event.js';
import { ROUTES, deviceNameAnswerSchema } from '../../../src-shared/hubProtocol/protocol.js';
import { createFreshDatabase, type FreshDatabase } from '../../../test/support/freshDatabase.js';
import { testS3 } from '../../../test/support/s3Env.js';
import { makeTempDir, type TempDir } from '../../../test/support/tempDir.js';
import { CRDTManager } from '../crdtManager.js';
import { HubConnection } from '../hubClient/hubConnection.js';
import { HubChunks, HubPeer } from '../hubClient/hubPeer.js';
import { HubServiceRoster } from '../hubClient/hubRoster.js';
import { pairWithHub } from '../hubClient/pairing.js';
import { askHub } from '../hubService/adminSocket.js';
import { ADMIN_SOCKET, startHubService, type RunningHub } from '../hubService/hubRuntime.js';
import { EventStore } from '../store/eventStore.js';
import { openPgliteClient } from '../store/pgliteClient.js';
import { SyncEngine } from '../syncEngine.js';

/**
 * The hub's path past one database (issue 17 point 6; docs/ARCHITECTURE.md "Sharding the hub by
 * space"): every table that grows with a space's data is distributed by `space_id`, so every
 * statement the hub sends must reach those tables through a condition on `space_id`, which is what
 * lets a Citus-style cluster route it to one shard with no query rewrite.
 *
 * A real hub on a fresh database serves a realistic session (devices paired in two spaces, pushes,
 * pulls, chunks, snapshots, the devices list, a rename, live streams, the admin socket, a quota,
 * compaction and chunk collection) while every statement it sends is recorded. Each distinct
 * statement is then EXPLAINed with the parameters it was first sent with, and every scan of a
 * sharded table in its plan must carry an equality on `space_id` (in its own index condition,
 * recheck or filter, or in the condition of a join above it).
 */

/** Distributed by space_id, colocated: every scan of these must be keyed by space. */
const SHARDED = new Set([
  'crdt_events',
  'crdt_snapshots',
  'crdt_origins',
  'crdt_compacted',
  'crdt_chunks',
  'crdt_snapshot_counts',
  'crdt_folder_counts',
  'hub_space_usage',
  'hub_chunk_uploads',
]);

/**
 * Reference tables (a copy on every node of a cluster), read without a space on purpose:
 * - hub_device_keys: a request's credential names its key id, not its space; the key row is what
 *   says the space (one row per paired device, small).
 * - hub_invites: a pairing device presents only the invite's secret; the row says the space.
 * - hub_identity: the hub's one certificate and id, the same for every hub process (0022).
 * - hub_processes: the running hub processes and their addresses (0022).
 * - crdt_store_meta: facts about the store as a whole (the snapshot format).
 * - schema_migrations: the migration ledger.
 */
const REFERENCE = new Set([
  'hub_device_keys',
  'hub_invites',
  'hub_identity',
  'hub_processes',
  'crdt_store_meta',
  'schema_migrations',
]);

/**
 * Tables a hub never touches (every store has every table, 0001…): a device's own (its file index,
 * unsyncable files, identity, quarantine, sync runs) and the older direct-SQL hub's roles. A hub
 * statement that reads or writes one fails the test.
 */
const NOT_ON_A_HUB = new Set([
  'fs_index',
  'fs_unsyncable',
  'crdt_device',
  'crdt_quarantine',
  'crdt_sync_log',
  'hub_members',
  'hub_devices',
]);

/**
 * Statements that read every space on purpose: fan-out queries on a cluster (one per shard).
 * - The chunk collection's list of the spaces to tidy (chunkCollection.ts `spacesToTidy`), a
 *   background run every 6 hours that then works one space at a time.
 * - The admin's `hub spaces`: its list of the spaces there are (spaceReport.ts `spaceReports`),
 *   then one report per space, each keyed by it.
 */
const FAN_OUT = [
  /^SELECT space_id FROM crdt_origins UNION SELECT space_id FROM crdt_chunks\b/,
  /^SELECT space_id FROM hub_space_usage UNION SELECT space_id FROM crdt_origins UNION SELECT space_id FROM hub_device_keys\b/,
];

const sha = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

/** One-line form of a statement, for allow-list matches and messages. */
const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

interface PlanNode {
  readonly 'Node Type': string;
  readonly 'Relation Name'?: string;
  readonly Alias?: string;
  readonly Operation?: string;
  readonly Plans?: readonly PlanNode[];
  readonly [key: string]: unknown;
}

const SCANS = new Set([
  'Seq Scan',
  'Index Scan',
  'Index Only Scan',
  'Bitmap Heap Scan',
  'Tid Scan',
  'Tid Range Scan',
  'Sample Scan',
]);
const OWN_CONDITIONS = ['Index Cond', 'Recheck Cond', 'Filter', 'TID Cond'];
const JOIN_CONDITIONS = ['Hash Cond', 'Merge Cond', 'Join Filter'];

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether `condition` holds an equality on the space_id of the relation aliased `alias`. */
function keyedBySpace(condition: string, alias: string, unqualifiedIsOwn: boolean): boolean {
  const a = escape(alias);
  const own = unqualifiedIsOwn ? `(?:(?<![\\w.])|\\b${a}\\.)` : `\\b${a}\\.`;
  return new RegExp(
    `${own}space_id\\s*=|=\\s*${unqualifiedIsOwn ? `(?:${a}\\.)?` : `${a}\\.`}space_id\\b`,
  ).test(condition);
}

interface Finding {
  readonly table: string;
  readonly problem: string;
}

/** What in a plan breaks the rules: unkeyed scans of sharded tables, device tables, unknown tables. */
function findings(root: PlanNode): Finding[] {
  const out: Finding[] = [];
  const walk = (node: PlanNode, joins: readonly string[]) => {
    const table = node['Relation Name'];
    if (table !== undefined) {
      if (NOT_ON_A_HUB.has(table)) out.push({ table, problem: 'a table a hub never uses' });
      else if (!SHARDED.has(table) && !REFERENCE.has(table))
        out.push({ table, problem: 'a table that is neither sharded nor a reference table' });
      else if (SHARDED.has(table) && SCANS.has(node['Node Type'])) {
        const alias = node.Alias ?? table;
        const own = OWN_CONDITIONS.map((k) => node[k]).filter(
          (c): c is string => typeof c === 'string',
        );
        const keyed =
          own.some((c) => keyedBySpace(c, alias, true)) ||
          joins.some((c) => keyedBySpace(c, alias, false));
        if (!keyed)
          out.push({
            table,
            problem: `${node['Node Type']} as ${alias} without a condition on space_id (${own.join(' AND ') || 'no condition'})`,
          });
      }
    }
    const here = JOIN_CONDITIONS.map((k) => node[k]).filter(
      (c): c is string => typeof c === 'string',
    );
    for (const child of node.Plans ?? []) walk(child, [...joins, ...here]);
  };
  walk(root, []);
  return out;
}

let db: FreshDatabase;
let dir: TempDir;
let hub: RunningHub;
/** Each distinct statement the running hub sent, with the parameters it was first sent with. */
let sent = new Map<string, readonly unknown[]>();

/** A hub on a fresh database whose every statement is recorded in `sent`. */
async function startRecordedHub(chunks?: { location: string; env: NodeJS.ProcessEnv }) {
  sent = new Map();
  db = await createFreshDatabase('hub_query_plans');
  dir = await makeTempDir('ng-hub-plans-');
  hub = await startHubService({
    dataDir: dir.path,
    listen: '127.0.0.1:0',
    databaseUrl: db.url,
    ...(chunks ? { chunks: chunks.location, env: chunks.env } : {}),
    // Every version superseded before now is compacted at the collection's run below.
    historyMs: 1,
    onDatabaseQuery: (text, params) => {
      if (!sent.has(text)) sent.set(text, params);
    },
  });
}

async function stopRecordedHub() {
  await hub?.stop();
  await db?.drop();
  await dir?.cleanup();
}

const endpoint = () => ({ address: `127.0.0.1:${hub.address.port}`, fingerprint: hub.fingerprint });

async function pairedDevice(spaceId: string, name: string) {
  const store = await EventStore.open(await openPgliteClient());
  const manager = await CRDTManager.open({ store, spaceId, deviceName: name });
  const invite = await hub.accounts.createInvite({ spaceId, expiresInMs: 60_000 });
  const paired = await pairWithHub({
    endpoint: endpoint(),
    secret: invite.secret,
    nodeId: manager.nodeId,
    deviceName: name,
  });
  const connection = new HubConnection({ ...endpoint(), credential: paired.credential });
  const peer = new HubPeer(connection, spaceId);
  const chunks = new HubChunks(connection, spaceId);
  const engine = new SyncEngine({ manager, remote: peer });
  const close = async () => {
    await peer.close();
    await store.close();
  };
  return { spaceId, store, manager, connection, peer, chunks, engine, close };
}
type Device = Awaited<ReturnType<typeof pairedDevice>>;

/** Uploads `text` as a one-chunk file's content (asking first which chunks the hub lacks). */
async function upload(device: Device, text: string) {
  const data = new TextEncoder().encode(text);
  const hash = sha(data);
  const lacking = await device.chunks.missing(device.spaceId, [hash]);
  if (lacking.length > 0) await device.chunks.put(device.spaceId, [{ hash, data }]);
  return { hash, size: data.byteLength };
}

/** A realistic session against the hub, through the protocol and the admin socket. */
async function driveSession(): Promise<void> {
  const spaceA = `plans-a-${randomUUID().slice(0, 8)}`;
  const spaceB = `plans-b-${randomUUID().slice(0, 8)}`;
  const admin = path.join(dir.path, ADMIN_SOCKET);
  await askHub(admin, '/quota', { spaceId: spaceA, bytes: 64 * 1024 * 1024 });
  await askHub(admin, '/invite', { spaceId: spaceB, expiresInMs: 60_000 });
  const [a1, a2, b1] = await Promise.all([
    pairedDevice(spaceA, 'anna'),
    pairedDevice(spaceA, 'bob'),
    pairedDevice(spaceB, 'carl'),
  ]);
  const devices = [a1, a2, b1];
  // A device that only pairs, for the admin to remove.
  const invite = await hub.accounts.createInvite({ spaceId: spaceB, expiresInMs: 60_000 });
  const dora = await pairWithHub({
    endpoint: endpoint(),
    secret: invite.secret,
    nodeId: 'dora-node',
    deviceName: 'dora',
  });
  expect(dora.spaceId).toBe(spaceB);
  const stopLive = await a2.peer.listen(() => undefined);
  try {
    // Files with content: chunks asked for, uploaded, then the events pushed.
    for (const [device, names] of [
      [a1, ['notes/todo.txt', 'notes/plan.txt', 'photo.jpg']],
      [b1, ['report.txt']],
    ] as const) {
      for (const name of names)
        expect(
          (await device.manager.createFileState(name, { content: await upload(device, name) })).ok,
        ).toBe(true);
      expect((await device.engine.bidirectionalSync()).error).toBeNull();
    }
    // Edits: superseded versions for compaction, a chunk nothing references for the collection.
    for (const round of [1, 2])
      expect(
        (
          await a1.manager.updateFileState('notes/todo.txt', {
            content: await upload(a1, `todo, round ${round}`),
          })
        ).ok,
      ).toBe(true);
    await upload(a1, 'uploaded, never pushed');
    expect((await a1.engine.bidirectionalSync()).error).toBeNull();
    // The other devices pull (and push their own).
    expect(
      (await a2.manager.createFileState('bob.txt', { content: await upload(a2, 'b') })).ok,
    ).toBe(true);
    for (const device of [a2, b1, a1])
      expect((await device.engine.bidirectionalSync()).error).toBeNull();
    expect((await a2.manager.getFileState('notes/todo.txt'))?.exists).toBe(true);
    // Chunks back, byte for byte.
    const todo = await a2.manager.getFileState('notes/todo.txt');
    const hash = todo?.content?.hash ?? '';
    const back = await a2.chunks.getChunks(spaceA, [hash]);
    expect(Buffer.from(back.get(hash) ?? []).toString()).toBe('todo, round 2');
    // A re-sent batch: duplicates, stored once.
    const own = await a1.peer.readOriginAbove(spaceA, a1.manager.nodeId, 0, 100);
    expect(own.length).toBe(5);
    const held: CrdtEvent[] = [];
    for await (const page of a1.store.allEvents(spaceA)) held.push(...page);
    const again = await a1.peer.append(held.filter((e) => e.nodeId === a1.manager.nodeId));
    expect(again.inserted).toEqual([]);
    // The routes a device uses for its own events and for a catch-up.
    expect(await a1.peer.maxSeq(spaceA, a1.manager.nodeId)).toBe(5);
    expect(await a1.peer.eventIdAt(spaceA, a1.manager.nodeId, 1)).toBe(own[0]?.event_id);
    expect((await a2.peer.readSnapshotStates(spaceA, '', 100)).length).toBe(4);
    expect(await a2.peer.compactedThrough(spaceA)).toEqual({});
    expect(await a2.peer.countAboveFrontier(spaceA, {})).toBe(6);
    // Devices: the list, a rename, a removal by the admin.
    const renamed = await a1.connection.json('POST', ROUTES.deviceName, deviceNameAnswerSchema, {
      deviceName: 'anna laptop',
    });
    expect(renamed.deviceName).toBe('anna laptop');
    const listed = await new HubServiceRoster(a2.connection).list();
    expect(listed.map((d) => d.deviceName).sort()).toEqual(['anna laptop', 'bob']);
    await askHub(admin, '/devices', {});
    await askHub(admin, '/devices', { spaceId: spaceB });
    await askHub(admin, '/remove-device', { spaceId: spaceB, device: 'dora-node' });
    const report = await askHub<{ spaces: { spaceId: string; devices: number }[] }>(
      admin,
      '/spaces',
      {},
    );
    expect(report.spaces.map((r) => [r.spaceId, r.devices])).toEqual([
      [spaceA, 2],
      [spaceB, 1],
    ]);
    expect((await hub.accounts.spaceUsage(spaceA)).chunkBytes).toBeGreaterThan(0);
    // Compaction (two superseded versions of notes/todo.txt) and chunk collection.
    const tidied = await hub.chunkCollector.runNow();
    expect(tidied.events).toBe(2);
    expect(await a2.peer.compactedThrough(spaceA)).toEqual({ [a1.manager.nodeId]: 4 });
  } finally {
    await stopLive();
    for (const d of devices) await d.close();
  }
}

/** Drives the session, then EXPLAINs every statement the hub sent and lists what breaks the rules. */
async function checkPlans(): Promise<void> {
  await driveSession();
  expect(sent.size).toBeGreaterThan(30);
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  const offending: string[] = [];
  try {
    for (const [text, params] of sent) {
      const line = oneLine(text);
      if (FAN_OUT.some((p) => p.test(line))) continue;
      let plan: PlanNode;
      try {
        const res = await client.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
          `EXPLAIN (FORMAT JSON) ${text}`,
          params as unknown[],
        );
        plan = res.rows[0]?.['QUERY PLAN'][0].Plan as PlanNode;
      } catch (e) {
        offending.push(`${line.slice(0, 300)}\n    could not be explained: ${String(e)}`);
        continue;
      }
      for (const f of findings(plan))
        offending.push(`${line.slice(0, 300)}\n    ${f.table}: ${f.problem}`);
    }
  } finally {
    await client.end();
  }
  expect(offending, `statements not keyed by space:\n${offending.join('\n')}`).toEqual([]);
}

describe('the hub on a cluster sharded by space, chunks in PostgreSQL', () => {
  beforeAll(() => startRecordedHub());
  afterAll(() => stopRecordedHub());

  it('every statement the hub sends reaches sharded tables through space_id', checkPlans);

  it('every key of a sharded table leads with space_id, and every id is 64-bit', async () => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const tables = (
        await client.query<{ table_name: string }>(
          `SELECT table_name FROM information_schema.tables
           WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
        )
      ).rows.map((r) => r.table_name);
      // Every table is classified: a new one is a decision, not an accident.
      expect(
        tables.filter((t) => !SHARDED.has(t) && !REFERENCE.has(t) && !NOT_ON_A_HUB.has(t)),
      ).toEqual([]);
      // Primary and unique keys (indexes included) of sharded tables: space_id first.
      const keys = await client.query<{ table: string; index: string; first: string }>(
        `SELECT t.relname AS table, i.relname AS index, a.attname AS first
         FROM pg_index x
         JOIN pg_class t ON t.oid = x.indrelid
         JOIN pg_class i ON i.oid = x.indexrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = 'public'
         LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = x.indkey[0]
         WHERE x.indisunique AND t.relname = ANY($1) ORDER BY 1, 2`,
        [[...SHARDED]],
      );
      expect(keys.rows.length).toBeGreaterThanOrEqual(SHARDED.size);
      expect(keys.rows.filter((r) => r.first !== 'space_id')).toEqual([]);
      // Every sharded table has a primary key and a space_id that is never null.
      const spaceColumns = await client.query<{ table_name: string; is_nullable: string }>(
        `SELECT table_name, is_nullable FROM information_schema.columns
         WHERE table_schema = 'public' AND column_name = 'space_id' AND table_name = ANY($1)`,
        [[...SHARDED]],
      );
      expect(spaceColumns.rows.map((r) => [r.table_name, r.is_nullable]).sort()).toEqual(
        [...SHARDED].sort().map((t) => [t, 'NO']),
      );
      // Ids: every column named id and every sequence is 64-bit.
      const ids = await client.query<{ table_name: string; data_type: string }>(
        `SELECT table_name, data_type FROM information_schema.columns
         WHERE table_schema = 'public' AND column_name = 'id' ORDER BY table_name`,
      );
      expect(ids.rows.filter((r) => r.data_type !== 'bigint')).toEqual([]);
      const sequences = await client.query<{ sequencename: string; data_type: string }>(
        `SELECT sequencename, data_type::text FROM pg_sequences WHERE schemaname = 'public'`,
      );
      expect(sequences.rows.filter((r) => r.data_type !== 'bigint')).toEqual([]);
    } finally {
      await client.end();
    }
  });
});

describe('the hub on a cluster sharded by space, chunks in S3-compatible object storage', () => {
  beforeAll(() => startRecordedHub(testS3()));
  afterAll(() => stopRecordedHub());

  it('every statement the hub sends reaches sharded tables through space_id', checkPlans);
});
