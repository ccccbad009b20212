import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetGuardianError } from '../../../src-shared/errors.js';
import { createFreshDatabase, type FreshDatabase } from '../../../test/support/freshDatabase.js';
import { CRDTManager } from '../crdtManager.js';
import { EventStore } from '../store/eventStore.js';
import { openPgClient } from '../store/pgClient.js';
import type { SqlClient } from '../store/sqlClient.js';
import { MIN_RETENTION_MS, startChunkCollection } from './chunkCollection.js';
import { PgChunkStorage } from './chunkStorage.js';

/**
 * The hub's chunk collection on a real PostgreSQL (issue 14 point 5): what no event references
 * and nobody wanted within the retention goes, with the space's usage; what an event references,
 * what is young and what a device was just told the hub has stays; a collection racing the
 * question a push asks first never leaves a chunk reported present and then gone.
 */

const DAY = 24 * 3600_000;
const RETENTION = 30 * DAY;

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

/** Makes chunks look last wanted `days` ago. */
const age = (space: string, hashes: readonly string[], days: number) =>
  client.query(
    `UPDATE crdt_chunks SET touched_at = now() - $3 * interval '1 day'
     WHERE space_id = $1 AND hash = ANY($2::text[])`,
    [space, hashes, days],
  );
const held = async (space: string) =>
  (
    await client.query<{ hash: string }>(
      `SELECT hash FROM crdt_chunks WHERE space_id = $1 ORDER BY hash`,
      [space],
    )
  ).map((r) => r.hash);

describe('hub chunk collection', () => {
  it('deletes unreferenced chunks unwanted past the retention, and only those, with their usage', async () => {
    const space = 'photos';
    const inChunks = chunk('referenced as a chunk of a file');
    const asWhole = chunk('referenced as the whole content, no chunk list');
    const orphan = chunk('uploaded, never pushed');
    const youngOrphan = chunk('uploaded an hour ago');
    await storage.put(space, [inChunks, asWhole, orphan, youngOrphan]);
    await storage.put('other', [orphan]);
    const manager = await CRDTManager.open({ store, spaceId: space, nodeId: 'laptop' });
    const size = (c: { data: Uint8Array }) => c.data.byteLength;
    expect(
      (
        await manager.createFileState('a.txt', {
          content: {
            hash: 'f'.repeat(64),
            size: size(inChunks),
            chunks: [{ hash: inChunks.hash, size: size(inChunks) }],
          },
        })
      ).ok,
    ).toBe(true);
    expect(
      (
        await manager.createFileState('b.txt', {
          content: { hash: asWhole.hash, size: size(asWhole) },
        })
      ).ok,
    ).toBe(true);
    await age(space, [inChunks.hash, asWhole.hash, orphan.hash], 31);
    await age('other', [orphan.hash], 31);
    const before = (await storage.usage(space)).bytes;
    expect(before).toBe(size(inChunks) + size(asWhole) + size(orphan) + size(youngOrphan));

    expect(await storage.collect(space, RETENTION)).toEqual({ chunks: 1, bytes: size(orphan) });
    expect(await held(space)).toEqual([inChunks.hash, asWhole.hash, youngOrphan.hash].sort());
    expect((await storage.usage(space)).bytes).toBe(before - size(orphan));
    // Another space's copy of the same bytes is that space's own: untouched by this collection.
    expect(await held('other')).toEqual([orphan.hash]);
    // Nothing more to take: a second run deletes nothing.
    expect(await storage.collect(space, RETENTION)).toEqual({ chunks: 0, bytes: 0 });
  });

  it('keeps a chunk a device was told the hub has, and a chunk stored again', async () => {
    const space = 'asked';
    const asked = chunk('asked for by a push');
    const storedAgain = chunk('uploaded twice');
    const gone = chunk('collected before anyone asked');
    await storage.put(space, [asked, storedAgain, gone]);
    const usage = (await storage.usage(space)).bytes;
    await age(space, [asked.hash, storedAgain.hash, gone.hash], 40);
    expect(await storage.collect(space, RETENTION)).toMatchObject({ chunks: 3 });
    // Stored again after the collection: counted again, once.
    await storage.put(space, [asked, storedAgain, gone]);
    expect((await storage.usage(space)).bytes).toBe(usage);
    await age(space, [asked.hash, storedAgain.hash, gone.hash], 40);
    // The question a push asks touches what it reports present ...
    expect(await storage.missing(space, [asked.hash])).toEqual([]);
    // ... and a put of a chunk the hub holds touches it, without counting its bytes twice.
    expect(await storage.put(space, [storedAgain])).toEqual({ newBytes: 0 });
    expect(await storage.collect(space, RETENTION)).toEqual({
      chunks: 1,
      bytes: gone.data.byteLength,
    });
    expect(await held(space)).toEqual([asked.hash, storedAgain.hash].sort());
    // A chunk collected is reported missing, so the device uploads it again.
    expect(await storage.missing(space, [gone.hash, asked.hash])).toEqual([gone.hash]);
  });

  it('never reports a chunk present that a concurrent collection deletes', async () => {
    const space = 'race';
    const chunks = Array.from({ length: 40 }, (_, i) => chunk(`racing chunk ${i}`));
    await storage.put(space, chunks);
    const hashes = chunks.map((c) => c.hash);
    let reportedPresent = 0;
    let collected = 0;
    for (let round = 0; round < 30; round++) {
      await age(space, hashes, 40);
      // The push's question and the collection at once, on two connections of the pool, each
      // sent first in every other round.
      const ask = () => storage.missing(space, hashes);
      const collect = () => storage.collect(space, RETENTION);
      const [missing, done] =
        round % 2 === 0
          ? await Promise.all([ask(), collect()])
          : await Promise.all([collect(), ask()]).then(([d, m]) => [m, d] as const);
      const present = hashes.filter((h) => !missing.includes(h));
      const after = new Set(await held(space));
      // What the collection says it deleted is exactly what is gone.
      expect(done.chunks).toBe(hashes.length - after.size);
      for (const h of present)
        expect(after.has(h), `round ${round}: ${h} reported present`).toBe(true);
      reportedPresent += present.length;
      collected += done.chunks;
      // What was collected comes back, as the device's upload would bring it.
      await storage.put(
        space,
        chunks.filter((c) => !after.has(c.hash)),
      );
    }
    // Every round ended one way or the other for each chunk (asked first: kept; collected
    // first: reported missing): the counts cover every chunk of every round.
    expect(reportedPresent + collected).toBeGreaterThanOrEqual(30 * hashes.length);
    expect((await storage.usage(space)).bytes).toBe(
      chunks.reduce((sum, c) => sum + c.data.byteLength, 0),
    );
  });

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
      expect(await collector.runNow()).toEqual({ chunks: 4, bytes: 40, events: 8 });
      expect(seen).toEqual(
        ['asked', 'other', 'photos', 'race'].flatMap((s) => [`compact ${s}`, `collect ${s}`]),
      );
    } finally {
      await collector.stop();
    }
  });
});
