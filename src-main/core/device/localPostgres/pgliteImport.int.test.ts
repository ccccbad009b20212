import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContentRef } from '../../../../src-shared/events/event.js';
import { makeTempDir, type TempDir } from '../../../../test/support/tempDir.js';
import { CRDTManager, type LocalWrite } from '../../crdtManager.js';
import { FileIndex, type IndexEntry } from '../../files/fileIndex.js';
import { EventStore } from '../../store/eventStore.js';
import { openPgClient } from '../../store/pgClient.js';
import { openPgliteClient } from '../../store/pgliteClient.js';
import type { SqlClient, SqlExecutor } from '../../store/sqlClient.js';
import { SyncLog } from '../../store/syncLog.js';
import { startDeviceServer, type DeviceServer } from './deviceServer.js';
import { importPgliteIfPresent, importPgliteStore } from './pgliteImport.js';

/**
 * A PGlite store of an earlier version, with real content of every kind, imported into a
 * device server: every row of every table equal, ids and sequences continued, the device the
 * same device, and the PGlite folder kept as a backup. Then the refusals.
 */

/** Every table the migrations create, but the migration ledger (written out by hand). */
const TABLES = [
  'crdt_chunks',
  'crdt_compacted',
  'crdt_device',
  'crdt_events',
  'crdt_origins',
  'crdt_quarantine',
  'crdt_snapshots',
  'crdt_store_meta',
  'crdt_sync_log',
  'fs_index',
  'fs_unsyncable',
  'hub_chunk_uploads',
  'hub_device_keys',
  'hub_devices',
  'hub_identity',
  'hub_invites',
  'hub_members',
  'hub_processes',
  'hub_space_usage',
];
/** More files than one page of the copy (2,000 rows), so events, snapshots and index page. */
const MANY = 2_100;

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const body = (text: string): ContentRef => ({ hash: sha(text), size: text.length });

const unwrap = <T>(r: { ok: true; value: T } | { ok: false; error: Error }): T => {
  if (!r.ok) throw r.error;
  return r.value;
};

let root: TempDir;
let server: DeviceServer;

beforeAll(async () => {
  root = await makeTempDir('netguardian-import-');
  // Enterable by others, so as root the cluster stays in the temp dir (and goes with it).
  await chmod(root.path, 0o755);
  const dataDir = path.join(root.path, 'server');
  await mkdir(dataDir, { mode: 0o755 });
  server = await startDeviceServer({ dataDir });
});
afterAll(async () => {
  await server?.stop();
  await root?.cleanup();
});

/** A fresh, empty database on the device server for one test. */
async function freshTarget(name: string): Promise<SqlClient> {
  const admin = await openPgClient(server.connection);
  await admin.exec(`CREATE DATABASE ${name}`);
  await admin.close();
  const url = new URL(server.connection.connectionString);
  url.pathname = `/${name}`;
  return openPgClient({ connectionString: url.toString() });
}

/**
 * Each table's rows in PostgreSQL's text form (exact, and NULL apart from a jsonb null), in a
 * stable order, under the same output settings on both sides.
 */
async function tableRows(db: SqlClient): Promise<Record<string, string>> {
  return db.transaction(async (tx: SqlExecutor) => {
    for (const setting of [
      `SET LOCAL TimeZone = 'UTC'`,
      `SET LOCAL DateStyle = 'ISO, MDY'`,
      `SET LOCAL extra_float_digits = 1`,
    ])
      await tx.query(setting);
    const out: Record<string, string> = {};
    for (const table of TABLES) {
      const [row] = await tx.query<{ rows: string | null }>(
        `SELECT coalesce(array_agg(t ORDER BY t::text)::text, '{}') AS rows FROM ${table} t`,
      );
      out[table] = row?.rows ?? '';
    }
    return out;
  });
}

interface OldStore {
  readonly nodeId: string;
  readonly maxSeq: number;
  readonly maxEventId: number;
  readonly snapshots: Record<string, unknown>;
}

