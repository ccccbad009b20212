import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetGuardianError } from '../../../src-shared/errors.js';
import { DIRECTORY_CONTENT } from '../../../src-shared/fileKinds.js';
import { createFreshDatabase, type FreshDatabase } from '../../../test/support/freshDatabase.js';
import { CRDTManager } from '../crdtManager.js';
import { IgnoreRules } from '../files/ignoreRules.js';
import { EventStore } from '../store/eventStore.js';
import { openPgClient } from '../store/pgClient.js';
import { openPgliteClient } from '../store/pgliteClient.js';
import type { SqlClient } from '../store/sqlClient.js';
import { listFiles, type FileListContext, type FileQuery } from './fileList.js';

/**
 * The files screen's listing on a real store (PGlite and PostgreSQL): a folder's children with
 * folders first, key paging that neither skips nor repeats a row, the kept totals as entities
 * come and go, a search kept under a folder, and bad keys refused in words. The expected rows are
 * written out by hand from the tree below, in byte order ('B' < 'a', '-' < '/' < '0').
 */

const content = (text: string) => ({
  hash: createHash('sha256').update(text).digest('hex'),
  size: text.length,
});

const FOLDERS = ['docs', 'docs/old', 'Music'];
const FILES = [
  'a.txt',
  'B.txt',
  'docs-notes.txt',
  'docs/z.txt',
  'docs/a.txt',
  'docs/old/x.txt',
  'Music/song.mp3',
];

