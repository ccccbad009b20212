import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeHlc } from '../../../src-shared/crdt/hlc.js';
import type { CrdtEvent } from '../../../src-shared/events/event.js';
import { parseEvent, toWire } from '../../../src-shared/events/eventSchema.js';
import { NetGuardianError } from '../../../src-shared/errors.js';
import { createFreshDatabase, type FreshDatabase } from '../../../test/support/freshDatabase.js';
import { CRDTManager } from '../crdtManager.js';
import { PgChunkStore } from '../files/chunkStore.js';
import { EventStore } from '../store/eventStore.js';
import { loadMigrations } from '../store/migrate.js';
import { openPgClient } from '../store/pgClient.js';
import { openPgliteClient } from '../store/pgliteClient.js';
import type { SqlClient } from '../store/sqlClient.js';
import { SyncEngine } from '../syncEngine.js';
import {
  addDevice,
  addDeviceToSpace,
  initHub,
  listDevices,
  removeDevice,
  removeDeviceFromSpace,
  type DeviceCredentials,
} from './hubAdmin.js';
import { assertHubSchemaCurrent, openHubAsDevice } from './hubSchema.js';

/**
 * DESIGN.md §8.5 on a real PostgreSQL server: each device connects as its own
 * role, and row-level security limits it to its spaces, for reads and writes,
 * on events, snapshots, origins and chunks; the real sync path works through
 * a device role. Device roles are server-wide: each test run makes its own
 * (random names) and drops them at the end.
 */

const RLS_ERROR = /row-level security/;
const sha = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');
const chunkOf = (text: string) => {
  const data = new TextEncoder().encode(text);
  return { hash: sha(data), data };
};

let seqs = 0;
function makeEvent(space: string, node: string, entity = 'docs/a.txt'): CrdtEvent {
  const seq = ++seqs;
  const wallMs = Date.UTC(2026, 0, 15, 12, 0, 0) + seq * 1000;
  const event: CrdtEvent = {
    eventId: randomUUID(),
    spaceId: space,
    entityId: entity,
    kind: 'FileCreated',
    data: { content: { hash: sha(`${node}-${seq}`), size: 10 } },
    timestamp: new Date(wallMs).toISOString(),
    hlc: encodeHlc({ wallMs, counter: 0, nodeId: node }),
    nodeId: node,
    seq,
    vectorClock: { [node]: seq },
  };
  const parsed = parseEvent(toWire(event));
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

/** EventStore over a device's connection: never migrates (the device may not). */
const deviceStore = (client: SqlClient) => EventStore.open(client, { migrate: false });

const errorOf = async (p: Promise<unknown>): Promise<Error> => {
  const outcome = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(outcome instanceof Error)) throw new Error('expected the operation to be refused');
  return outcome;
};

let db: FreshDatabase;
let admin: SqlClient;
let adminStore: EventStore;
const tag = randomBytes(3).toString('hex');
const SPACE_A = `space-a-${tag}`;
const SPACE_B = `space-b-${tag}`;
const created: string[] = [];
let dev1: DeviceCredentials;
let dev2: DeviceCredentials;
let as1: SqlClient;
let as2: SqlClient;
const eventA = makeEvent(SPACE_A, 'node-a');
const eventB = makeEvent(SPACE_B, 'node-b');
const chunkA = chunkOf('bytes of space a');
const chunkB = chunkOf('bytes of space b');

async function newDevice(spaceId: string, deviceName: string): Promise<DeviceCredentials> {
  const device = await addDevice(db.url, { spaceId, deviceName });
  created.push(device.role);
  return device;
}

beforeAll(async () => {
  db = await createFreshDatabase('hub_rls');
  expect((await initHub(db.url)).applied).toEqual(loadMigrations().map((m) => m.version));
  admin = await openPgClient({ connectionString: db.url });
  adminStore = await EventStore.open(admin, { migrate: false });
  // What each space holds before the devices look, written by the hub's owner.
  await adminStore.append([eventA]);
  await adminStore.append([eventB]);
  await new PgChunkStore(admin).put(SPACE_A, [chunkA]);
  await new PgChunkStore(admin).put(SPACE_B, [chunkB]);
  dev1 = await newDevice(SPACE_A, 'Laptop');
  dev2 = await newDevice(SPACE_B, 'Desktop');
  as1 = await openPgClient({ connectionString: dev1.connectionString });
  as2 = await openPgClient({ connectionString: dev2.connectionString });
});