/** A peer's events (one quarantined), a sync run, index rows, a chunk and a second space. */
async function addEveryKindOfRow(
  client: SqlClient,
  manager: CRDTManager,
  indexed: number,
): Promise<void> {
  // A peer's events, one valid and one that must be quarantined.
  const peerStore = await EventStore.open(await openPgliteClient());
  const peer = await CRDTManager.open({ store: peerStore, spaceId: 'docs', nodeId: 'peer-1' });
  unwrap(await peer.createFileState('from-peer.txt', { content: body('peer') }));
  const rows = await peerStore.readAboveFrontier('docs', {}, 10);
  const bad = { ...rows[0], event_id: 'bad-1', seq: 2, event_type: 'file_exploded' };
  const ingest = await manager.syncFromRemote([...rows, bad], 'hub');
  expect(ingest.quarantined.map((q) => q.code)).toEqual(['UnknownEventType']);
  await peerStore.close();

  await new SyncLog(client).record({
    spaceId: 'docs',
    nodeId: manager.nodeId,
    peer: 'hub',
    direction: 'bidirectional',
    eventsSent: 4,
    eventsReceived: 1,
    eventsQuarantined: 1,
    durationMs: 12.6,
    status: 'ok',
    error: null,
  });
  const entries: IndexEntry[] = Array.from({ length: indexed }, (_, i) => ({
    path: `bulk/${String(i).padStart(5, '0')}.txt`,
    kind: 'file',
    size: 6 + String(i).length,
    mtimeMs: 1_732_600_000_123.25 + i,
    ino: '18446744073709551615',
    mode: 0o100644,
    hash: sha(`bulk ${i}`),
    chunks: [{ hash: sha(`bulk ${i}`), size: 6 + String(i).length }],
    versionClock: { [manager.nodeId]: i + 1 },
  }));
  await new FileIndex(client, 'docs').upsertMany(entries);
  // A jsonb null is not SQL NULL: the copy must keep the two apart.
  await client.query(`UPDATE fs_index SET version_clock = 'null'::jsonb WHERE path = $1`, [
    entries[0]?.path,
  ]);
  const chunk = Buffer.from([0, 1, 2, 255, 92, 39]);
  await client.query(
    `INSERT INTO crdt_chunks (space_id, hash, size, data) VALUES ('docs', $1, $2, $3)`,
    [createHash('sha256').update(chunk).digest('hex'), chunk.length, chunk],
  );
  const other = await CRDTManager.open({ store: manager.store, spaceId: 'photos' });
  unwrap(await other.createFileState('cat.jpg', { content: body('cat') }));
}

/**
 * An earlier version's device: a PGlite store in `<dataDir>/db`. `full`: content of every kind
 * (a peer's events, a quarantined one, sync log, file index, a chunk, a second space); else a
 * few local writes only.
 */
async function buildPgliteStore(
  dataDir: string,
  options: { many: number; full: boolean },
): Promise<OldStore> {
  const client = await openPgliteClient(path.join(dataDir, 'db'));
  const store = await EventStore.open(client);
  const manager = await CRDTManager.open({ store, spaceId: 'docs', deviceName: 'Old Laptop' });
  unwrap(await manager.createFileState('a.txt', { content: body('a1'), fields: { exec: false } }));
  unwrap(await manager.updateFileState('a.txt', { content: body('a2') }));
  unwrap(await manager.createFileState('b.txt', { content: body('b') }));
  unwrap(await manager.deleteFileState('b.txt'));
  const writes: LocalWrite[] = Array.from({ length: options.many }, (_, i) => ({
    op: 'create',
    path: `bulk/${String(i).padStart(5, '0')}.txt`,
    change: { content: body(`bulk ${i}`), fields: { mtimeMs: 1_732_600_000_123.25 + i } },
  }));
  for (const result of await manager.writeBatch(writes)) unwrap(result);

  if (options.full) await addEveryKindOfRow(client, manager, options.many);

  const rebuilt = await store.rebuildSnapshots('docs');
  const [ids] = await client.query<{ max: number }>(`SELECT max(id)::int AS max FROM crdt_events`);
  const old: OldStore = {
    nodeId: manager.nodeId,
    maxSeq: await store.maxSeq('docs', manager.nodeId),
    maxEventId: Number(ids?.max),
    snapshots: Object.fromEntries([...rebuilt].map(([k, v]) => [k, v.toJSON()])),
  };
  await store.close();
  return old;
}

