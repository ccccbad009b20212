import { createHash, randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeHlc } from '../../../src-shared/crdt/hlc.js';
import type { CrdtEvent } from '../../../src-shared/events/event.js';
import { parseEvent, toWire } from '../../../src-shared/events/eventSchema.js';
import { createFreshDatabase, type FreshDatabase } from '../../../test/support/freshDatabase.js';
import { PgChunkStore } from '../files/chunkStore.js';
import { EventStore } from '../store/eventStore.js';
import { loadMigrations, migrate } from '../store/migrate.js';
import { openPgClient } from '../store/pgClient.js';
import { openPgliteClient } from '../store/pgliteClient.js';
import type { SqlClient } from '../store/sqlClient.js';

/**
 * Migrations 0006 (chunk store), 0009 (space isolation) and 0015 (hub service:
 * 64-bit ids), each from N-1 with rows in place, on PGlite (where the role
 * statements must work or be skipped cleanly) and on a PostgreSQL server.
 */

const versionOf = (name: string): number => {
  const m = loadMigrations().find((x) => x.name === name);
  if (!m) throw new Error(`no migration ${name}`);
  return m.version;
};
const CHUNKS = versionOf('create_chunk_store');
const ISOLATION = versionOf('enable_space_isolation');
const HUB_SERVICE = versionOf('hub_service');
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

