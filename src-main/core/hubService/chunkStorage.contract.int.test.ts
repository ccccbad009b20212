import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFreshDatabase, type FreshDatabase } from '../../../test/support/freshDatabase.js';
import { testS3 } from '../../../test/support/s3Env.js';
import { CRDTManager } from '../crdtManager.js';
import { EventStore } from '../store/eventStore.js';
import { openPgClient } from '../store/pgClient.js';
import type { SqlClient } from '../store/sqlClient.js';
import { collectChunks } from './chunkCollection.js';
import { PgChunkStorage, type HubChunkStorage } from './chunkStorage.js';
import { ObjectChunkStorage } from './objectChunkStorage.js';
import type { ObjectStore } from './objectStore/objectStore.js';
import { openS3ObjectStore } from './objectStore/s3ObjectStore.js';

/**
 * The hub's chunk storage contract, run against both backends on real servers (issue 17 points
 * 1, 2 and 5): PostgreSQL (bytes in `crdt_chunks`) and S3-compatible object storage (bytes as
 * objects on the test's S3 server, the index in PostgreSQL). Every expected value is written
 * out from the contract: what the space lacks, what comes back byte for byte, what the quota
 * refuses (and that a refusal stores nothing), what the collection takes and keeps, and that a
 * collection racing a push never leaves the push's chunk gone.
 */

const DAY = 24 * 3600_000;
const RETENTION = 30 * DAY;

const hashOf = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');
const chunkOf = (data: Uint8Array) => ({ hash: hashOf(data), data });
const chunk = (text: string) => chunkOf(Buffer.from(text));
const sizeOf = (c: { data: Uint8Array }) => c.data.byteLength;

let db: FreshDatabase;
let store: EventStore;
let client: SqlClient;
let objects: ObjectStore;

