import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { encodeHlc, parseHlc } from '../../../src-shared/crdt/hlc.js';
import type { CrdtEvent } from '../../../src-shared/events/event.js';
import { NetGuardianError } from '../../../src-shared/errors.js';
import { DIRECTORY_HASH } from '../../../src-shared/fileKinds.js';
import { createFreshDatabase, type FreshDatabase } from '../../../test/support/freshDatabase.js';
import { EventStore } from './eventStore.js';
import { appliedVersions, loadMigrations, migrate, type Migration } from './migrate.js';
import { openPgClient } from './pgClient.js';
import { openPgliteClient } from './pgliteClient.js';
import { SyncLog } from './syncLog.js';
import type { SqlClient } from './sqlClient.js';

/**
 * A test per migration (STYLE.md "Tests"): migrate an empty database to N−1,
 * write rows as the schema at N−1 allows (for the seed's tables, the way the
 * seed wrote them), migrate to N, and check the rows and the new schema. Runs
 * on PGlite and on a PostgreSQL server; each test starts from an empty schema.
 */

const MIGRATIONS = loadMigrations();
const COVERED = new Set<number>();

interface Column {
  readonly column_name: string;
  readonly data_type: string;
  readonly is_nullable: 'YES' | 'NO';
}

async function columns(client: SqlClient, table: string): Promise<Record<string, Column>> {
  const rows = await client.query<Column>(
    `SELECT column_name, data_type, is_nullable FROM information_schema.columns
     WHERE table_schema = 'public' AND table_name = $1`,
    [table],
  );
  return Object.fromEntries(rows.map((r) => [r.column_name, r]));
}

async function indexes(client: SqlClient, table: string): Promise<string[]> {
  const rows = await client.query<{ indexname: string }>(
    `SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND tablename = $1 ORDER BY indexname`,
    [table],
  );
  return rows.map((r) => r.indexname);
}

async function tableExists(client: SqlClient, table: string): Promise<boolean> {
  const rows = await client.query<{ found: boolean }>(
    `SELECT to_regclass($1) IS NOT NULL AS found`,
    [`public.${table}`],
  );
  return rows[0]?.found === true;
}

/** Runs `sql` and returns the SQLSTATE it failed with (undefined if it worked). */
async function sqlState(
  client: SqlClient,
  sql: string,
  params: unknown[] = [],
): Promise<string | undefined> {
  try {
    await client.query(sql, params);
    return undefined;
  } catch (e) {
    return String((e as { code?: unknown }).code);
  }
}

const UNIQUE_VIOLATION = '23505';
const NOT_NULL_VIOLATION = '23502';
const CHECK_VIOLATION = '23514';
const NUMERIC_OUT_OF_RANGE = '22003';

/** An event row with its local id given (0002's columns). */
const INSERT_EVENT_WITH_ID = `
INSERT INTO crdt_events (id, event_id, space_id, entity_id, event_type, data, timestamp, node_id, vector_clock, seq, hlc)
VALUES ($1, $2, 'big', 'x', 'file_created', '{}', now(), 'n', '{}', 1, 'h')`;

/** The seed's INSERT into crdt_events (no space, seq nor hlc; naive UTC timestamps). */
const SEED_INSERT_EVENT = `
INSERT INTO crdt_events (event_id, entity_id, event_type, data, timestamp, node_id, vector_clock, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`;

interface SeedEvent {
  readonly eventId: string;
  readonly entityId: string;
  readonly node: string;
  /** Naive UTC wall time, as the seed wrote it. */
  readonly at: string;
}

/** Interleaved seed rows from two devices: laptop writes ids 1, 3, 4 and desktop 2, 5. */
const SEED_EVENTS: readonly SeedEvent[] = [
  { eventId: 'seed-1', entityId: 'notes/todo.txt', node: 'laptop', at: '2024-03-01 10:00:00.123' },
  { eventId: 'seed-2', entityId: 'notes/todo.txt', node: 'desktop', at: '2024-03-01 10:00:05.000' },
  { eventId: 'seed-3', entityId: 'photo.jpg', node: 'laptop', at: '2024-03-01 10:01:00.500' },
  { eventId: 'seed-4', entityId: 'notes/todo.txt', node: 'laptop', at: '2024-03-01 10:02:00.000' },
  { eventId: 'seed-5', entityId: 'photo.jpg', node: 'desktop', at: '2024-03-01 10:03:00.999' },
];
const utcMs = (naive: string) => Date.parse(naive.replace(' ', 'T') + 'Z');

async function insertSeedEvents(client: SqlClient): Promise<void> {
  for (const [i, e] of SEED_EVENTS.entries()) {
    await client.query(SEED_INSERT_EVENT, [
      e.eventId,
      e.entityId,
      i === 0 ? 'file_created' : 'file_updated',
      JSON.stringify({ filename: e.entityId, size: 100 + i }),
      e.at,
      e.node,
      JSON.stringify({ [e.node]: i + 1 }),
      e.at,
    ]);
  }
}

const ledgerOf = (client: SqlClient) =>
  client.query<{ version: number; name: string; checksum: string }>(
    'SELECT version, name, checksum FROM schema_migrations ORDER BY version',
  );