function makeEvent(space: string, seq: number): CrdtEvent {
  const wallMs = Date.UTC(2026, 0, 15) + seq;
  const parsed = parseEvent(
    toWire({
      eventId: randomUUID(),
      spaceId: space,
      entityId: `f${seq}.txt`,
      kind: 'FileCreated',
      data: { content: { hash: sha(`${space}${seq}`), size: 1 } },
      timestamp: new Date(wallMs).toISOString(),
      hlc: encodeHlc({ wallMs, counter: 0, nodeId: 'n1' }),
      nodeId: 'n1',
      seq,
      vectorClock: { n1: seq },
    }),
  );
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

const databases: FreshDatabase[] = [];
const targets = [
  { name: 'PGlite', open: () => openPgliteClient() },
  {
    name: 'PostgreSQL',
    async open() {
      const db = await createFreshDatabase('hub_migrations');
      databases.push(db);
      return openPgClient({ connectionString: db.url });
    },
  },
];
afterAll(async () => {
  for (const db of databases) await db.drop();
});

describe.each(targets)('hub migrations on $name', (target) => {
  it('0006 adds an empty chunk store beside the existing events', async () => {
    const client: SqlClient = await target.open();
    try {
      await migrate(client, { targetVersion: CHUNKS - 1 });
      const store = await EventStore.open(client, { migrate: false });
      await store.append([makeEvent('s1', 1)]);
      await migrate(client, { targetVersion: CHUNKS });
      expect(await store.countEvents('s1')).toBe(1);
      const chunks = new PgChunkStore(client);
      expect(await chunks.missing('s1', [sha('x')])).toEqual([sha('x')]);
      // The table refuses rows whose recorded size is not the data's.
      await expect(
        client.query(
          `INSERT INTO crdt_chunks (space_id, hash, size, data) VALUES ('s1', $1, 5, '\\x00')`,
          [sha('y')],
        ),
      ).rejects.toThrow(/check constraint/);
      await expect(
        client.query(
          `INSERT INTO crdt_chunks (space_id, hash, size, data) VALUES ('s1', 'NOT-HEX', 1, '\\x00')`,
        ),
      ).rejects.toThrow(/check constraint/);
    } finally {
      await client.close();
    }
  });

  it('0009 turns on row-level security and device grants; the owner still sees and writes every space', async () => {
    const client: SqlClient = await target.open();
    try {
      await migrate(client, { targetVersion: ISOLATION - 1 });
      const store = await EventStore.open(client, { migrate: false });
      await store.append([makeEvent('s1', 1), makeEvent('s1', 2)]);
      await store.append([makeEvent('s2', 3)]);
      await new PgChunkStore(client).put('s2', [
        { hash: sha('c'), data: new TextEncoder().encode('c') },
      ]);
      await migrate(client, { targetVersion: ISOLATION });

      const secured = await client.query<{ relname: string }>(
        `SELECT relname FROM pg_class WHERE relrowsecurity AND relname = ANY($1::text[]) ORDER BY relname`,
        [['crdt_chunks', 'crdt_events', 'crdt_origins', 'crdt_snapshots', 'hub_members']],
      );
      expect(secured.map((r) => r.relname)).toEqual([
        'crdt_chunks',
        'crdt_events',
        'crdt_origins',
        'crdt_snapshots',
        'hub_members',
      ]);
      const grants = await client.query<{ ok: boolean }>(
        `SELECT has_table_privilege('netguardian_device', 'crdt_events', 'INSERT') AND
                NOT has_table_privilege('netguardian_device', 'crdt_events', 'DELETE') AND
                has_table_privilege('netguardian_device', 'crdt_origins', 'UPDATE') AND
                NOT has_table_privilege('netguardian_device', 'hub_devices', 'SELECT') AND
                has_sequence_privilege('netguardian_device', pg_get_serial_sequence('crdt_events', 'id'), 'USAGE') AS ok`,
      );
      expect(grants[0]?.ok).toBe(true);
      // The owner (a device's own store, the hub admin) bypasses the policies.
      expect(await store.countEvents('s1')).toBe(2);
      expect(await store.countEvents('s2')).toBe(1);
      await store.append([makeEvent('s2', 4)]);
      expect(await store.countEvents('s2')).toBe(2);
      expect((await new PgChunkStore(client).getChunks('s2', [sha('c')])).size).toBe(1);
    } finally {
      await client.close();
    }
  });
  it("0015 widens the events id and its sequence under 0009's grants; a device role still appends", async () => {
    const client: SqlClient = await target.open();
    const role = `ng_test_dev_${randomUUID().slice(0, 8)}`;
    let roleMade = false;
    try {
      await migrate(client, { targetVersion: HUB_SERVICE - 1 });
      const store = await EventStore.open(client, { migrate: false });
      await store.append([makeEvent('s1', 1), makeEvent('s1', 2)]);
      await migrate(client, { targetVersion: HUB_SERVICE });

      const types = await client.query<{
        column_type: string;
        sequence_type: string;
        usage: boolean;
      }>(
        `SELECT format_type(a.atttypid, a.atttypmod) AS column_type,
                format_type(s.seqtypid, NULL) AS sequence_type,
                has_sequence_privilege('netguardian_device', s.seqrelid, 'USAGE') AS usage
         FROM pg_attribute a, pg_sequence s
         WHERE a.attrelid = 'crdt_events'::regclass AND a.attname = 'id'
           AND s.seqrelid = pg_get_serial_sequence('crdt_events', 'id')::regclass`,
      );
      expect(types).toEqual([{ column_type: 'bigint', sequence_type: 'bigint', usage: true }]);
      expect(await store.countEvents('s1')).toBe(2);

      // A device role of the old model appends past 2^31 through the granted sequence.
      await client.query(`SELECT setval(pg_get_serial_sequence('crdt_events', 'id'), 3000000000)`);
      await client.exec(`CREATE ROLE ${role} IN ROLE netguardian_device`);
      roleMade = true;
      await client.query(`INSERT INTO hub_members (space_id, role_name) VALUES ('s1', $1)`, [role]);
      const id = await client.transaction(async (tx) => {
        await tx.exec(`SET LOCAL ROLE ${role}`);
        const rows = await tx.query<{ id: string }>(
          `INSERT INTO crdt_events (event_id, space_id, entity_id, event_type, data, timestamp, node_id,
             vector_clock, seq, hlc)
           VALUES ('by-role', 's1', 'r.txt', 'file_created', '{}', now(), 'n2', '{}', 1, 'h')
           RETURNING id::text AS id`,
        );
        return rows[0]?.id;
      });
      expect(id).toBe('3000000001');
      // The new account tables are the hub's own: a device role may not read them.
      const denied = await client.query<{ ok: boolean }>(
        `SELECT NOT has_table_privilege('netguardian_device', 'hub_device_keys', 'SELECT') AND
                NOT has_table_privilege('netguardian_device', 'hub_invites', 'SELECT') AND
                NOT has_table_privilege('netguardian_device', 'hub_space_usage', 'SELECT') AS ok`,
      );
      expect(denied[0]?.ok).toBe(true);
    } finally {
      if (roleMade) await client.exec(`DROP OWNED BY ${role}; DROP ROLE ${role}`);
      await client.close();
    }
  });
});
