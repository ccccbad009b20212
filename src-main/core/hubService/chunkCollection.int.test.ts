import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetGuardianError } from '../../../src-shared/errors.js';
import { createFreshDatabase, type FreshDatabase } from '../../../test/support/freshDatabase.js';
import { EventStore } from '../store/eventStore.js';
import { openPgClient } from '../store/pgClient.js';
import type { SqlClient } from '../store/sqlClient.js';
import { MIN_RETENTION_MS, startChunkCollection } from './chunkCollection.js';
import { PgChunkStorage } from './chunkStorage.js';

/**
 * The hub's chunk collection's schedule on a real PostgreSQL: its retention floor and its run
 * over every space. What a collection takes and keeps, on each backend and racing a push, is
 * the chunk storage contract (chunkStorage.contract.int.test.ts).
 */

const RETENTION = 30 * 24 * 3600_000;

const bytesOf = (text: string) => Buffer.from(text);
const hashOf = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');
const chunk = (text: string) => ({ hash: hashOf(bytesOf(text)), data: bytesOf(text) });

let db: FreshDatabase;
let client: SqlClient;
let store: EventStore;
let storage: PgChunkStorage;

beforeAll(async () => {
  db = await createFreshDatabase('chunk_collection');
  store = await EventStore.open(
    await openPgClient({ connectionString: db.url, applicationName: 'chunk-collection' }),
  );
  client = store.client;
  storage = new PgChunkStorage(client);
}, 60_000);
afterAll(async () => {
  await store?.close();
  await db?.drop();
});

describe('hub chunk collection', () => {
  it('refuses a retention shorter than a push can take, in words', () => {
    const start = () =>
      startChunkCollection({
        client,
        collect: () => Promise.resolve({ chunks: 0, bytes: 0 }),
        retentionMs: MIN_RETENTION_MS - 1,
        log: { info: () => undefined, warn: () => undefined },
      });
    expect(start).toThrow(NetGuardianError);
    expect(start).toThrow(/the chunk retention must be at least 6 hours/);
  });

  it('runs over every space that holds chunks, compacting its event log first', async () => {
    await storage.put('photos', [chunk('a photo')]);
    await storage.put('other', [chunk('another file')]);
    const seen: string[] = [];
    const collector = startChunkCollection({
      client,
      compact: (spaceId) => {
        seen.push(`compact ${spaceId}`);
        return Promise.resolve({ pruned: 2 });
      },
      collect: (spaceId) => {
        seen.push(`collect ${spaceId}`);
        return Promise.resolve({ chunks: 1, bytes: 10 });
      },
      retentionMs: RETENTION,
      log: { info: () => undefined, warn: () => undefined },
    });
    try {
      expect(await collector.runNow()).toEqual({ chunks: 2, bytes: 20, events: 4 });
      expect(seen).toEqual(['other', 'photos'].flatMap((s) => [`compact ${s}`, `collect ${s}`]));
    } finally {
      await collector.stop();
    }
  });
});
