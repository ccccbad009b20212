import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetGuardianError } from '../../../src-shared/errors.js';
import { createFreshDatabase, type FreshDatabase } from '../../../test/support/freshDatabase.js';
import { migrate } from '../store/migrate.js';
import { openPgClient } from '../store/pgClient.js';
import { openPgliteClient } from '../store/pgliteClient.js';
import type { SqlClient } from '../store/sqlClient.js';
import { PgChunkStore } from './chunkStore.js';

/**
 * One chunk-store contract, run against PGlite and a real PostgreSQL server.
 * Every test uses its own space, so tests of one target share a store.
 */

const sha = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');
const chunk = (data: Uint8Array) => ({ hash: sha(data), data });
const text = (s: string) => chunk(new TextEncoder().encode(s));
let spaceCounter = 0;
const freshSpace = () => `space-${++spaceCounter}-${randomBytes(4).toString('hex')}`;

interface Target {
  readonly name: string;
  open(): Promise<SqlClient>;
  teardown?(): Promise<void>;
}

let db: FreshDatabase | undefined;
const targets: Target[] = [
  { name: 'PGlite', open: () => openPgliteClient() },
  {
    name: 'PostgreSQL',
    async open() {
      db = await createFreshDatabase('chunkstore');
      return openPgClient({ connectionString: db.url });
    },
    teardown: async () => db?.drop(),
  },
];

describe.each(targets)('PgChunkStore on $name', (target) => {
  let client: SqlClient;
  let store: PgChunkStore;

  beforeAll(async () => {
    client = await target.open();
    await migrate(client);
    store = new PgChunkStore(client);
  });
  afterAll(async () => {
    await client.close();
    await target.teardown?.();
  });

  it('stores chunks and returns their exact bytes', async () => {
    const space = freshSpace();
    const a = text('alpha');
    const b = chunk(randomBytes(1000));
    const empty = chunk(new Uint8Array(0));
    await store.put(space, [a, b, empty]);
    const got = await store.getChunks(space, [a.hash, b.hash, empty.hash]);
    expect(got.size).toBe(3);
    expect(Buffer.from(got.get(a.hash) ?? [])).toEqual(Buffer.from(a.data));
    expect(Buffer.from(got.get(b.hash) ?? [])).toEqual(Buffer.from(b.data));
    expect(got.get(empty.hash)?.byteLength).toBe(0);
    expect(got.get(a.hash)).toBeInstanceOf(Uint8Array);
  });

  it('missing() lists exactly the absent hashes, deduplicated, in the order given', async () => {
    const space = freshSpace();
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map(text) as [
      ReturnType<typeof text>,
      ReturnType<typeof text>,
      ReturnType<typeof text>,
      ReturnType<typeof text>,
    ];
    expect(await store.missing(space, [])).toEqual([]);
    await store.put(space, [b, d]);
    expect(await store.missing(space, [a.hash, b.hash, c.hash, a.hash, d.hash])).toEqual([
      a.hash,
      c.hash,
    ]);
    await store.put(space, [a, c]);
    expect(await store.missing(space, [a.hash, b.hash, c.hash, d.hash])).toEqual([]);
  });

  it('keeps spaces apart: a chunk stored in one space is missing in another', async () => {
    const one = freshSpace();
    const two = freshSpace();
    const a = text('only in one');
    await store.put(one, [a]);
    expect(await store.missing(two, [a.hash])).toEqual([a.hash]);
    expect((await store.getChunks(two, [a.hash])).size).toBe(0);
    expect((await store.getChunks(one, [a.hash])).size).toBe(1);
  });

  it('refuses a whole batch when one chunk does not match its hash, naming it, and writes nothing', async () => {
    const space = freshSpace();
    const good = text('good');
    const bad = { hash: text('claimed').hash, data: new TextEncoder().encode('actual') };
    const error = await store.put(space, [good, bad]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetGuardianError);
    expect((error as NetGuardianError).code).toBe('ChunkHashMismatch');
    expect((error as NetGuardianError).message).toContain(bad.hash);
    expect((error as NetGuardianError).field).toBe(bad.hash);
    expect(await store.missing(space, [good.hash, bad.hash])).toEqual([good.hash, bad.hash]);
  });

  it('putting known chunks again, or the same chunk twice in a batch, is a no-op', async () => {
    const space = freshSpace();
    const a = text('again');
    await store.put(space, [a, a]);
    await store.put(space, [a]);
    const rows = await client.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM crdt_chunks WHERE space_id = $1',
      [space],
    );
    expect(rows[0]?.n).toBe(1);
  });

  it('round-trips a 2 MiB chunk and a multi-statement batch of ~9 MiB', async () => {
    const space = freshSpace();
    const big = chunk(randomBytes(2 * 1024 * 1024));
    const many = Array.from({ length: 6 }, () => chunk(randomBytes(1536 * 1024)));
    const small = Array.from({ length: 50 }, () => chunk(randomBytes(100)));
    await store.put(space, [big, ...many, ...small]);
    const all = [big, ...many, ...small];
    expect(
      await store.missing(
        space,
        all.map((c) => c.hash),
      ),
    ).toEqual([]);
    const got = await store.getChunks(
      space,
      all.map((c) => c.hash),
    );
    expect(got.size).toBe(all.length);
    for (const c of all) expect(sha(got.get(c.hash) ?? new Uint8Array())).toBe(c.hash);
    const sizes = await client.query<{ size: number }>(
      'SELECT size FROM crdt_chunks WHERE space_id = $1 AND hash = $2',
      [space, big.hash],
    );
    expect(sizes[0]?.size).toBe(2 * 1024 * 1024);
  });

  it('accepts a plain Uint8Array view into a larger buffer (not a Buffer)', async () => {
    const space = freshSpace();
    const backing = new Uint8Array(64).map((_, i) => i);
    const view = backing.subarray(10, 30);
    const c = { hash: sha(view), data: view };
    await store.put(space, [c]);
    const got = await store.getChunks(space, [c.hash]);
    expect([...(got.get(c.hash) ?? [])]).toEqual([...view]);
  });

  it('getChunks() returns stored bytes as they are, so a corrupted chunk reaches the reader to be refused there', async () => {
    const space = freshSpace();
    const a = text('will be corrupted');
    await store.put(space, [a]);
    // Same length, one byte changed: what a damaged disk or a hostile writer leaves.
    await client.query(
      `UPDATE crdt_chunks SET data = overlay(data placing '\\x00'::bytea from 1 for 1) WHERE space_id = $1`,
      [space],
    );
    const got = await store.getChunks(space, [a.hash]);
    expect(got.get(a.hash)?.byteLength).toBe(a.data.byteLength);
    expect(sha(got.get(a.hash) ?? new Uint8Array())).not.toBe(a.hash);
  });

  it('getChunks() omits chunks the store lacks', async () => {
    const space = freshSpace();
    const a = text('present');
    await store.put(space, [a]);
    const got = await store.getChunks(space, [a.hash, text('absent').hash]);
    expect([...got.keys()]).toEqual([a.hash]);
  });
});