beforeAll(async () => {
  db = await createFreshDatabase('chunk_contract');
  store = await EventStore.open(
    await openPgClient({ connectionString: db.url, applicationName: 'chunk-contract' }),
  );
  client = store.client;
  const s3 = testS3();
  objects = await openS3ObjectStore(s3.location, s3.env);
  await objects.check();
}, 60_000);
afterAll(async () => {
  objects?.close();
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
const setQuota = (space: string, bytes: number | null) =>
  client.query(
    `INSERT INTO hub_space_usage (space_id, quota_bytes) VALUES ($1, $2)
     ON CONFLICT (space_id) DO UPDATE SET quota_bytes = excluded.quota_bytes`,
    [space, bytes],
  );
/** The objects the space has in the object store (none for the PostgreSQL backend). */
const objectsOf = (space: string) => objects.list(`${space}/`, 10_000);
/** Pushes a file whose content is `chunks`, so those chunks are referenced. */
async function reference(
  space: string,
  path: string,
  chunks: { hash: string; data: Uint8Array }[],
) {
  const manager = await CRDTManager.open({ store, spaceId: space, nodeId: 'laptop' });
  const size = chunks.reduce((n, c) => n + sizeOf(c), 0);
  const created = await manager.createFileState(path, {
    content: {
      hash: 'f'.repeat(64),
      size,
      chunks: chunks.map((c) => ({ hash: c.hash, size: sizeOf(c) })),
    },
  });
  expect(created.ok).toBe(true);
}

const backends: { name: string; kind: 'postgres' | 's3'; make: () => HubChunkStorage }[] = [
  { name: 'PostgreSQL', kind: 'postgres', make: () => new PgChunkStorage(client) },
  { name: 'S3 object storage', kind: 's3', make: () => new ObjectChunkStorage(client, objects) },
];

describe.each(backends)('hub chunk storage on $name', ({ kind, make }) => {
  let storage: HubChunkStorage;
  /** Space names of this backend's own (both backends share one database). */
  const sp = (name: string) => `${kind}-${name}`;
  beforeAll(() => {
    storage = make();
  });

  it('says what a space lacks, stores each chunk once and gives back the same bytes', async () => {
    const space = sp('roundtrip');
    const small = chunk('a small chunk');
    const empty = chunkOf(new Uint8Array(0));
    const large = chunkOf(randomBytes(3 * 1024 * 1024 + 17));
    expect(await storage.missing(space, [small.hash, large.hash, small.hash, empty.hash])).toEqual([
      small.hash,
      large.hash,
      empty.hash,
    ]);
    expect(await storage.put(space, [small, large, empty, small])).toEqual({
      newBytes: sizeOf(small) + sizeOf(large),
    });
    expect(await storage.missing(space, [large.hash, 'e'.repeat(64), small.hash])).toEqual([
      'e'.repeat(64),
    ]);
    // Stored again: nothing new, nothing counted twice.
    expect(await storage.put(space, [small, large])).toEqual({ newBytes: 0 });
    expect(await storage.usage(space)).toEqual({
      bytes: sizeOf(small) + sizeOf(large),
      quota: null,
    });
    const sizes = await storage.sizes(space, [large.hash, 'e'.repeat(64), small.hash]);
    expect(sizes.sort((a, b) => a.hash.localeCompare(b.hash))).toEqual(
      [
        { hash: large.hash, size: sizeOf(large) },
        { hash: small.hash, size: sizeOf(small) },
      ].sort((a, b) => a.hash.localeCompare(b.hash)),
    );
    const got = await storage.get(space, [small.hash, large.hash, empty.hash, 'e'.repeat(64)]);
    expect([...got.keys()].sort()).toEqual([small.hash, large.hash, empty.hash].sort());
    expect(hashOf(got.get(large.hash) ?? new Uint8Array())).toBe(large.hash);
    expect(Buffer.from(got.get(small.hash) ?? []).toString()).toBe('a small chunk');
    expect(got.get(empty.hash)?.byteLength).toBe(0);
    // Streamed out in the order asked, each body its chunk's bytes.
    const opened = await storage.open(space, [
      { hash: large.hash, size: sizeOf(large) },
      { hash: 'e'.repeat(64), size: 3 },
      { hash: small.hash, size: sizeOf(small) },
    ]);
    const streamed: { hash: string; bytes: Buffer }[] = [];
    try {
      for (const body of opened.bodies) {
        const pieces: Buffer[] = [];
        for await (const piece of body.body) pieces.push(Buffer.from(piece));
        streamed.push({ hash: body.hash, bytes: Buffer.concat(pieces) });
      }
    } finally {
      opened.close();
    }
    expect(streamed.map((s) => s.hash)).toEqual([large.hash, small.hash]);
    expect(streamed.map((s) => hashOf(s.bytes))).toEqual([large.hash, small.hash]);
    if (kind === 's3') expect(await objectsOf(space)).toHaveLength(3);
  });

  it('keeps spaces apart: one space never sees or gets another space’s chunks', async () => {
    const secret = chunk('only in the first space');
    await storage.put(sp('first'), [secret]);
    expect(await storage.missing(sp('second'), [secret.hash])).toEqual([secret.hash]);
    expect((await storage.get(sp('second'), [secret.hash])).size).toBe(0);
    expect(await storage.sizes(sp('second'), [secret.hash])).toEqual([]);
    expect((await storage.usage(sp('second'))).bytes).toBe(0);
  });

  it('refuses a put that would pass the quota, storing none of it, and takes one that fits', async () => {
    const space = sp('quota');
    const first = chunk('x'.repeat(600));
    const second = chunk('y'.repeat(600));
    await setQuota(space, 1000);
    expect(await storage.put(space, [first])).toEqual({ newBytes: 600 });
    const refused = storage.put(space, [second]);
    await expect(refused).rejects.toMatchObject({ code: 'QuotaExceeded' });
    await expect(refused).rejects.toThrow(
      /would hold 1\.2 KB on the hub, over its quota of 1,000 bytes/,
    );
    expect(await storage.missing(space, [second.hash])).toEqual([second.hash]);
    expect(await storage.usage(space)).toEqual({ bytes: 600, quota: 1000 });
    // A chunk the space holds costs nothing against the quota.
    expect(await storage.put(space, [first])).toEqual({ newBytes: 0 });
    if (kind === 's3') expect(await objectsOf(space)).toHaveLength(1);
    await setQuota(space, null);
    expect(await storage.put(space, [second])).toEqual({ newBytes: 600 });
  });

  it('collects unreferenced chunks unwanted past the retention, and only those, with their usage', async () => {
    const space = sp('photos');
    const inChunks = chunk('referenced as a chunk of a file');
    const orphan = chunk('uploaded, never pushed');
    const youngOrphan = chunk('uploaded an hour ago');
    await storage.put(space, [inChunks, orphan, youngOrphan]);
    await reference(space, 'a.txt', [inChunks]);
    await age(space, [inChunks.hash, orphan.hash], 31);
    expect((await storage.usage(space)).bytes).toBe(
      sizeOf(inChunks) + sizeOf(orphan) + sizeOf(youngOrphan),
    );
    expect(await storage.collect(space, RETENTION)).toEqual({ chunks: 1, bytes: sizeOf(orphan) });
    expect(await held(space)).toEqual([inChunks.hash, youngOrphan.hash].sort());
    expect((await storage.usage(space)).bytes).toBe(sizeOf(inChunks) + sizeOf(youngOrphan));
    if (kind === 's3') {
      // The collected chunk's object is gone too; the others' stay.
      const keys = await objectsOf(space);
      expect(keys.map((k) => k.split('/')[2]?.split('.')[0]).sort()).toEqual(
        [inChunks.hash, youngOrphan.hash].sort(),
      );
    }
    expect(await storage.collect(space, RETENTION)).toEqual({ chunks: 0, bytes: 0 });
  });

  it('keeps a chunk a device was told the hub has, and a chunk stored again', async () => {
    const space = sp('asked');
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
    const space = sp('race');
    const chunks = Array.from({ length: 20 }, (_, i) => chunk(`racing chunk ${i}`));
    await storage.put(space, chunks);
    const hashes = chunks.map((c) => c.hash);
    let reportedPresent = 0;
    let collected = 0;
    for (let round = 0; round < 12; round++) {
      await age(space, hashes, 40);
      const ask = () => storage.missing(space, hashes);
      const collect = () => storage.collect(space, RETENTION);
      const [missing, done] =
        round % 2 === 0
          ? await Promise.all([ask(), collect()])
          : await Promise.all([collect(), ask()]).then(([d, m]) => [m, d] as const);
      const present = hashes.filter((h) => !missing.includes(h));
      const after = new Set(await held(space));
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
    expect(reportedPresent + collected).toBeGreaterThanOrEqual(12 * hashes.length);
    expect((await storage.usage(space)).bytes).toBe(chunks.reduce((n, c) => n + sizeOf(c), 0));
    // Every chunk still reads back whole after all the rounds.
    const got = await storage.get(space, hashes);
    expect([...got.entries()].every(([h, data]) => hashOf(data) === h)).toBe(true);
    expect(got.size).toBe(hashes.length);
  });

  it('two hub processes collecting one space at once delete each chunk once', async () => {
    const space = sp('two-collectors');
    const chunks = Array.from({ length: 30 }, (_, i) => chunk(`collected by two ${i}`));
    await storage.put(space, chunks);
    await age(
      space,
      chunks.map((c) => c.hash),
      40,
    );
    // A second process: its own connection pool to the same database and the same backend.
    const other = await openPgClient({ connectionString: db.url, applicationName: 'second-hub' });
    try {
      const second =
        kind === 's3' ? new ObjectChunkStorage(other, objects) : new PgChunkStorage(other);
      const [a, b] = await Promise.all([
        storage.collect(space, RETENTION),
        second.collect(space, RETENTION),
      ]);
      expect(a.chunks + b.chunks).toBe(30);
      expect(a.bytes + b.bytes).toBe(chunks.reduce((n, c) => n + sizeOf(c), 0));
      expect((await storage.usage(space)).bytes).toBe(0);
      expect(await held(space)).toEqual([]);
      if (kind === 's3') expect(await objectsOf(space)).toEqual([]);
    } finally {
      await other.close();
    }
  });
});

describe('hub chunk storage on S3: what only object storage needs', () => {
  let storage: ObjectChunkStorage;
  beforeAll(() => {
    storage = new ObjectChunkStorage(client, objects);
  });

  it('a push that uploads a chunk while the collection is deleting its old object keeps the new bytes', async () => {
    const space = 's3-generation';
    const wanted = chunk('collected, then wanted again at once');
    await storage.put(space, [wanted]);
    await age(space, [wanted.hash], 40);
    const [oldKey] = await objectsOf(space);
    // The collection deletes the row, then (after its commit) the object. The push runs in
    // between: the hub says the chunk is missing, the device uploads it, the push names it.
    let pushed = false;
    const collected = await collectChunks(client, space, RETENTION, async (keys) => {
      expect(keys).toEqual([oldKey]);
      expect(await storage.missing(space, [wanted.hash])).toEqual([wanted.hash]);
      expect(await storage.put(space, [wanted])).toEqual({ newBytes: sizeOf(wanted) });
      pushed = true;
      await objects.delete(keys);
    });
    expect(pushed).toBe(true);
    expect(collected).toEqual({ chunks: 1, bytes: sizeOf(wanted) });
    // The new copy is a new object: the old one's delete never touched it.
    const keys = await objectsOf(space);
    expect(keys).toHaveLength(1);
    expect(keys[0]).not.toBe(oldKey);
    const got = await storage.get(space, [wanted.hash]);
    expect(Buffer.from(got.get(wanted.hash) ?? []).toString()).toBe(
      'collected, then wanted again at once',
    );
    expect((await storage.usage(space)).bytes).toBe(sizeOf(wanted));
  });

  it('an upload a hub died in the middle of is deleted by the next collection, never left behind', async () => {
    const space = 's3-abandoned';
    const kept = chunk('named by its row');
    await storage.put(space, [kept]);
    // What a killed put leaves: the record, then the object, and no row naming it.
    const lostKey = `${space}/ab/${'ab'.repeat(32)}.0000000000000001`;
    await storage.recordUploads(space, [lostKey]);
    await objects.put(lostKey, 5, Buffer.from('lost!'));
    expect(await objectsOf(space)).toHaveLength(2);
    // A young record may be a put under way: left alone.
    await storage.collect(space, RETENTION);
    expect(await objectsOf(space)).toHaveLength(2);
    await client.query(
      `UPDATE hub_chunk_uploads SET started_at = now() - interval '2 hours' WHERE space_id = $1`,
      [space],
    );
    await storage.collect(space, RETENTION);
    const left = await objectsOf(space);
    expect(left).toHaveLength(1);
    expect(left[0]).toContain(kept.hash);
    expect(
      await client.query(`SELECT object_key FROM hub_chunk_uploads WHERE space_id = $1`, [space]),
    ).toEqual([]);
  });

  it('streams chunks in, a few bytes at a time: stored and named; one whose bytes are not its hash leaves nothing', async () => {
    const space = 's3-streamed';
    const big = chunkOf(randomBytes(1024 * 1024 + 3));
    const small = chunk('a streamed chunk');
    const empty = chunkOf(new Uint8Array(0));
    const forged = { hash: chunk('what the hash says').hash, data: Buffer.from('other bytes') };
    const receiver = storage.receive(space);
    const send = async (c: { hash: string; data: Uint8Array }) => {
      await receiver.begin(c.hash, c.data.byteLength);
      // In pieces of 1000 bytes: the receiver never has the chunk whole.
      for (let i = 0; i < c.data.byteLength; i += 1000)
        await receiver.write(c.data.subarray(i, i + 1000));
      await receiver.end();
    };
    await send(big);
    await send(empty);
    const refused = send(forged);
    await expect(refused).rejects.toMatchObject({ code: 'ChunkHashMismatch' });
    await expect(refused).rejects.toThrow(/does not match its 11 bytes: refused, nothing stored/);
    await send(small);
    await receiver.commit();
    expect(await storage.missing(space, [big.hash, small.hash, empty.hash, forged.hash])).toEqual([
      forged.hash,
    ]);
    const got = await storage.get(space, [big.hash, small.hash, empty.hash]);
    expect(hashOf(got.get(big.hash) ?? new Uint8Array())).toBe(big.hash);
    expect(Buffer.from(got.get(small.hash) ?? []).toString()).toBe('a streamed chunk');
    expect(got.get(empty.hash)?.byteLength).toBe(0);
    expect((await storage.usage(space)).bytes).toBe(sizeOf(big) + sizeOf(small));
    // Three objects, none for the forged chunk, and no upload left recorded.
    const keys = await objectsOf(space);
    expect(keys).toHaveLength(3);
    expect(keys.some((k) => k.includes(forged.hash))).toBe(false);
    expect(
      await client.query(`SELECT object_key FROM hub_chunk_uploads WHERE space_id = $1`, [space]),
    ).toEqual([]);
  });

  it('a streamed upload cut off leaves no object, and the quota refuses a chunk before its bytes', async () => {
    const space = 's3-streamed-cut';
    const receiver = storage.receive(space);
    const done = chunk('arrived whole, never named');
    await receiver.begin(done.hash, done.data.byteLength);
    await receiver.write(done.data);
    await receiver.end();
    const half = chunkOf(randomBytes(200_000));
    await receiver.begin(half.hash, half.data.byteLength);
    await receiver.write(half.data.subarray(0, 100_000));
    // The device's connection drops here.
    await receiver.abort();
    expect(await objectsOf(space)).toEqual([]);
    expect(await storage.missing(space, [done.hash, half.hash])).toEqual([done.hash, half.hash]);
    expect(
      await client.query(`SELECT object_key FROM hub_chunk_uploads WHERE space_id = $1`, [space]),
    ).toEqual([]);

    await setQuota(space, 1000);
    const over = storage.receive(space);
    await expect(over.begin(half.hash, half.data.byteLength)).rejects.toMatchObject({
      code: 'QuotaExceeded',
    });
    expect(await objectsOf(space)).toEqual([]);
  });

  it('a put refused by the quota leaves no object and no record', async () => {
    const space = 's3-quota-race';
    await setQuota(space, 100);
    await expect(storage.put(space, [chunk('z'.repeat(200))])).rejects.toMatchObject({
      code: 'QuotaExceeded',
    });
    expect(await objectsOf(space)).toEqual([]);
    expect(
      await client.query(`SELECT object_key FROM hub_chunk_uploads WHERE space_id = $1`, [space]),
    ).toEqual([]);
  });
});