afterAll(async () => {
  await as1?.close();
  await as2?.close();
  await admin?.close();
  for (const role of created) await removeDevice(db.url, { role });
  const left = await openPgClient({ connectionString: db.url });
  const rows = await left.query('SELECT rolname FROM pg_roles WHERE rolname = ANY($1::text[])', [
    created,
  ]);
  await left.close();
  await db?.drop();
  expect(rows).toEqual([]);
});

describe('hub administration', () => {
  it('creates one LOGIN role per device, in the device group, member of its space only', async () => {
    expect(dev1.role).toMatch(/^ng_laptop_[0-9a-f]{8}$/);
    expect(dev1.connectionString).toContain(`${dev1.role}:${dev1.password}@`);
    const rows = await admin.query<{ rolcanlogin: boolean; in_group: boolean }>(
      `SELECT rolcanlogin, pg_has_role(rolname, 'netguardian_device', 'MEMBER') AS in_group
       FROM pg_roles WHERE rolname = $1`,
      [dev1.role],
    );
    expect(rows).toEqual([{ rolcanlogin: true, in_group: true }]);
    const devices = await listDevices(db.url);
    expect(devices.map((d) => [d.role, d.deviceName, d.spaces, d.roleExists])).toEqual([
      [dev1.role, 'Laptop', [SPACE_A], true],
      [dev2.role, 'Desktop', [SPACE_B], true],
    ]);
  });

  it('initHub is idempotent', async () => {
    expect((await initHub(db.url)).applied).toEqual([]);
  });

  it('refuses bad input before touching the server', async () => {
    await expect(addDevice(db.url, { spaceId: '../x', deviceName: 'pc' })).rejects.toMatchObject({
      code: 'InvalidArgument',
    });
    await expect(addDevice(db.url, { spaceId: SPACE_A, deviceName: '  ' })).rejects.toMatchObject({
      code: 'InvalidArgument',
    });
    // Never drops a role that is not one of this hub's devices.
    expect(await removeDevice(db.url, { role: 'postgres' })).toBe(false);
    expect(await removeDevice(db.url, { role: 'ng_nobody_0a1b2c3d' })).toBe(false);
    await expect(
      addDeviceToSpace(db.url, { role: 'postgres', spaceId: SPACE_A }),
    ).rejects.toMatchObject({ code: 'NotFound' });
  });
});

