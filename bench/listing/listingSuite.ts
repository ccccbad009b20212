/**
 * The files screen's listing at a million files (issue 14 point 4): a device store in a fresh
 * database on the bench's PostgreSQL server, filled in SQL with the snapshots, events and file
 * index rows a scan of this tree would leave, then `listFiles` (src-main/core/app/fileList.ts,
 * what `files:list` runs) timed on pages of 200 rows at every kind of place: a folder's first
 * page, deep in a folder of 100,000 entries by key and by offset, every path, searches. The
 * baseline is the same call on an empty space of the same database.
 *
 * Tree: `tNN/sNN/fNNN.txt` (90 × 100 folders of 100 files) and `flat/fNNNNNN.txt` (100,000
 * files in one folder): 1,000,000 files and 9,091 folders at full size.
 */
import { DIRECTORY_HASH } from '../../src-shared/fileKinds.js';
import { IgnoreRules } from '../../src-main/core/files/ignoreRules.js';
import { listFiles, type FileQuery } from '../../src-main/core/app/fileList.js';
import { EventStore } from '../../src-main/core/store/eventStore.js';
import { openPgClient } from '../../src-main/core/store/pgClient.js';
import type { PgServer } from '../support/postgres.js';
import { median, timed } from '../support/stats.js';

export interface ListingSizes {
  readonly topFolders: number;
  readonly flatFiles: number;
}

export const FULL_LISTING: ListingSizes = { topFolders: 90, flatFiles: 100_000 };
export const QUICK_LISTING: ListingSizes = { topFolders: 3, flatFiles: 2_000 };

/** Timed calls per case; the median is reported. */
const RUNS = 9;
const PAGE = 200;

export interface ListingCase {
  readonly label: string;
  readonly medianMs: number;
  readonly rows: number;
  readonly total: number;
  /** Whether the case is a keyed page (the under-50 ms target applies). */
  readonly keyed: boolean;
}

export interface ListingResults {
  readonly files: number;
  readonly folders: number;
  readonly fillMs: number;
  readonly emptyPageMs: number;
  readonly cases: readonly ListingCase[];
  /** `count(*)` of the space's existing entities, against the kept total. */
  readonly countAllMs: number;
  readonly keptTotalMs: number;
}

/** The tree's paths (`dir`: a folder) in a temporary table, then one INSERT per table. */
const fillSql = (s: ListingSizes) => `
CREATE TEMP TABLE bench_paths AS
  SELECT format('t%s', lpad(t::text, 2, '0')) AS p, true AS dir FROM generate_series(0, ${s.topFolders - 1}) t
  UNION ALL SELECT format('t%s/s%s', lpad(t::text, 2, '0'), lpad(d::text, 2, '0')), true
    FROM generate_series(0, ${s.topFolders - 1}) t, generate_series(0, 99) d
  UNION ALL SELECT format('t%s/s%s/f%s.txt', lpad(t::text, 2, '0'), lpad(d::text, 2, '0'), lpad(f::text, 3, '0')), false
    FROM generate_series(0, ${s.topFolders - 1}) t, generate_series(0, 99) d, generate_series(0, 99) f
  UNION ALL SELECT 'flat', true
  UNION ALL SELECT format('flat/f%s.txt', lpad(f::text, 6, '0')), false FROM generate_series(0, ${s.flatFiles - 1}) f;
INSERT INTO crdt_snapshots (space_id, entity_id, state, vector_clock, file_exists, content_hash, size, last_hlc, last_node_id)
SELECT 'big', p, '{"v":1}', '{"other":1}', true,
  CASE WHEN dir THEN '${DIRECTORY_HASH}' ELSE md5(p) || md5(p) END,
  CASE WHEN dir THEN 0 ELSE 2048 END, '001764000000000-0000-other', 'other' FROM bench_paths;
INSERT INTO crdt_events (event_id, entity_id, event_type, data, timestamp, node_id, vector_clock, space_id, seq, hlc)
SELECT 'e' || n, p, 'file_created', '{"size":2048}', now(), 'other', '{"other":1}', 'big', n, '001764000000000-0000-other'
FROM (SELECT p, row_number() OVER () AS n FROM bench_paths) numbered;
INSERT INTO fs_index (space_id, path, kind, size, hash)
SELECT 'big', p, CASE WHEN dir THEN 'dir' ELSE 'file' END, CASE WHEN dir THEN 0 ELSE 2048 END,
  CASE WHEN dir THEN NULL ELSE md5(p) || md5(p) END FROM bench_paths;
DROP TABLE bench_paths;
ANALYZE;`;