function describeListing(name: string, openClient: () => Promise<SqlClient>): void {
  describe(`the file listing on ${name}`, () => {
    let store: EventStore;
    let manager: CRDTManager;
    let ctx: FileListContext;

    beforeAll(async () => {
      store = await EventStore.open(await openClient());
      manager = await CRDTManager.open({ store, spaceId: 'listing', nodeId: 'laptop' });
      const made = await manager.writeBatch([
        ...FOLDERS.map((path) => ({
          op: 'create' as const,
          path,
          change: { content: DIRECTORY_CONTENT },
        })),
        ...FILES.map((path) => ({
          op: 'create' as const,
          path,
          change: { content: content(path) },
        })),
      ]);
      expect(made.every((r) => r.ok)).toBe(true);
      // Another space with the same names: never listed here, never counted.
      const other = await CRDTManager.open({ store, spaceId: 'other', nodeId: 'laptop' });
      await other.writeBatch(
        ['a.txt', 'docs/other.txt'].map((path) => ({
          op: 'create' as const,
          path,
          change: { content: content(path) },
        })),
      );
      ctx = {
        db: store.client,
        spaceId: 'listing',
        thisNode: 'laptop',
        pushedSeq: null,
        nameOf: (id) => id,
        ignore: IgnoreRules.fromText(''),
      };
    }, 120_000);
    afterAll(async () => {
      await store?.close();
    });

    const list = (q: Partial<FileQuery>) =>
      listFiles(ctx, { query: '', offset: 0, limit: 100, ...q });
    const paths = async (q: Partial<FileQuery>) => (await list(q)).rows.map((r) => r.path);

    /** Every page of a listing, each read from the last one's `next`. */
    async function allPages(q: Partial<FileQuery>, limit: number) {
      const pages: { rows: string[]; total: number; next: string | null }[] = [];
      let after: string | undefined;
      for (let i = 0; i < 20; i++) {
        const page = await list({ ...q, limit, ...(after === undefined ? {} : { after }) });
        pages.push({ rows: page.rows.map((r) => r.path), total: page.total, next: page.next });
        if (page.next === null) break;
        after = page.next;
      }
      return pages;
    }

    it("lists a folder's children, folders first, then by name in byte order", async () => {
      const top = await list({ folder: '' });
      expect(top.rows.map((r) => [r.path, r.kind])).toEqual([
        ['Music', 'dir'],
        ['docs', 'dir'],
        ['B.txt', 'file'],
        ['a.txt', 'file'],
        ['docs-notes.txt', 'file'],
      ]);
      expect(top).toMatchObject({ total: 5, offset: 0, next: null });
      expect(await paths({ folder: 'docs' })).toEqual(['docs/old', 'docs/a.txt', 'docs/z.txt']);
      expect(await paths({ folder: 'docs/old' })).toEqual(['docs/old/x.txt']);
      expect(await paths({ folder: 'Music' })).toEqual(['Music/song.mp3']);
      expect(await list({ folder: 'nowhere' })).toMatchObject({ total: 0, rows: [], next: null });
    });

    it('pages by key: every row once, in order, with the kept total on every page', async () => {
      expect(await allPages({ folder: '' }, 2)).toEqual([
        { rows: ['Music', 'docs'], total: 5, next: 'f0:docs' },
        { rows: ['B.txt', 'a.txt'], total: 5, next: 'f1:a.txt' },
        { rows: ['docs-notes.txt'], total: 5, next: null },
      ]);
      // Every path, in byte order.
      expect(await allPages({}, 4)).toEqual([
        { rows: ['B.txt', 'Music', 'Music/song.mp3', 'a.txt'], total: 10, next: 'p:a.txt' },
        {
          rows: ['docs', 'docs-notes.txt', 'docs/a.txt', 'docs/old'],
          total: 10,
          next: 'p:docs/old',
        },
        { rows: ['docs/old/x.txt', 'docs/z.txt'], total: 10, next: null },
      ]);
      // An offset still works (a jump by the scroll bar); `after` wins over it.
      expect(await paths({ folder: '', offset: 3, limit: 1 })).toEqual(['a.txt']);
      expect(await paths({ folder: '', offset: 3, limit: 1, after: 'f0:docs' })).toEqual(['B.txt']);
    });

    it('searches under a folder only, and everywhere without one', async () => {
      // "docs-notes.txt" starts with "docs" but is not under docs/.
      const under = await list({ folder: 'docs', query: 'TXT' });
      expect(under.rows.map((r) => r.path)).toEqual(['docs/a.txt', 'docs/old/x.txt', 'docs/z.txt']);
      expect(under.total).toBe(3);
      const paged = await list({ folder: 'docs', query: 'txt', limit: 2 });
      expect(paged).toMatchObject({ total: 3, next: 'p:docs/old/x.txt' });
      expect(await paths({ query: 'docs', limit: 100 })).toEqual([
        'docs',
        'docs-notes.txt',
        'docs/a.txt',
        'docs/old',
        'docs/old/x.txt',
        'docs/z.txt',
      ]);
    });

    it('sorts by size or name from Z, folders still first in a folder, paging by offset', async () => {
      // Sizes are the paths' lengths: a.txt 5, B.txt 5, docs-notes.txt 14; folders have none.
      expect(await paths({ folder: '', sort: 'size' })).toEqual([
        'Music',
        'docs',
        'B.txt',
        'a.txt',
        'docs-notes.txt',
      ]);
      expect(await paths({ folder: '', sort: 'size', descending: true })).toEqual([
        'docs',
        'Music',
        'docs-notes.txt',
        'a.txt',
        'B.txt',
      ]);
      expect(await paths({ folder: '', sort: 'name', descending: true })).toEqual([
        'docs',
        'Music',
        'docs-notes.txt',
        'a.txt',
        'B.txt',
      ]);
      // Pages of two by offset: every row once, no key (the order is not an index's).
      const byOffset = [0, 2, 4].map((offset) =>
        list({ folder: '', sort: 'size', descending: true, offset, limit: 2 }),
      );
      const pages = await Promise.all(byOffset);
      expect(pages.map((p) => [p.rows.map((r) => r.path), p.total, p.next])).toEqual([
        [['docs', 'Music'], 5, null],
        [['docs-notes.txt', 'a.txt'], 5, null],
        [['B.txt'], 5, null],
      ]);
      // A search sorts its matches as they are, folders among files: 14, 14, 10, 10, then none.
      expect(await paths({ query: 'docs', sort: 'size', descending: true })).toEqual([
        'docs/old/x.txt',
        'docs-notes.txt',
        'docs/z.txt',
        'docs/a.txt',
        'docs/old',
        'docs',
      ]);
    });

    it('keeps the folder totals as entities are created and deleted', async () => {
      const made = await manager.writeBatch(
        Array.from({ length: 300 }, (_, i) => ({
          op: 'create' as const,
          path: `Music/track-${String(i).padStart(3, '0')}.mp3`,
          change: { content: content(`track ${i}`) },
        })),
      );
      expect(made.every((r) => r.ok)).toBe(true);
      expect((await list({ folder: 'Music', limit: 10 })).total).toBe(301);
      for (const path of ['docs/old/x.txt', 'docs/old', 'a.txt'])
        expect((await manager.deleteFileState(path)).ok).toBe(true);
      expect((await list({ folder: '', limit: 1 })).total).toBe(4);
      expect(await paths({ folder: 'docs' })).toEqual(['docs/a.txt', 'docs/z.txt']);
      expect((await list({ folder: 'docs', limit: 1 })).total).toBe(2);
      expect((await list({ folder: 'docs/old', limit: 1 })).total).toBe(0);
      // Page by page through the 301 files of Music: none skipped, none twice.
      const pages = await allPages({ folder: 'Music' }, 50);
      const seen = pages.flatMap((p) => p.rows);
      expect(pages).toHaveLength(7);
      expect(seen).toHaveLength(301);
      expect(new Set(seen).size).toBe(301);
      expect(seen[0]).toBe('Music/song.mp3');
      expect(seen[300]).toBe('Music/track-299.mp3');
      // The kept sums equal a count of the rows.
      const counted = await store.client.query<{ folder: string; n: string }>(
        `SELECT crdt_parent_folder(entity_id) AS folder, count(*)::text AS n FROM crdt_snapshots
         WHERE space_id = 'listing' AND file_exists GROUP BY 1
         ORDER BY crdt_parent_folder(entity_id) COLLATE "C"`,
      );
      expect(counted).toEqual([
        { folder: '', n: '4' },
        { folder: 'Music', n: '301' },
        { folder: 'docs', n: '2' },
      ]);
      const kept = await store.client.query<{ folder: string; n: string }>(
        `SELECT folder, sum(children)::text AS n FROM crdt_folder_counts
         WHERE space_id = 'listing' GROUP BY 1 HAVING sum(children) <> 0 ORDER BY folder COLLATE "C"`,
      );
      expect(kept).toEqual(counted);
    });

    it('refuses a key from another kind of listing and a malformed folder, in words', async () => {
      const failure = async (q: Partial<FileQuery>) => {
        try {
          await list(q);
        } catch (e) {
          return e as NetGuardianError;
        }
        throw new Error('expected the listing to be refused');
      };
      const wrongKey = await failure({ folder: '', after: 'p:a.txt' });
      expect(wrongKey).toBeInstanceOf(NetGuardianError);
      expect(wrongKey).toMatchObject({ code: 'InvalidArgument', field: 'after' });
      expect(wrongKey.message).toMatch(/"p:a\.txt" is not the "next" of a page of this listing/);
      expect(await failure({ after: 'f1:a.txt' })).toMatchObject({ field: 'after' });
      for (const folder of ['/docs', 'docs/', 'docs//old'])
        expect(await failure({ folder })).toMatchObject({
          code: 'InvalidArgument',
          field: 'folder',
        });
    });
  });
}

describeListing('PGlite', () => openPgliteClient());

let db: FreshDatabase | undefined;
describeListing('PostgreSQL', async () => {
  db ??= await createFreshDatabase('file_listing');
  return openPgClient({ connectionString: db.url, applicationName: 'file-listing' });
});
afterAll(async () => {
  await db?.drop();
});