function describeMigrations(name: string, openClient: () => Promise<SqlClient>): void {
  describe(`migrations on ${name}`, () => {
    let client: SqlClient;

    beforeAll(async () => {
      client = await openClient();
    });
    afterAll(async () => {
      await client?.close();
    });
    beforeEach(async () => {
      await client.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
    });

    /** Migrates to `version - 1`, runs `seed`, migrates to `version`, and checks that exactly it was applied. */
    async function step(version: number, seed: () => Promise<void>): Promise<void> {
      COVERED.add(version);
      const before = Array.from({ length: version - 1 }, (_, i) => i + 1);
      expect(await migrate(client, { targetVersion: version - 1 })).toEqual(before);
      expect(await appliedVersions(client)).toEqual(before);
      await seed();
      expect(await migrate(client, { targetVersion: version })).toEqual([version]);
      expect(await appliedVersions(client)).toEqual([...before, version]);
    }

    it('0001 creates the seed tables with exactly the seed columns', async () => {
      await step(1, async () => {
        expect(await tableExists(client, 'schema_migrations')).toBe(true);
        expect(await tableExists(client, 'crdt_events')).toBe(false);
      });
      expect(Object.keys(await columns(client, 'crdt_events')).sort()).toEqual(
        [
          'created_at',
          'data',
          'entity_id',
          'event_id',
          'event_type',
          'id',
          'node_id',
          'timestamp',
          'vector_clock',
        ].sort(),
      );
      expect(Object.keys(await columns(client, 'crdt_snapshots')).sort()).toEqual(
        ['created_at', 'entity_id', 'state', 'updated_at', 'vector_clock'].sort(),
      );
      expect(Object.keys(await columns(client, 'crdt_sync_log')).sort()).toEqual(
        ['created_at', 'events_synced', 'id', 'last_sync', 'node_id', 'sync_direction'].sort(),
      );
      // The seed's writes work, and its constraints hold.
      await insertSeedEvents(client);
      expect(
        await sqlState(client, SEED_INSERT_EVENT, [
          'seed-1',
          'x',
          'file_created',
          '{}',
          '2024-01-01',
          'n',
          '{}',
          '2024-01-01',
        ]),
      ).toBe(UNIQUE_VIOLATION);
      await client.query(
        `INSERT INTO crdt_snapshots (entity_id, state, vector_clock, created_at) VALUES ('a', '{}', '{}', '2024-01-01')`,
      );
      expect(
        await sqlState(
          client,
          `INSERT INTO crdt_snapshots (entity_id, state, vector_clock, created_at) VALUES ('a', '{}', '{}', '2024-01-01')`,
        ),
      ).toBe(UNIQUE_VIOLATION);
      await client.query(
        `INSERT INTO crdt_sync_log (node_id, last_sync, sync_direction) VALUES ('n', now(), 'push')`,
      );
      const log = await client.query<{ events_synced: number }>(
        'SELECT events_synced FROM crdt_sync_log',
      );
      expect(log).toEqual([{ events_synced: 0 }]);
    });

    it('0002 gives seed events space "default", per-node seqs in id order and an HLC', async () => {
      await step(2, () => insertSeedEvents(client));
      const rows = await client.query<{
        event_id: string;
        space_id: string;
        node_id: string;
        seq: string | number;
        hlc: string;
        timestamp: Date;
        created_at: Date;
      }>(
        'SELECT event_id, space_id, node_id, seq, hlc, timestamp, created_at FROM crdt_events ORDER BY id',
      );
      expect(rows.map((r) => [r.event_id, r.space_id, r.node_id, Number(r.seq)])).toEqual([
        ['seed-1', 'default', 'laptop', 1],
        ['seed-2', 'default', 'desktop', 1],
        ['seed-3', 'default', 'laptop', 2],
        ['seed-4', 'default', 'laptop', 3],
        ['seed-5', 'default', 'desktop', 2],
      ]);
      for (const [i, r] of rows.entries()) {
        const seed = SEED_EVENTS[i] as SeedEvent;
        // The naive timestamps were UTC: the instant is kept, the HLC is that instant in ms.
        expect(r.timestamp.getTime()).toBe(utcMs(seed.at));
        expect(r.created_at.getTime()).toBe(utcMs(seed.at));
        expect(r.hlc).toBe(encodeHlc({ wallMs: utcMs(seed.at), counter: 0, nodeId: seed.node }));
        expect(parseHlc(r.hlc)).toEqual({ wallMs: utcMs(seed.at), counter: 0, nodeId: seed.node });
      }
      const cols = await columns(client, 'crdt_events');
      expect(cols['seq']?.is_nullable).toBe('NO');
      expect(cols['hlc']?.is_nullable).toBe('NO');
      expect(cols['created_at']?.is_nullable).toBe('NO');
      expect(cols['entity_id']?.data_type).toBe('text');
      expect(cols['timestamp']?.data_type).toBe('timestamp with time zone');
      expect(await indexes(client, 'crdt_events')).toEqual(
        expect.arrayContaining([
          'crdt_events_origin_seq',
          'crdt_events_entity',
          'crdt_events_type',
          'crdt_events_time',
          'crdt_events_ingested',
        ]),
      );
      const insert = `INSERT INTO crdt_events (event_id, space_id, entity_id, event_type, data, timestamp, node_id,
        vector_clock, seq, hlc) VALUES ($1, $2, $3, 'file_created', '{}', now(), 'laptop', '{}', $4, $5)`;
      // (space, node, seq) is unique; the same seq in another space is fine; long paths fit.
      expect(await sqlState(client, insert, ['dup', 'default', 'x', 2, 'h'])).toBe(
        UNIQUE_VIOLATION,
      );
      expect(
        await sqlState(client, insert, ['other', 'photos', 'x'.repeat(1000), 2, 'h']),
      ).toBeUndefined();
      expect(await sqlState(client, insert, ['nohlc', 'default', 'x', 9, null])).toBe(
        NOT_NULL_VIOLATION,
      );
    });

    it('0003 keys snapshots by (space, entity) and adds the view columns', async () => {
      await step(3, async () => {
        await client.query(
          `INSERT INTO crdt_snapshots (entity_id, state, vector_clock, created_at, updated_at)
           VALUES ('notes/todo.txt', '{"seed": true}', '{"laptop": 3}', '2024-03-01 10:00:00', '2024-03-01 11:00:00')`,
        );
      });
      const rows = await client.query<Record<string, unknown>>('SELECT * FROM crdt_snapshots');
      expect(rows).toEqual([
        {
          space_id: 'default',
          entity_id: 'notes/todo.txt',
          state: { seed: true },
          vector_clock: { laptop: 3 },
          created_at: new Date(utcMs('2024-03-01 10:00:00')),
          updated_at: new Date(utcMs('2024-03-01 11:00:00')),
          file_exists: true,
          has_conflict: false,
          content_hash: null,
          size: null,
          last_hlc: null,
          last_node_id: null,
        },
      ]);
      const insert = `INSERT INTO crdt_snapshots (space_id, entity_id, state, vector_clock) VALUES ($1, $2, '{}', '{}')`;
      expect(await sqlState(client, insert, ['default', 'notes/todo.txt'])).toBe(UNIQUE_VIOLATION);
      expect(await sqlState(client, insert, ['photos', 'notes/todo.txt'])).toBeUndefined();
      const created = await client.query<{ created_at: Date | null }>(
        `SELECT created_at FROM crdt_snapshots WHERE space_id = 'photos'`,
      );
      expect(created[0]?.created_at).toBeInstanceOf(Date);
      expect(await indexes(client, 'crdt_snapshots')).toEqual(
        expect.arrayContaining([
          'crdt_snapshots_pkey',
          'crdt_snapshots_conflicts',
          'crdt_snapshots_updated',
        ]),
      );
    });

    it('0004 creates the frontier, quarantine and device tables', async () => {
      await step(4, async () => {
        expect(await tableExists(client, 'crdt_origins')).toBe(false);
      });
      // Quarantine: one row per (source, event); rows without an event id are all kept.
      const hold = `INSERT INTO crdt_quarantine (source, event_id, code, message, payload) VALUES ('hub', $1, 'InvalidEvent', 'bad', '{}')`;
      expect(await sqlState(client, hold, ['e1'])).toBeUndefined();
      expect(await sqlState(client, hold, ['e1'])).toBe(UNIQUE_VIOLATION);
      expect(await sqlState(client, hold, [null])).toBeUndefined();
      expect(await sqlState(client, hold, [null])).toBeUndefined();
      const held = await client.query<{ attempts: number; released_at: Date | null }>(
        'SELECT attempts, released_at FROM crdt_quarantine',
      );
      expect(held).toEqual(Array(3).fill({ attempts: 1, released_at: null }));
      // The device identity is a singleton.
      const device = `INSERT INTO crdt_device (node_id, name) VALUES ($1, $1)`;
      expect(await sqlState(client, device, ['laptop'])).toBeUndefined();
      expect(await sqlState(client, device, ['desktop'])).toBe(UNIQUE_VIOLATION);
      expect(
        await sqlState(
          client,
          `INSERT INTO crdt_device (singleton, node_id, name) VALUES (false, 'x', 'x')`,
        ),
      ).toBe(CHECK_VIOLATION);
      const origins = await columns(client, 'crdt_origins');
      expect(Object.keys(origins).sort()).toEqual([
        'contiguous_seq',
        'max_seq',
        'node_id',
        'space_id',
      ]);
      expect(await indexes(client, 'crdt_quarantine')).toEqual(
        expect.arrayContaining(['crdt_quarantine_event', 'crdt_quarantine_pending']),
      );
    });

    it('0005 extends seed sync-log rows so status can read them', async () => {
      await step(5, async () => {
        await client.query(
          `INSERT INTO crdt_sync_log (node_id, last_sync, events_synced, sync_direction, created_at)
           VALUES ('laptop', '2024-03-01 10:00:00', 12, 'pull', '2024-03-01 10:00:01')`,
        );
      });
      const rows = await client.query<Record<string, unknown>>(
        `SELECT space_id, peer, events_sent, events_received, events_quarantined, duration_ms, status, error,
                events_synced, last_sync FROM crdt_sync_log`,
      );
      expect(rows).toEqual([
        {
          space_id: 'default',
          peer: null,
          events_sent: 0,
          events_received: 0,
          events_quarantined: 0,
          duration_ms: null,
          status: 'ok',
          error: null,
          events_synced: 12,
          last_sync: new Date(utcMs('2024-03-01 10:00:00')),
        },
      ]);
      expect(await indexes(client, 'crdt_sync_log')).toContain('crdt_sync_log_latest');
      // Read as today's code reads it, once the later migrations are in.
      await migrate(client);
      const recent = await new SyncLog(client).recent('default');
      expect(recent).toMatchObject([
        { nodeId: 'laptop', direction: 'pull', status: 'ok', at: '2024-03-01T10:00:00.000Z' },
      ]);
    });

    it('0006 creates the chunk store, keyed by space and hash, with checked hash and size', async () => {
      await step(6, async () => {
        expect(await tableExists(client, 'crdt_chunks')).toBe(false);
      });
      const put = `INSERT INTO crdt_chunks (space_id, hash, size, data) VALUES ($1, $2, $3, $4)`;
      const bytes = Buffer.from('hello');
      const hash = createHash('sha256').update(bytes).digest('hex');
      expect(await sqlState(client, put, ['photos', hash, 5, bytes])).toBeUndefined();
      expect(await sqlState(client, put, ['photos', hash, 5, bytes])).toBe(UNIQUE_VIOLATION);
      expect(await sqlState(client, put, ['docs', hash, 5, bytes])).toBeUndefined();
      expect(await sqlState(client, put, ['docs', hash.toUpperCase(), 5, bytes])).toBe(
        CHECK_VIOLATION,
      );
      expect(await sqlState(client, put, ['docs', 'a'.repeat(64), 4, bytes])).toBe(CHECK_VIOLATION);
      const rows = await client.query<{ data: Uint8Array; created_at: Date }>(
        `SELECT data, created_at FROM crdt_chunks WHERE space_id = 'photos'`,
      );
      expect(Buffer.from(rows[0]?.data ?? []).toString()).toBe('hello');
      expect(rows[0]?.created_at).toBeInstanceOf(Date);
    });

    it('0007 records the frontier of events stored before the frontier table existed', async () => {
      const space = 'photos';
      await step(7, async () => {
        // Seed rows, migrated through 0002..0006 (they have seqs but no frontier row).
        await client.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
        await migrate(client, { targetVersion: 1 });
        await insertSeedEvents(client);
        await migrate(client, { targetVersion: 6 });
        // Events the app appended at version 6, with a gap: their frontier row exists already.
        const store = await EventStore.open(client, { migrate: false });
        await store.append([1, 2, 4].map((seq) => appEvent(space, 'n1', seq)));
        expect(await store.getFrontier('default')).toEqual({});
        expect(await store.getFrontier(space)).toEqual({ n1: 2 });
      });
      const store = await EventStore.open(client, { migrate: false });
      expect(await store.getFrontier('default')).toEqual({ laptop: 3, desktop: 2 });
      expect(await store.getFrontier(space)).toEqual({ n1: 2 });
      const maxSeqs = await client.query<{
        space_id: string;
        node_id: string;
        max_seq: string | number;
      }>('SELECT space_id, node_id, max_seq FROM crdt_origins ORDER BY space_id, node_id');
      expect(maxSeqs.map((r) => [r.space_id, r.node_id, Number(r.max_seq)])).toEqual([
        ['default', 'desktop', 2],
        ['default', 'laptop', 3],
        ['photos', 'n1', 4],
      ]);
      // So a sync sends the seed's events.
      expect((await store.readAboveFrontier('default', {}, 100)).map((r) => r.event_id)).toEqual([
        'seed-2',
        'seed-5',
        'seed-1',
        'seed-3',
        'seed-4',
      ]);
    });

    it('0008 creates the file index, keyed by (space, path) in byte order', async () => {
      await step(8, async () => {
        expect(await tableExists(client, 'fs_index')).toBe(false);
      });
      const put = `INSERT INTO fs_index (space_id, path, kind, size, hash, chunks) VALUES ($1, $2, $3, $4, $5, $6)`;
      const chunks = JSON.stringify([{ hash: 'c1', size: 3 }]);
      expect(
        await sqlState(client, put, ['s', 'a/b.txt', 'file', 3, 'h1', chunks]),
      ).toBeUndefined();
      expect(await sqlState(client, put, ['s', 'a/b.txt', 'file', 3, 'h1', null])).toBe(
        UNIQUE_VIOLATION,
      );
      expect(await sqlState(client, put, ['t', 'a/b.txt', 'file', 3, 'h1', null])).toBeUndefined();
      expect(await sqlState(client, put, ['s', 'B.txt', 'dir', 0, null, null])).toBeUndefined();
      expect(await sqlState(client, put, ['s', 'x', 'link', 0, null, null])).toBe(CHECK_VIOLATION);
      expect(await sqlState(client, put, ['s', 'y', 'file', -1, null, null])).toBe(CHECK_VIOLATION);
      // Byte order ("B" < "a"), whatever the database's collation.
      const paths = await client.query<{ path: string }>(
        `SELECT path FROM fs_index WHERE space_id = 's' ORDER BY path`,
      );
      expect(paths.map((r) => r.path)).toEqual(['B.txt', 'a/b.txt']);
      const byChunk = await client.query<{ path: string }>(
        `SELECT path FROM fs_index WHERE space_id = 's' AND chunks @> '[{"hash": "c1"}]'`,
      );
      expect(byChunk).toEqual([{ path: 'a/b.txt' }]);
      expect(await indexes(client, 'fs_index')).toEqual(
        expect.arrayContaining(['fs_index_pkey', 'fs_index_hash', 'fs_index_chunks']),
      );
    });

    it('0009 turns on row-level security by space, keeping every row for the owner', async () => {
      await step(9, async () => {
        const store = await EventStore.open(client, { migrate: false });
        await store.append([appEvent('photos', 'n1', 1)]);
        await store.append([appEvent('docs', 'n1', 1)]);
      });
      const secured = await client.query<{ relname: string; relrowsecurity: boolean }>(
        `SELECT relname, relrowsecurity FROM pg_class
         WHERE relname IN ('crdt_events', 'crdt_snapshots', 'crdt_origins', 'crdt_chunks', 'hub_members')
         ORDER BY relname`,
      );
      expect(secured.every((r) => r.relrowsecurity)).toBe(true);
      expect(secured).toHaveLength(5);
      const policies = await client.query<{ tablename: string }>(
        `SELECT tablename FROM pg_policies WHERE schemaname = 'public' ORDER BY tablename`,
      );
      expect(policies.map((p) => p.tablename)).toEqual([
        'crdt_chunks',
        'crdt_events',
        'crdt_origins',
        'crdt_snapshots',
        'hub_members',
      ]);
      // The owner (who migrated) still sees and reads everything: devices are unaffected.
      const store = await EventStore.open(client, { migrate: false });
      expect(await store.countEvents('photos')).toBe(1);
      expect(await store.countEvents('docs')).toBe(1);
      // A member of the device group role sees its own spaces only.
      const role = `ng_test_dev_${randomUUID().slice(0, 8)}`;
      await client.exec(`CREATE ROLE ${role} IN ROLE netguardian_device`);
      try {
        await client.query(`INSERT INTO hub_members (space_id, role_name) VALUES ('photos', $1)`, [
          role,
        ]);
        const seen = await client.transaction(async (tx) => {
          await tx.exec(`SET LOCAL ROLE ${role}`);
          return tx.query<{ space_id: string }>(
            'SELECT space_id FROM crdt_events ORDER BY space_id',
          );
        });
        expect(seen).toEqual([{ space_id: 'photos' }]);
      } finally {
        await client.exec(`DROP OWNED BY ${role}; DROP ROLE ${role}`);
      }
    });

    it('0010 makes chunk lookups skip the GIN pending list', async () => {
      await step(10, async () => {
        await client.query(
          `INSERT INTO fs_index (space_id, path, kind, chunks) VALUES ('s', 'a', 'file', $1)`,
          [JSON.stringify([{ hash: 'c1', size: 1 }])],
        );
      });
      const options = await client.query<{ reloptions: string[] | null }>(
        `SELECT reloptions FROM pg_class WHERE relname = 'fs_index_chunks'`,
      );
      expect(options[0]?.reloptions).toEqual(['fastupdate=off']);
      const byChunk = await client.query<{ path: string }>(
        `SELECT path FROM fs_index WHERE space_id = 's' AND chunks @> '[{"hash": "c1"}]'`,
      );
      expect(byChunk).toEqual([{ path: 'a' }]);
    });

    it('0011 indexes existing snapshots by path in byte order and analyzes the tables', async () => {
      const put = `INSERT INTO crdt_snapshots (space_id, entity_id, state, vector_clock, created_at, file_exists)
                   VALUES ($1, $2, '{}', '{}', now(), $3)`;
      await step(11, async () => {
        for (let i = 0; i < 300; i++)
          await client.query(put, ['s', `f/${String(i).padStart(3, '0')}.txt`, true]);
        await client.query(put, ['s', 'B.txt', true]);
        await client.query(put, ['s', 'a-gone.txt', false]);
        await client.query(put, ['t', 'A.txt', true]);
      });
      expect(await indexes(client, 'crdt_snapshots')).toEqual(
        expect.arrayContaining(['crdt_snapshots_existing_by_path']),
      );
      // Statistics: the planner knows the space's row count, not a default guess.
      const stats = await client.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stats WHERE tablename = 'crdt_snapshots' AND attname = 'space_id'`,
      );
      expect(stats[0]?.n).toBe(1);
      const firstPage = `SELECT entity_id FROM crdt_snapshots
        WHERE space_id = 's' AND file_exists ORDER BY entity_id COLLATE "C" LIMIT 2`;
      const plan = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${firstPage}`);
      expect(plan.map((r) => r['QUERY PLAN']).join('\n')).toContain(
        'crdt_snapshots_existing_by_path',
      );
      // Byte order ("B" < "f"), whatever the database's collation; deleted entities left out.
      const rows = await client.query<{ entity_id: string }>(firstPage);
      expect(rows.map((r) => r.entity_id)).toEqual(['B.txt', 'f/000.txt']);
    });

    it('0012 records the peer frontier a sync run read, empty for the runs before it', async () => {
      await step(12, async () => {
        await client.query(
          `INSERT INTO crdt_sync_log (node_id, last_sync, events_synced, sync_direction, space_id,
             peer, events_sent, events_received, events_quarantined, duration_ms, status, error)
           VALUES ('laptop-1', now(), 2, 'push', 's', 'hub', 2, 0, 0, 5, 'ok', NULL)`,
        );
      });
      expect(await columns(client, 'crdt_sync_log')).toMatchObject({
        peer_frontier: { data_type: 'jsonb', is_nullable: 'YES' },
      });
      const log = new SyncLog(client);
      expect((await log.recent('s'))[0]?.peerFrontier).toBeNull();
      expect(await log.lastPeerFrontier('s')).toBeUndefined();
      await log.record({
        spaceId: 's',
        nodeId: 'laptop-1',
        peer: 'hub',
        direction: 'bidirectional',
        eventsSent: 1,
        eventsReceived: 3,
        eventsQuarantined: 0,
        durationMs: 7,
        status: 'ok',
        error: null,
        peerFrontier: { 'laptop-1': 3, 'phone-2': 12 },
      });
      expect(await log.lastPeerFrontier('s')).toEqual({ 'laptop-1': 3, 'phone-2': 12 });
      expect(await log.lastPeerFrontier('other-space')).toBeUndefined();
    });

    it('0013 creates the store facts table, empty', async () => {
      await step(13, async () => {
        expect(await tableExists(client, 'crdt_store_meta')).toBe(false);
      });
      expect(await columns(client, 'crdt_store_meta')).toMatchObject({
        key: { data_type: 'text', is_nullable: 'NO' },
        value: { data_type: 'text', is_nullable: 'NO' },
      });
      expect(await client.query('SELECT * FROM crdt_store_meta')).toEqual([]);
      const put = `INSERT INTO crdt_store_meta (key, value) VALUES ($1, $2)`;
      expect(await sqlState(client, put, ['snapshot_format', '2'])).toBeUndefined();
      expect(await sqlState(client, put, ['snapshot_format', '3'])).toBe(UNIQUE_VIOLATION);
    });

    it('0014 creates the unsyncable files table, one row per space, side and path', async () => {
      await step(14, async () => {
        expect(await tableExists(client, 'fs_unsyncable')).toBe(false);
      });
      expect(await columns(client, 'fs_unsyncable')).toMatchObject({
        space_id: { data_type: 'text', is_nullable: 'NO' },
        side: { data_type: 'text', is_nullable: 'NO' },
        path: { data_type: 'text', is_nullable: 'NO' },
        reason: { data_type: 'text', is_nullable: 'NO' },
        message: { data_type: 'text', is_nullable: 'NO' },
        run: { data_type: 'text', is_nullable: 'NO' },
      });
      const put = `INSERT INTO fs_unsyncable (space_id, side, path, reason, message, run)
        VALUES ($1, $2, $3, 'symlink', 'm', 'r')`;
      expect(await sqlState(client, put, ['s', 'local', 'a'])).toBeUndefined();
      expect(await sqlState(client, put, ['s', 'remote', 'a'])).toBeUndefined();
      expect(await sqlState(client, put, ['s', 'local', 'a'])).toBe(UNIQUE_VIOLATION);
      expect(await sqlState(client, put, ['s', 'elsewhere', 'b'])).toBe(CHECK_VIOLATION);
    });

    it('0015 widens event and sync-log ids to 64 bits and creates the hub account tables', async () => {
      await step(15, async () => {
        const store = await EventStore.open(client, { migrate: false });
        await store.append([1, 2, 3, 4, 5].map((seq) => appEvent('default', 'laptop', seq)));
        await client.query(
          `INSERT INTO crdt_sync_log (node_id, last_sync, sync_direction) VALUES ('laptop', now(), 'push')`,
        );
        await client.query(
          `INSERT INTO crdt_chunks (space_id, hash, size, data) VALUES ($1, $2, $3, $4), ($1, $5, $6, $7)`,
          [
            'photos',
            createHash('sha256').update('hello').digest('hex'),
            5,
            Buffer.from('hello'),
            createHash('sha256').update('hi').digest('hex'),
            2,
            Buffer.from('hi'),
          ],
        );
        // Before: 32 bits, an id past 2^31 - 1 does not fit.
        expect(await sqlState(client, INSERT_EVENT_WITH_ID, [2 ** 31, 'big-0'])).toBe(
          NUMERIC_OUT_OF_RANGE,
        );
      });
      expect(await columns(client, 'crdt_events')).toMatchObject({ id: { data_type: 'bigint' } });
      expect(await columns(client, 'crdt_sync_log')).toMatchObject({ id: { data_type: 'bigint' } });
      const sequences = await client.query<{ name: string; data_type: string; max: string }>(
        `SELECT c.relname AS name, format_type(s.seqtypid, NULL) AS data_type, s.seqmax::text AS max
         FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid
         WHERE c.relname IN ('crdt_events_id_seq', 'crdt_sync_log_id_seq') ORDER BY c.relname`,
      );
      expect(sequences).toEqual([
        { name: 'crdt_events_id_seq', data_type: 'bigint', max: '9223372036854775807' },
        { name: 'crdt_sync_log_id_seq', data_type: 'bigint', max: '9223372036854775807' },
      ]);
      // The rows kept their ids; new ones continue the sequence, past 2^31 too.
      const ids = await client.query<{ id: string }>(
        'SELECT id::text AS id FROM crdt_events ORDER BY id',
      );
      expect(ids.map((r) => r.id)).toEqual(['1', '2', '3', '4', '5']);
      expect(
        await sqlState(client, INSERT_EVENT_WITH_ID, [3_000_000_000, 'big-1']),
      ).toBeUndefined();
      await client.query(`DELETE FROM crdt_events WHERE event_id = 'big-1'`);
      await client.query(`SELECT setval(pg_get_serial_sequence('crdt_events', 'id'), 2147483647)`);
      const store = await EventStore.open(client, { migrate: false });
      await store.append([appEvent('photos', 'n1', 1)]);
      const [big] = await client.query<{ id: string }>(
        `SELECT id::text AS id FROM crdt_events WHERE space_id = 'photos'`,
      );
      expect(big?.id).toBe('2147483648');
      // Paging by local id works past 2^31.
      const page = await store.eventsByType('photos', 'FileCreated', { afterId: 2 ** 31 - 1 });
      expect([page.events.length, page.lastId]).toEqual([1, 2147483648]);
      expect(
        (await store.eventsByType('photos', 'FileCreated', { afterId: 2 ** 31 })).events,
      ).toEqual([]);
      await client.query(
        `SELECT setval(pg_get_serial_sequence('crdt_sync_log', 'id'), 4294967296)`,
      );
      // Unnamed: a statement this session prepared by name before the migration (SyncLog.record's,
      // in the 0005 and 0012 tests) keeps its 32-bit result type and fails ("cached plan must not
      // change result type"). The app migrates at open, before it prepares anything.
      await client.query(
        `INSERT INTO crdt_sync_log (node_id, last_sync, sync_direction, space_id) VALUES ('n1', now(), 'push', 'photos')`,
      );
      expect((await new SyncLog(client).recent('photos')).map((e) => e.id)).toEqual([4294967297]);

      // The account tables: one working key per (space, node); a revoked one may be replaced.
      const key = `INSERT INTO hub_device_keys (key_id, space_id, node_id, device_name, secret_hash, revoked_at)
        VALUES ($1, $2, $3, 'Laptop', $4, $5)`;
      const hash = 'ab'.repeat(32);
      expect(await sqlState(client, key, ['k1', 'photos', 'n1', hash, null])).toBeUndefined();
      expect(await sqlState(client, key, ['k2', 'photos', 'n1', hash, null])).toBe(
        UNIQUE_VIOLATION,
      );
      expect(await sqlState(client, key, ['k3', 'docs', 'n1', hash, null])).toBeUndefined();
      await client.query(`UPDATE hub_device_keys SET revoked_at = now() WHERE key_id = 'k1'`);
      expect(await sqlState(client, key, ['k4', 'photos', 'n1', hash, null])).toBeUndefined();
      expect(await sqlState(client, key, ['k5', 'photos', 'n1', 'AB'.repeat(32), null])).toBe(
        CHECK_VIOLATION,
      );
      expect(await columns(client, 'hub_device_keys')).toMatchObject({
        created_at: { data_type: 'timestamp with time zone', is_nullable: 'NO' },
        revoked_at: { is_nullable: 'YES' },
        last_seen: { is_nullable: 'YES' },
        live_until: { is_nullable: 'YES' },
      });
      const invite = `INSERT INTO hub_invites (invite_id, space_id, secret_hash, expires_at) VALUES ($1, 'photos', $2, now())`;
      expect(await sqlState(client, invite, ['i1', hash])).toBeUndefined();
      expect(await sqlState(client, invite, ['i2', hash])).toBe(UNIQUE_VIOLATION);
      expect(await columns(client, 'hub_invites')).toMatchObject({
        used_at: { is_nullable: 'YES' },
        used_by_node: { is_nullable: 'YES' },
        expires_at: { is_nullable: 'NO' },
      });
      // Usage was counted from the chunks already held.
      const usage = await client.query<{
        space_id: string;
        chunk_bytes: string;
        quota_bytes: null;
      }>('SELECT space_id, chunk_bytes::text, quota_bytes FROM hub_space_usage');
      expect(usage).toEqual([{ space_id: 'photos', chunk_bytes: '7', quota_bytes: null }]);
    });

    it('0016 counts the snapshots already held, then keeps the counts as rows change', async () => {
      const dir = DIRECTORY_HASH;
      const put = `INSERT INTO crdt_snapshots (space_id, entity_id, state, vector_clock, created_at,
                     file_exists, has_conflict, content_hash) VALUES ($1, $2, '{}', '{}', now(), $3, $4, $5)`;
      const sums = async (space: string) =>
        (
          await client.query<Record<string, string>>(
            `SELECT sum(entities)::text AS entities, sum(files)::text AS files,
               sum(folders)::text AS folders, sum(conflicts)::text AS conflicts
             FROM crdt_snapshot_counts WHERE space_id = $1`,
            [space],
          )
        )[0];
      await step(16, async () => {
        await client.query(put, ['s', 'a.txt', true, false, 'h1']);
        await client.query(put, ['s', 'gone.txt', false, false, null]);
        await client.query(put, ['s', 'folder', true, false, dir]);
        await client.query(put, ['s', 'torn.txt', true, true, 'h2']);
        await client.query(put, ['t', 'other.txt', true, false, 'h3']);
      });
      expect(await sums('s')).toEqual({ entities: '4', files: '3', folders: '1', conflicts: '1' });
      expect(await sums('t')).toEqual({ entities: '1', files: '1', folders: '0', conflicts: '0' });
      // After it: an insert, an update and a delete, several rows to a statement.
      await client.query(put, ['s', 'new.txt', true, false, 'h4']);
      await client.query(
        `UPDATE crdt_snapshots SET file_exists = false, content_hash = NULL
         WHERE space_id = 's' AND entity_id IN ('folder', 'a.txt')`,
      );
      await client.query(
        `DELETE FROM crdt_snapshots WHERE space_id = 's' AND entity_id = 'torn.txt'`,
      );
      expect(await sums('s')).toEqual({ entities: '4', files: '1', folders: '0', conflicts: '0' });
      // The upsert the store runs: one row inserted, one updated, in one statement.
      await client.query(
        `INSERT INTO crdt_snapshots AS x (space_id, entity_id, state, vector_clock, created_at, file_exists, content_hash)
         VALUES ('s', 'a.txt', '{}', '{}', now(), true, 'h5'), ('s', 'b.txt', '{}', '{}', now(), true, $1)
         ON CONFLICT (space_id, entity_id) DO UPDATE SET file_exists = excluded.file_exists,
           content_hash = excluded.content_hash`,
        [dir],
      );
      expect(await sums('s')).toEqual({ entities: '5', files: '3', folders: '1', conflicts: '0' });
      expect(await sums('t')).toEqual({ entities: '1', files: '1', folders: '0', conflicts: '0' });
    });

    it("0017 finds each entity's folder, indexes children by folder and keeps their counts", async () => {
      const put = `INSERT INTO crdt_snapshots (space_id, entity_id, state, vector_clock, created_at,
                     file_exists, content_hash) VALUES ($1, $2, '{}', '{}', now(), $3, 'h')`;
      const kept = async (space: string) =>
        client.query<{ folder: string; n: string }>(
          `SELECT folder, sum(children)::text AS n FROM crdt_folder_counts WHERE space_id = $1
           GROUP BY folder HAVING sum(children) <> 0 ORDER BY folder COLLATE "C"`,
          [space],
        );
      await step(17, async () => {
        await client.query(put, ['s', 'top.txt', true]);
        await client.query(put, ['s', 'a/b/deep.txt', true]);
        await client.query(put, ['s', 'a/b/gone.txt', false]);
        await client.query(put, ['t', 'a/other.txt', true]);
      });
      const parents = await client.query<{ p: string }>(
        `SELECT crdt_parent_folder(x) AS p FROM unnest($1::text[]) WITH ORDINALITY AS u(x, i) ORDER BY i`,
        [['top.txt', 'a/b/deep.txt', 'a/b', 'été/ça.txt', 'x/y/']],
      );
      expect(parents.map((r) => r.p)).toEqual(['', 'a/b', 'a', 'été', 'x/y']);
      expect(await indexes(client, 'crdt_snapshots')).toContain(
        'crdt_snapshots_existing_by_folder',
      );
      // Backfilled: existing rows only, per space.
      expect(await kept('s')).toEqual([
        { folder: '', n: '1' },
        { folder: 'a/b', n: '1' },
      ]);
      expect(await kept('t')).toEqual([{ folder: 'a', n: '1' }]);
      // After it: a row comes back, one is deleted, one goes, several to a statement.
      await client.query(
        `UPDATE crdt_snapshots SET file_exists = NOT file_exists WHERE space_id = 's' AND entity_id LIKE 'a/b/%'`,
      );
      await client.query(put, ['s', 'a/new.txt', true]);
      await client.query(
        `DELETE FROM crdt_snapshots WHERE space_id = 's' AND entity_id = 'top.txt'`,
      );
      expect(await kept('s')).toEqual([
        { folder: 'a', n: '1' },
        { folder: 'a/b', n: '1' },
      ]);
      // 600 one-row statements in one folder: the folds keep its rows to sum under 258.
      for (let i = 0; i < 600; i++) await client.query(put, ['s', `many/f${i}`, true]);
      const rows = await client.query<{ n: string }>(
        `SELECT count(*)::text AS n FROM crdt_folder_counts WHERE space_id = 's' AND folder = 'many'`,
      );
      expect(Number(rows[0]?.n)).toBeLessThan(258);
      expect(await kept('s')).toContainEqual({ folder: 'many', n: '600' });
      expect(await kept('t')).toEqual([{ folder: 'a', n: '1' }]);
    });

    it('0018 gives every chunk the time it was last wanted, now for the chunks already held', async () => {
      const put = `INSERT INTO crdt_chunks (space_id, hash, size, data) VALUES ($1, $2, 1, '\\x61')`;
      const before = await client.query<{ now: Date }>('SELECT now() AS now');
      await step(18, async () => {
        await client.query(put, ['s', 'a'.repeat(64)]);
      });
      await client.query(put, ['s', 'b'.repeat(64)]);
      const rows = await client.query<{ hash: string; touched_at: Date }>(
        `SELECT hash, touched_at FROM crdt_chunks ORDER BY hash`,
      );
      expect(rows.map((r) => r.hash)).toEqual(['a'.repeat(64), 'b'.repeat(64)]);
      for (const r of rows) {
        expect(r.touched_at).toBeInstanceOf(Date);
        expect(r.touched_at.getTime()).toBeGreaterThanOrEqual((before[0]?.now as Date).getTime());
      }
    });

    it('0019 adds the compaction bases and every origin starts with nothing compacted', async () => {
      await step(19, async () => {
        await client.query(
          `INSERT INTO crdt_origins (space_id, node_id, contiguous_seq, max_seq) VALUES ('s', 'A', 7, 9)`,
        );
      });
      expect(
        await client.query(
          `SELECT node_id, compacted_seq::int AS c FROM crdt_origins WHERE space_id = 's'`,
        ),
      ).toEqual([{ node_id: 'A', c: 0 }]);
      await client.query(
        `INSERT INTO crdt_compacted (space_id, entity_id, state) VALUES ('s', 'a.txt', '{}')`,
      );
      // One base per entity of a space.
      await expect(
        client.query(
          `INSERT INTO crdt_compacted (space_id, entity_id, state) VALUES ('s', 'a.txt', '{}')`,
        ),
      ).rejects.toThrow(/duplicate key|unique/);
    });

    it('0020 lets a chunk row name an object instead of holding bytes, never both or neither', async () => {
      const inline = `INSERT INTO crdt_chunks (space_id, hash, size, data) VALUES ('s', $1, 1, '\\x61')`;
      await step(20, async () => {
        await client.query(inline, ['a'.repeat(64)]);
      });
      // The row held before keeps its bytes and names no object.
      expect(
        await client.query(`SELECT size, object_key FROM crdt_chunks WHERE space_id = 's'`),
      ).toEqual([{ size: 1, object_key: null }]);
      await client.query(
        `INSERT INTO crdt_chunks (space_id, hash, size, object_key) VALUES ('s', $1, 5, 's/bb/x.1')`,
        ['b'.repeat(64)],
      );
      await expect(
        client.query(`INSERT INTO crdt_chunks (space_id, hash, size) VALUES ('s', $1, 5)`, [
          'c'.repeat(64),
        ]),
      ).rejects.toThrow(/crdt_chunks_bytes_in_one_place/);
      await expect(
        client.query(
          `INSERT INTO crdt_chunks (space_id, hash, size, data, object_key) VALUES ('s', $1, 1, '\\x61', 'k')`,
          ['d'.repeat(64)],
        ),
      ).rejects.toThrow(/crdt_chunks_bytes_in_one_place/);
      // An upload is recorded once per space and key.
      await client.query(`INSERT INTO hub_chunk_uploads (space_id, object_key) VALUES ('s', 'k')`);
      await expect(
        client.query(`INSERT INTO hub_chunk_uploads (space_id, object_key) VALUES ('s', 'k')`),
      ).rejects.toThrow(/duplicate key|unique/);
    });

    it('0021 keys events and the kept counts by space: event ids are unique within a space', async () => {
      await step(21, async () => {
        await client.query(INSERT_EVENT_WITH_ID, [7, 'e1']);
        await client.query(
          `INSERT INTO crdt_snapshot_counts (space_id, entities, files, folders, conflicts) VALUES ('big', 1, 1, 0, 0)`,
        );
      });
      const keyColumns = async (table: string) =>
        (
          await client.query<{ name: string }>(
            `SELECT a.attname AS name FROM pg_index x
             JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = ANY(x.indkey)
             WHERE x.indrelid = $1::regclass AND x.indisprimary ORDER BY array_position(x.indkey, a.attnum)`,
            [table],
          )
        ).map((r) => r.name);
      for (const table of ['crdt_events', 'crdt_snapshot_counts', 'crdt_folder_counts'])
        expect(await keyColumns(table)).toEqual(['space_id', 'id']);
      expect(await indexes(client, 'crdt_snapshot_counts')).toEqual(['crdt_snapshot_counts_pkey']);
      expect(
        await client.query(
          `SELECT id::int AS id, event_id FROM crdt_events WHERE space_id = 'big'`,
        ),
      ).toEqual([{ id: 7, event_id: 'e1' }]);
      // The same event id in another space is another event; in its own space, a duplicate.
      await client.query(
        `INSERT INTO crdt_events (event_id, space_id, entity_id, event_type, data, timestamp, node_id, vector_clock, seq, hlc)
         VALUES ('e1', 'other', 'x', 'file_created', '{}', now(), 'n', '{}', 1, 'h')`,
      );
      const inBig = `INSERT INTO crdt_events (event_id, space_id, entity_id, event_type, data, timestamp, node_id, vector_clock, seq, hlc)
         VALUES ($1, 'big', 'x', 'file_created', '{}', now(), 'n', '{}', 2, 'h')`;
      expect(await sqlState(client, inBig, ['e1'])).toBe(UNIQUE_VIOLATION);
      expect(await sqlState(client, inBig, ['e2'])).toBeUndefined();
    });

    it('0022 keeps one hub identity and the registry of hub processes', async () => {
      await step(22, () => Promise.resolve());
      const identity = `INSERT INTO hub_identity (hub_id, cert_pem, key_pem) VALUES ($1, 'c', 'k')
        ON CONFLICT (only_row) DO NOTHING`;
      await client.query(identity, ['first']);
      await client.query(identity, ['second']);
      expect(await client.query(`SELECT hub_id FROM hub_identity`)).toEqual([{ hub_id: 'first' }]);
      await client.query(
        `INSERT INTO hub_processes (process_id, address, seen_until) VALUES ('p', '127.0.0.1:7443', now())`,
      );
      expect(await client.query(`SELECT address FROM hub_processes`)).toEqual([
        { address: '127.0.0.1:7443' },
      ]);
    });

    it('has a test for every migration file', () => {
      expect([...COVERED].sort((a, b) => a - b)).toEqual(MIGRATIONS.map((m) => m.version));
    });

    it('refuses a migration that changed after it was applied', async () => {
      await migrate(client);
      const ledger = await ledgerOf(client);
      const changed: Migration[] = MIGRATIONS.map((m) =>
        m.version === 3 ? withSql(m, `${m.sql}\n-- edited after release\n`) : m,
      );
      const failure = await migrate(client, { migrations: changed }).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(NetGuardianError);
      expect((failure as NetGuardianError).code).toBe('MigrationFailed');
      expect((failure as NetGuardianError).message).toContain('migration 3');
      expect(await ledgerOf(client)).toEqual(ledger);
      // The same store opens fine with the real files.
      expect(await migrate(client)).toEqual([]);
    });

    it('leaves the ledger at N−1 and the schema untouched when migration N fails', async () => {
      const last = MIGRATIONS.length;
      await migrate(client, { targetVersion: last - 1 });
      const broken: Migration[] = MIGRATIONS.map((m) =>
        m.version === last
          ? withSql(
              m,
              `CREATE TABLE half_done (id int);\n${m.sql}\nALTER TABLE no_such_table ADD COLUMN x int;`,
            )
          : m,
      );
      const failure = await migrate(client, { migrations: broken }).catch((e: unknown) => e);
      expect((failure as NetGuardianError).code).toBe('MigrationFailed');
      expect((failure as NetGuardianError).message).toContain(`migration ${last}`);
      expect(await appliedVersions(client)).toEqual(MIGRATIONS.slice(0, -1).map((m) => m.version));
      expect(await tableExists(client, 'half_done')).toBe(false);
      // The real migration still applies afterwards.
      expect(await migrate(client)).toEqual([last]);
    });
  });
}

function withSql(m: Migration, sql: string): Migration {
  return { ...m, sql, checksum: createHash('sha256').update(sql).digest('hex') };
}

function appEvent(space: string, node: string, seq: number): CrdtEvent {
  const wallMs = Date.UTC(2026, 0, 1) + seq;
  return {
    eventId: randomUUID(),
    spaceId: space,
    entityId: `f${seq}.txt`,
    kind: 'FileCreated',
    data: { content: { hash: createHash('sha256').update(String(seq)).digest('hex'), size: seq } },
    timestamp: new Date(wallMs).toISOString(),
    hlc: encodeHlc({ wallMs, counter: 0, nodeId: node }),
    nodeId: node,
    seq,
    vectorClock: { [node]: 1 },
  };
}

describeMigrations('PGlite', () => openPgliteClient());

let db: FreshDatabase | undefined;
describeMigrations('PostgreSQL', async () => {
  db = await createFreshDatabase('migrations');
  return openPgClient({ connectionString: db.url, applicationName: 'migrations-test' });
});
afterAll(async () => {
  await db?.drop();
});