describe('importPgliteIfPresent', () => {
  it('imports every row of every table, continues ids and seqs, and keeps the PGlite store as a backup', async () => {
    const dataDir = path.join(root.path, 'full');
    const old = await buildPgliteStore(dataDir, { many: MANY, full: true });
    const pgliteDir = path.join(dataDir, 'db');
    const target = await freshTarget('full_import');
    try {
      const outcome = await importPgliteIfPresent({ dataDir, target });
      if (!outcome.imported) throw new Error(`not imported: ${outcome.reason}`);
      expect(Object.keys(outcome.rows).sort()).toEqual(TABLES);
      expect(outcome.rows).toMatchObject({
        crdt_events: MANY + 6, // a.txt and b.txt twice each, the peer's file, cat.jpg
        crdt_device: 1,
        crdt_quarantine: 1,
        crdt_sync_log: 1,
        crdt_chunks: 1,
        fs_index: MANY,
      });
      expect(outcome.backupDir).toBe(`${pgliteDir}.pglite-imported`);
      expect(existsSync(pgliteDir)).toBe(false);

      const backup = await openPgliteClient(outcome.backupDir);
      const expected = await tableRows(backup);
      await backup.close();
      expect(await tableRows(target)).toEqual(expected);

      const store = await EventStore.open(target);
      const rebuilt = await store.rebuildSnapshots('docs');
      expect(Object.fromEntries([...rebuilt].map(([k, v]) => [k, v.toJSON()]))).toEqual(
        old.snapshots,
      );
      const manager = await CRDTManager.open({ store, spaceId: 'docs' });
      expect(manager.nodeId).toBe(old.nodeId);
      unwrap(await manager.createFileState('new.txt', { content: body('new') }));
      expect(await store.maxSeq('docs', manager.nodeId)).toBe(old.maxSeq + 1);
      const [ids] = await target.query<{ max: number }>(
        `SELECT max(id)::int AS max FROM crdt_events`,
      );
      expect(ids?.max).toBe(old.maxEventId + 1);

      // Once imported, a later start has nothing to do.
      expect(await importPgliteIfPresent({ dataDir, target })).toEqual({
        imported: false,
        reason: 'no-pglite-store',
      });
    } finally {
      await target.close();
    }
  });

  it('refuses a target that holds data, finishes an interrupted import, and leaves another device alone', async () => {
    const dataDir = path.join(root.path, 'refusals');
    const old = await buildPgliteStore(dataDir, { many: 3, full: false });
    const pgliteDir = path.join(dataDir, 'db');
    const target = await freshTarget('refusals');
    try {
      // Imported, but killed before the rename.
      await importPgliteStore({ pgliteDir, target });
      const after = await tableRows(target);
      await expect(importPgliteStore({ pgliteDir, target })).rejects.toMatchObject({
        code: 'StoreError',
        message: expect.stringMatching(/already holds data/) as unknown,
      });
      expect(await tableRows(target)).toEqual(after);
      expect(await importPgliteIfPresent({ dataDir, target })).toEqual({
        imported: false,
        reason: 'finished-earlier-import',
        backupDir: `${pgliteDir}.pglite-imported`,
      });

      // Another device's PGlite store in the same place: not this store's, left alone.
      const other = await buildPgliteStore(dataDir, { many: 1, full: false });
      expect(other.nodeId).not.toBe(old.nodeId);
      expect(await importPgliteIfPresent({ dataDir, target })).toEqual({
        imported: false,
        reason: 'target-not-empty',
      });
      expect(existsSync(pgliteDir)).toBe(true);
      expect(await tableRows(target)).toEqual(after);
    } finally {
      await target.close();
    }
  });
});
