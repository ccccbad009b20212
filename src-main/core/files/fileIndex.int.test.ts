import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFreshDatabase, type FreshDatabase } from '../../../test/support/freshDatabase.js';
import { migrate } from '../store/migrate.js';
import { openPgClient } from '../store/pgClient.js';
import { openPgliteClient } from '../store/pgliteClient.js';
import type { SqlClient } from '../store/sqlClient.js';
import { FileIndex, type IndexEntry } from './fileIndex.js';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

function entry(path: string, overrides: Partial<IndexEntry> = {}): IndexEntry {
  return {
    path,
    kind: 'file',
    size: 10,
    mtimeMs: 1_732_600_000_123.25,
    ino: '18446744073709551615',
    mode: 0o100644,
    hash: sha(path),
    chunks: [{ hash: sha(path), size: 10 }],
    versionClock: { laptop: 3, desktop: 1 },
    ...overrides,
  };
}

/** The same contract on the device default (PGlite) and on a PostgreSQL server. */
function describeIndex(
  name: string,
  open: () => Promise<{ client: SqlClient; done: () => Promise<void> }>,
) {
  describe(`file index on ${name}`, () => {
    let client: SqlClient;
    let done: () => Promise<void>;
    let n = 0;
    const fresh = () => new FileIndex(client, `space-${++n}`);

    beforeAll(async () => {
      ({ client, done } = await open());
      await migrate(client);
    });
    afterAll(async () => {
      await done();
    });

    it('round-trips every field exactly (float mtime, 64-bit inode as text, chunks, clock)', async () => {
      const index = fresh();
      const e = entry('a/b.txt');
      await index.upsertMany([e]);
      expect(await index.get('a/b.txt')).toEqual(e);
      const stats = (await index.all()).get('a/b.txt');
      expect(stats).toEqual({ ...e, chunks: null, versionClock: null });
    });

    it('upserts replace, the last of repeated paths wins, deletes remove; spaces are separate', async () => {
      const index = fresh();
      const other = fresh();
      await index.upsertMany([entry('x', { size: 1 }), entry('x', { size: 2 }), entry('y')]);
      await other.upsertMany([entry('x', { size: 99 })]);
      await index.upsertMany([entry('y', { kind: 'dir', hash: null, chunks: null })]);
      expect((await index.get('x'))?.size).toBe(2);
      expect((await index.get('y'))?.kind).toBe('dir');
      await index.deleteMany(['x', 'not-there']);
      expect([...(await index.all()).keys()]).toEqual(['y']);
      expect((await other.get('x'))?.size).toBe(99);
    });

    it('list(prefix) is the entry and everything under it, in byte order, not its look-alikes', async () => {
      const index = fresh();
      const paths = ['a', 'a b', 'a-c', 'a/x', 'a/y/z', 'a0', 'ab', 'b', 'Ä/x'];
      await index.upsertMany(paths.map((p) => entry(p)));
      expect((await index.list('a')).map((e) => e.path)).toEqual(['a', 'a/x', 'a/y/z']);
      expect((await index.list('a/y')).map((e) => e.path)).toEqual(['a/y/z']);
      expect((await index.list()).map((e) => e.path)).toEqual([...paths].sort());
      expect((await index.list('Ä')).map((e) => e.path)).toEqual(['Ä/x']);
    });

    it('handles 10,000 entries per statement and more', async () => {
      const index = fresh();
      const many = Array.from({ length: 12_345 }, (_, i) => entry(`d${i % 100}/f${i}`));
      await index.upsertMany(many);
      expect((await index.all()).size).toBe(12_345);
      expect((await index.getMany(many.slice(0, 10_001).map((e) => e.path))).size).toBe(10_001);
      await index.deleteMany(many.slice(0, 12_000).map((e) => e.path));
      expect((await index.all()).size).toBe(345);
    });

    it('finds local copies of chunks with their byte offsets', async () => {
      const index = fresh();
      const [c1, c2, c3] = [sha('c1'), sha('c2'), sha('c3')];
      await index.upsertMany([
        entry('big.bin', {
          size: 600,
          hash: sha('big'),
          chunks: [
            { hash: c1, size: 100 },
            { hash: c2, size: 200 },
            { hash: c3, size: 300 },
          ],
        }),
        entry('small.txt', { size: 200, hash: c2, chunks: [{ hash: c2, size: 200 }] }),
        entry('folder', { kind: 'dir', hash: null, chunks: null }),
      ]);
      const found = await index.findChunks([c3, c2, sha('nowhere')]);
      expect(found.get(c3)).toEqual([{ path: 'big.bin', offset: 300, size: 300 }]);
      // A file that is the chunk is enough: the chunk lists are not searched for it.
      expect(found.get(c2)).toEqual([{ path: 'small.txt', offset: 0, size: 200 }]);
      expect(found.has(sha('nowhere'))).toBe(false);
      expect((await index.withContent([sha('big')])).map((e) => e.path)).toEqual(['big.bin']);
    });

    it('keeps no chunk list for a file that is one chunk, and still finds and returns it', async () => {
      const index = fresh();
      const one = entry('one.txt');
      const empty = entry('empty.txt', { size: 0, hash: sha(''), chunks: [] });
      // A single chunk that is not the whole file (a damaged row): kept as written.
      const partial = entry('partial.bin', { size: 20, chunks: [{ hash: sha('x'), size: 10 }] });
      await index.upsertMany([one, empty, partial]);
      const stored = await client.query<{ path: string; chunks: unknown }>(
        `SELECT path, chunks FROM fs_index WHERE space_id = $1 ORDER BY path`,
        [index.spaceId],
      );
      expect(stored).toEqual([
        { path: 'empty.txt', chunks: [] },
        { path: 'one.txt', chunks: null },
        { path: 'partial.bin', chunks: [{ hash: sha('x'), size: 10 }] },
      ]);
      expect(await index.getMany(['one.txt', 'empty.txt', 'partial.bin'])).toEqual(
        new Map([
          ['empty.txt', empty],
          ['one.txt', one],
          ['partial.bin', partial],
        ]),
      );
      expect((await index.findChunks([sha('one.txt')])).get(sha('one.txt'))).toEqual([
        { path: 'one.txt', offset: 0, size: 10 },
      ]);
    });
  });
}

describeIndex('PGlite', async () => {
  const client = await openPgliteClient();
  return { client, done: () => client.close() };
});

let db: FreshDatabase;
describeIndex('PostgreSQL', async () => {
  db = await createFreshDatabase('fs_index');
  const client = await openPgClient({ connectionString: db.url });
  return {
    client,
    done: async () => {
      await client.close();
      await db.drop();
    },
  };
});