describe('a device role sees and writes only its own spaces', () => {
  const count = async (client: SqlClient, table: string, space: string) =>
    Number(
      (
        await client.query<{ n: number }>(
          // `table` is one of the constants below, never input.
          `SELECT count(*)::int AS n FROM ${table} WHERE space_id = $1`,
          [space],
        )
      )[0]?.n,
    );
  const TABLES = ['crdt_events', 'crdt_snapshots', 'crdt_origins', 'crdt_chunks'];

  it('reads: zero rows of the other space in every table, its own rows visible', async () => {
    for (const table of TABLES) {
      expect(await count(as1, table, SPACE_B), `${table} of B as device 1`).toBe(0);
      expect(await count(as2, table, SPACE_A), `${table} of A as device 2`).toBe(0);
      expect(await count(as1, table, SPACE_A), `${table} of A as device 1`).toBe(1);
      expect(await count(as2, table, SPACE_B), `${table} of B as device 2`).toBe(1);
      // Not even without a filter.
      const all = await as1.query<{ space_id: string }>(`SELECT DISTINCT space_id FROM ${table}`);
      expect(all.map((r) => r.space_id)).toEqual([SPACE_A]);
    }
    expect(
      await as1.query('SELECT * FROM crdt_events WHERE event_id = $1', [eventB.eventId]),
    ).toEqual([]);
    // Its own memberships only: not which other roles or spaces exist.
    expect(await as1.query('SELECT space_id, role_name FROM hub_members')).toEqual([
      { space_id: SPACE_A, role_name: dev1.role },
    ]);
  });

  it('writes into the other space are refused with a row-level security error', async () => {
    const other = makeEvent(SPACE_B, 'node-x');
    const row = toWire(other);
    const refused: (() => Promise<unknown>)[] = [
      () =>
        as1.query(
          `INSERT INTO crdt_events (event_id, space_id, entity_id, event_type, data, timestamp, hlc, node_id, seq, vector_clock)
         VALUES ($1, $2, $3, 'file_created', '{}', now(), $4, $5, $6, '{}')`,
          [row.event_id, SPACE_B, row.entity_id, row.hlc, row.node_id, row.seq],
        ),
      () =>
        as1.query(
          `INSERT INTO crdt_snapshots (space_id, entity_id, state, vector_clock, created_at) VALUES ($1, 'x', '{}', '{}', now())`,
          [SPACE_B],
        ),
      () =>
        as1.query(
          `INSERT INTO crdt_origins (space_id, node_id, contiguous_seq, max_seq) VALUES ($1, 'node-x', 1, 1)`,
          [SPACE_B],
        ),
      () =>
        as1.query(
          `INSERT INTO crdt_chunks (space_id, hash, size, data) VALUES ($1, $2, 1, '\\x00')`,
          [SPACE_B, sha('\0')],
        ),
      // Upserts onto the other space's existing rows.
      () =>
        as1.query(
          `INSERT INTO crdt_origins (space_id, node_id, contiguous_seq, max_seq) VALUES ($1, 'node-b', 99, 99)
         ON CONFLICT (space_id, node_id) DO UPDATE SET max_seq = 99`,
          [SPACE_B],
        ),
      // Moving its own rows into the other space.
      () =>
        as1.query(`UPDATE crdt_snapshots SET space_id = $1 WHERE space_id = $2`, [
          SPACE_B,
          SPACE_A,
        ]),
      () =>
        as1.query(`UPDATE crdt_origins SET space_id = $1 WHERE space_id = $2`, [SPACE_B, SPACE_A]),
      // Through the product code paths.
      async () => (await deviceStore(as1)).append([other]),
      () => new PgChunkStore(as1).put(SPACE_B, [chunkOf('smuggled')]),
    ];
    for (const [i, attempt] of refused.entries()) {
      const error = await errorOf(attempt());
      expect(error.message, `attempt ${i}`).toMatch(RLS_ERROR);
      expect((error as { code?: string }).code, `attempt ${i}`).toBe('42501');
    }
  });

  it('updates and deletes of the other space touch nothing', async () => {
    const updated = await as1.query(
      `UPDATE crdt_snapshots SET has_conflict = true WHERE space_id = $1 RETURNING entity_id`,
      [SPACE_B],
    );
    expect(updated).toEqual([]);
    const updatedOrigins = await as1.query(
      `UPDATE crdt_origins SET max_seq = 99 WHERE space_id = $1 RETURNING node_id`,
      [SPACE_B],
    );
    expect(updatedOrigins).toEqual([]);
    // No DELETE, TRUNCATE or DDL at all, not even in its own space.
    for (const statement of [
      `DELETE FROM crdt_events WHERE space_id = '${SPACE_A}'`,
      `DELETE FROM crdt_chunks`,
      `TRUNCATE crdt_events`,
      `DROP TABLE crdt_chunks`,
      `ALTER TABLE crdt_events DISABLE ROW LEVEL SECURITY`,
      `INSERT INTO hub_members (space_id, role_name) VALUES ('${SPACE_B}', current_user)`,
      `CREATE TABLE evil (x int)`,
    ]) {
      const error = await errorOf(as1.exec(statement));
      expect(error.message, statement).toMatch(
        /permission denied|must be owner|row-level security/,
      );
    }
    // The other space is exactly as it was.
    const b = await admin.query<{ has_conflict: boolean; max_seq: string }>(
      `SELECT s.has_conflict, o.max_seq FROM crdt_snapshots s JOIN crdt_origins o USING (space_id)
       WHERE space_id = $1`,
      [SPACE_B],
    );
    expect(b).toEqual([{ has_conflict: false, max_seq: String(eventB.seq) }]);
    expect(await count(admin, 'crdt_events', SPACE_B)).toBe(1);
    expect(await count(admin, 'crdt_chunks', SPACE_B)).toBe(1);
  });

  it('the store and chunk APIs see nothing of the other space', async () => {
    const store1 = await deviceStore(as1);
    expect(await store1.getFrontier(SPACE_B)).toEqual({});
    expect(await store1.readAboveFrontier(SPACE_B, {}, 100)).toEqual([]);
    expect(await store1.countAboveFrontier(SPACE_B, {})).toBe(0);
    expect(await store1.getEvent(eventB.eventId)).toBeUndefined();
    const chunks1 = new PgChunkStore(as1);
    expect((await chunks1.getChunks(SPACE_B, [chunkB.hash])).size).toBe(0);
    expect(await chunks1.missing(SPACE_B, [chunkB.hash])).toEqual([chunkB.hash]);
  });
});