/** The median time of `RUNS` calls of `run`, after one warm-up call. */
async function medianTime(run: () => Promise<unknown>): Promise<number> {
  await run();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) times.push((await timed(run)).ms);
  return median(times);
}

export async function runListingSuite(options: {
  readonly server: PgServer;
  readonly sizes: ListingSizes;
  readonly log: (message: string) => void;
}): Promise<ListingResults> {
  const { sizes, log } = options;
  const database = await options.server.createDatabase('listing');
  let store: EventStore | undefined;
  try {
    // Opening the store migrates the database.
    store = await EventStore.open(
      await openPgClient({ connectionString: database.url, applicationName: 'bench-listing' }),
    );
    const db = store.client;
    const files = sizes.topFolders * 100 * 100 + sizes.flatFiles;
    const folders = sizes.topFolders * 101 + 1;
    log(`listing: filling a store with ${files.toLocaleString('en-US')} files`);
    const fillStarted = performance.now();
    await db.exec(fillSql(sizes));
    const fillMs = performance.now() - fillStarted;
    const context = (spaceId: string) => ({
      db,
      spaceId,
      thisNode: 'this-device',
      pushedSeq: 0,
      nameOf: (id: string) => id,
      ignore: IgnoreRules.fromText(''),
    });
    const big = context('big');
    const list = (q: Partial<FileQuery>) =>
      listFiles(big, { query: '', offset: 0, limit: PAGE, ...q });
    const middle = Math.floor(sizes.flatFiles / 2);
    const flatName = (i: number) => `flat/f${String(i).padStart(6, '0')}.txt`;
    const deepFolder = `t${String(Math.floor(sizes.topFolders / 2)).padStart(2, '0')}/s50`;
    const cases: [string, Partial<FileQuery>, boolean][] = [
      ['the top folder, first page', { folder: '' }, true],
      [`a folder two levels down (${deepFolder}), first page`, { folder: deepFolder }, true],
      [
        `a folder of ${sizes.flatFiles.toLocaleString('en-US')} files, first page`,
        { folder: 'flat' },
        true,
      ],
      [
        `the same folder, the page at row ${middle.toLocaleString('en-US')} by key`,
        { folder: 'flat', after: `f1:${flatName(middle - 1)}` },
        true,
      ],
      [
        'the same folder, its last page by key',
        { folder: 'flat', after: `f1:${flatName(sizes.flatFiles - PAGE - 1)}` },
        true,
      ],
      [
        `the same folder, the page at row ${middle.toLocaleString('en-US')} by offset (a scroll-bar jump)`,
        { folder: 'flat', offset: middle },
        false,
      ],
      [
        `the same folder sorted by size, largest first, first page`,
        { folder: 'flat', sort: 'size', descending: true },
        false,
      ],
      [
        `the same folder sorted by time, the page at row ${middle.toLocaleString('en-US')}`,
        { folder: 'flat', sort: 'modified', offset: middle },
        false,
      ],
      ['every path, first page', {}, true],
      [
        'every path, a page in the middle by key',
        { after: `p:t${String(Math.floor(sizes.topFolders / 2)).padStart(2, '0')}/s00/f000.txt` },
        true,
      ],
      [
        `every path, the page at row ${Math.floor(files / 2).toLocaleString('en-US')} by offset`,
        { offset: Math.floor(files / 2) },
        false,
      ],
      ['search "f012" everywhere (reads every path)', { query: 'f012' }, false],
      [
        `search "f012" under ${deepFolder.split('/')[0]}`,
        { query: 'f012', folder: deepFolder.split('/')[0] },
        false,
      ],
    ];
    const results: ListingCase[] = [];
    for (const [label, q, keyed] of cases) {
      let page = await list(q);
      const medianMs = await medianTime(async () => {
        page = await list(q);
      });
      results.push({ label, medianMs, rows: page.rows.length, total: page.total, keyed });
    }
    const emptyPageMs = await medianTime(() =>
      listFiles(context('empty'), { query: '', offset: 0, limit: PAGE, folder: '' }),
    );
    const countAllMs = await medianTime(() =>
      db.query(`SELECT count(*) FROM crdt_snapshots WHERE space_id = 'big' AND file_exists`),
    );
    const keptTotalMs = await medianTime(() =>
      db.query(`SELECT sum(files) FROM crdt_snapshot_counts WHERE space_id = 'big'`),
    );
    return { files, folders, fillMs, emptyPageMs, cases: results, countAllMs, keptTotalMs };
  } finally {
    await store?.close();
    await database.drop();
  }
}