describe('the real sync path through device roles', () => {
  it('append, frontier, read, chunks and live notification all work under row-level security', async () => {
    const laptop = await newDevice(SPACE_A, 'sync laptop');
    const phone = await newDevice(SPACE_A, 'sync phone');
    const hubForLaptop = await openHubAsDevice({
      connectionString: laptop.connectionString,
      spaceId: SPACE_A,
    });
    const hubForPhone = await openHubAsDevice({
      connectionString: phone.connectionString,
      spaceId: SPACE_A,
    });
    const [laptopStore, phoneStore] = await Promise.all([
      openPgliteClient().then((c) => EventStore.open(c)),
      openPgliteClient().then((c) => EventStore.open(c)),
    ]);
    try {
      // The phone listens on the hub as its own role (LISTEN needs no privilege).
      const notified: string[] = [];
      const unlisten = await hubForPhone.listen((space) => notified.push(space));

      // The laptop writes a file and pushes it: chunks first, then the events.
      const laptopCrdt = await CRDTManager.open({
        store: laptopStore,
        spaceId: SPACE_A,
        nodeId: 'laptop',
      });
      const bytes = chunkOf('hello from the laptop');
      const made = await laptopCrdt.createFileState('notes/hello.txt', {
        content: {
          hash: bytes.hash,
          size: bytes.data.length,
          chunks: [{ hash: bytes.hash, size: bytes.data.length }],
        },
      });
      expect(made.ok).toBe(true);
      const laptopChunks = new PgChunkStore(hubForLaptop.client);
      const laptopSync = new SyncEngine({
        manager: laptopCrdt,
        remote: hubForLaptop,
        beforePushBatch: async () => {
          const missing = await laptopChunks.missing(SPACE_A, [bytes.hash]);
          await laptopChunks.put(SPACE_A, missing.includes(bytes.hash) ? [bytes] : []);
        },
      });
      const pushed = await laptopSync.pushSync();
      expect(pushed.error).toBeNull();
      expect(pushed.sent).toBe(1);

      // The phone pulls it and fetches the content, verifying the hash.
      const phoneCrdt = await CRDTManager.open({
        store: phoneStore,
        spaceId: SPACE_A,
        nodeId: 'phone',
      });
      const phoneSync = new SyncEngine({ manager: phoneCrdt, remote: hubForPhone });
      const pulled = await phoneSync.pullSync();
      expect(pulled.error).toBeNull();
      // Device 1's seeded event (from the owner) and the laptop's file.
      expect(pulled.received).toBe(2);
      const view = await phoneCrdt.getFileState('notes/hello.txt');
      expect(view?.content?.hash).toBe(bytes.hash);
      const got = await new PgChunkStore(hubForPhone.client).getChunks(SPACE_A, [bytes.hash]);
      expect(sha(got.get(bytes.hash) ?? new Uint8Array())).toBe(bytes.hash);

      // The phone writes back; the laptop pulls; frontiers agree on both sides.
      expect((await phoneCrdt.deleteFileState('notes/hello.txt')).ok).toBe(true);
      expect((await phoneSync.bidirectionalSync()).error).toBeNull();
      expect((await laptopSync.bidirectionalSync()).error).toBeNull();
      expect((await laptopCrdt.getFileState('notes/hello.txt'))?.exists).toBe(false);
      expect(await hubForLaptop.getFrontier(SPACE_A)).toEqual(
        await adminStore.getFrontier(SPACE_A),
      );

      // pg_notify ran inside the device's append and reached the other device.
      await expect.poll(() => notified, { timeout: 10_000 }).toContain(SPACE_A);
      await unlisten();
      await laptopSync.close();
      await phoneSync.close();
    } finally {
      await hubForLaptop.close();
      await hubForPhone.close();
      await laptopStore.close();
      await phoneStore.close();
    }
  });

  it('a device opening a space it does not belong to gets a clear error', async () => {
    const error = await errorOf(
      openHubAsDevice({ connectionString: dev1.connectionString, spaceId: SPACE_B }),
    );
    expect((error as NetGuardianError).code).toBe('AccessDenied');
    expect(error.message).toContain(`role ${dev1.role} is not a member of space ${SPACE_B}`);
  });

  it('the schema check names both versions when the hub is behind', async () => {
    const known = loadMigrations();
    await expect(assertHubSchemaCurrent(as1, known)).resolves.toBeUndefined();
    const last = known[known.length - 1];
    if (!last) throw new Error('no migrations');
    const newer = [...known, { ...last, version: last.version + 1, name: 'from_the_future' }];
    const error = await errorOf(assertHubSchemaCurrent(as1, newer));
    expect(error).toBeInstanceOf(NetGuardianError);
    expect((error as NetGuardianError).code).toBe('SchemaOutdated');
    expect(error.message).toBe(
      `hub schema is at version ${last.version}, this NetGuardian needs ${last.version + 1}: run \`netguardian hub init\``,
    );
    const edited = known.map((m) => (m.version === 1 ? { ...m, checksum: 'x' } : m));
    expect((await errorOf(assertHubSchemaCurrent(as1, edited))).message).toMatch(/differs/);
  });
});

describe('a role in two spaces', () => {
  it('sees both, and loses one when taken out of it', async () => {
    const both = await newDevice(SPACE_A, 'both');
    await addDeviceToSpace(db.url, { role: both.role, spaceId: SPACE_B });
    const client = await openPgClient({ connectionString: both.connectionString });
    try {
      const spaces = async () =>
        (
          await client.query<{ space_id: string }>(
            'SELECT DISTINCT space_id FROM crdt_events WHERE space_id = ANY($1::text[]) ORDER BY 1',
            [[SPACE_A, SPACE_B]],
          )
        ).map((r) => r.space_id);
      expect(await spaces()).toEqual([SPACE_A, SPACE_B]);
      const chunks = new PgChunkStore(client);
      expect(await chunks.missing(SPACE_A, [chunkA.hash])).toEqual([]);
      expect(await chunks.missing(SPACE_B, [chunkB.hash])).toEqual([]);
      await chunks.put(SPACE_B, [chunkOf('written into B by a member of both')]);

      expect(await removeDeviceFromSpace(db.url, { role: both.role, spaceId: SPACE_B })).toBe(true);
      expect(await spaces()).toEqual([SPACE_A]);
    } finally {
      await client.close();
    }
  });

  it('a removed device can no longer connect', async () => {
    const gone = await newDevice(SPACE_A, 'gone');
    expect(await removeDevice(db.url, { role: gone.role })).toBe(true);
    await expect(openPgClient({ connectionString: gone.connectionString })).rejects.toThrow(
      /does not exist|authentication failed/,
    );
    expect((await listDevices(db.url)).map((d) => d.role)).not.toContain(gone.role);
  });
});
