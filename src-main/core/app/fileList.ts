import { DIRECTORY_HASH } from '../../../src-shared/fileKinds.js';
import type {
  FilePage,
  FileRow,
  FileSortKey,
  FileSyncState,
} from '../../../src-shared/ipc/contract.js';
import { NetGuardianError } from '../../../src-shared/errors.js';
import { validateEntityPath } from '../../../src-shared/paths.js';
import type { IgnoreRules } from '../files/ignoreRules.js';
import { readSnapshotCounts } from '../store/snapshotCounts.js';
import { folderRowState, statesBelow, type PendingDownloads } from './folderStates.js';
import type { SqlExecutor } from '../store/sqlClient.js';

/**
 * The files screen's rows: a page of the space's existing entities (files and folders) with each
 * row's sync state, in one of three orders. Snapshots say what should be; the file index says what
 * is on disk; the log says what this device wrote and the hub may lack. A path this device's
 * ignore rules exclude is never written here, so it is never waiting for a download: it is synced
 * elsewhere (on the hub, on its devices).
 *
 * - every path, in byte order (`crdt_snapshots_existing_by_path`, migration 0011);
 * - one folder's children, folders first, then by name (`crdt_snapshots_existing_by_folder`,
 *   migration 0017): a folder of ten entries is read as ten index entries at a million files;
 * - a search: paths holding the query, anywhere or under one folder, in byte order.
 *
 * Pages are keyed: each page ends with `next`, the key of its last row, and the page after it is
 * read from that key on, so page 5,000 costs what page 1 costs. An offset (a jump by the scroll
 * bar) walks the index entries it skips. The page's rows are found first and joined afterwards,
 * so the sub-plans run for `limit` rows only. Totals are kept as the store changes (migrations
 * 0016, 0017); only a search counts its matches. A folder's row carries the state of what is
 * below it (folderStates.ts). Other orders (size, time, names from Z) page by offset.
 */

/** Whether a snapshot row is a folder, as the folder index orders it (folders sort first). */
const IS_FILE = `NOT crdt_snapshot_is_folder(s.file_exists, s.content_hash)`;

/**
 * `$1` space, `$2` the lower-case query ('' for all; `strpos(lower(..))` on both sides agrees in
 * any locale), `$3` the folder the search stays under ('' for all), `$4` the key after which the
 * page starts ('' for the first page).
 */
const MATCHES_PATHS = `s.space_id = $1 AND s.file_exists
  AND ($2 = '' OR strpos(lower(s.entity_id), lower($2)) > 0)
  AND ($3 = '' OR (s.entity_id COLLATE "C" > $3 || '/' AND s.entity_id COLLATE "C" < $3 || '0'))`;

const PAGE_OF_PATHS = `
  SELECT s.entity_id, ${IS_FILE} AS is_file FROM crdt_snapshots s
  WHERE ${MATCHES_PATHS} AND s.entity_id COLLATE "C" > $4
  ORDER BY s.entity_id COLLATE "C" LIMIT $5 OFFSET $6`;

/**
 * `$3` the folder (`$2`: a folder is listed without a query); a keyed page starts after the row
 * (`$9` is a file, `$4` path). Two texts rather than one with "no key" as a null: the row
 * comparison must stand alone to bound the index scan.
 */
const pageOfFolder = (keyed: boolean) => `
  SELECT s.entity_id, ${IS_FILE} AS is_file FROM crdt_snapshots s
  WHERE s.space_id = $1 AND $2::text = '' AND s.file_exists AND crdt_parent_folder(s.entity_id) = $3
    ${keyed ? `AND (${IS_FILE}, s.entity_id COLLATE "C") > ($9::boolean, $4::text COLLATE "C")` : `AND $4 = ''`}
  ORDER BY ${IS_FILE}, s.entity_id COLLATE "C" LIMIT $5 OFFSET $6`;

/** The page's rows with their state, in the page's order; `$7` this device, `$8` its seq the hub holds. */
const withDetails = (page: string, order: string) => `
WITH page AS (${page})
SELECT s.entity_id, p.is_file, s.content_hash, s.size::float8 AS size, s.has_conflict, s.last_node_id,
  s.last_hlc, f.path IS NOT NULL AS on_disk, f.kind AS disk_kind, f.hash AS disk_hash, f.mtime_ms, f.mode,
  EXISTS (SELECT 1 FROM crdt_events e
          WHERE e.space_id = $1 AND e.entity_id = p.entity_id AND e.node_id = $7 AND e.seq > $8) AS unpushed
FROM page p
JOIN crdt_snapshots s ON s.space_id = $1 AND s.entity_id = p.entity_id
LEFT JOIN fs_index f ON f.space_id = $1 AND f.path = p.entity_id
ORDER BY ${order}`;

/**
 * The column a non-default order sorts on. Time is the one the list shows: the file's mtime as
 * the index last saw it, else its latest change's HLC wall time.
 */
const SORT_COLUMNS: Readonly<Record<FileSortKey, string>> = {
  name: `s.entity_id COLLATE "C"`,
  size: `s.size`,
  modified: `coalesce(f.mtime_ms, left(s.last_hlc, 15)::float8)`,
};

/**
 * A page in another order than the indexes': by size, time, or name from Z. Such a page is read
 * by offset (the ordinal `ord` keeps the order through the join): a folder's children are sorted
 * as a whole, which stays cheap for any folder people browse; a search sorts its matches.
 * `$4` is unused ('' always) so the parameters stay those of the other pages.
 */
const sortedPage = (listsFolder: boolean, sort: FileSortKey, descending: boolean) => {
  const direction = descending ? 'DESC' : 'ASC';
  const order = `${listsFolder ? `${IS_FILE}, ` : ''}${SORT_COLUMNS[sort]} ${direction} NULLS LAST, s.entity_id COLLATE "C" ${direction}`;
  const where = listsFolder
    ? `s.space_id = $1 AND $2::text = '' AND s.file_exists AND crdt_parent_folder(s.entity_id) = $3`
    : MATCHES_PATHS;
  return `
  SELECT s.entity_id, ${IS_FILE} AS is_file, row_number() OVER (ORDER BY ${order}) AS ord
  FROM crdt_snapshots s LEFT JOIN fs_index f ON f.space_id = s.space_id AND f.path = s.entity_id
  WHERE ${where} AND $4::text = ''
  ORDER BY ${order} LIMIT $5 OFFSET $6`;
};

/** The texts of the sorted pages, built once each (there are twelve at most). */
const sortedTexts = new Map<string, string>();
function selectSorted(listsFolder: boolean, sort: FileSortKey, descending: boolean): string {
  const key = `${listsFolder}:${sort}:${descending}`;
  let text = sortedTexts.get(key);
  if (text === undefined) {
    text = withDetails(sortedPage(listsFolder, sort, descending), 'p.ord');
    sortedTexts.set(key, text);
  }
  return text;
}

const SELECT_PATHS = withDetails(PAGE_OF_PATHS, `p.entity_id COLLATE "C"`);
const SELECT_FOLDER_FIRST = withDetails(pageOfFolder(false), `p.is_file, p.entity_id COLLATE "C"`);
const SELECT_FOLDER_AFTER = withDetails(pageOfFolder(true), `p.is_file, p.entity_id COLLATE "C"`);

const COUNT_MATCHES = `SELECT count(*)::float8 AS n FROM crdt_snapshots s WHERE ${MATCHES_PATHS}`;

const SUM_FOLDER = `SELECT coalesce(sum(children), 0)::float8 AS n FROM crdt_folder_counts
  WHERE space_id = $1 AND folder = $2`;

/**
 * Entities that should exist but whose content is not on disk yet. The ignore rules
 * (gitignore syntax) are applied to these rows in code; when nothing waits, none return.
 */
// A file listed as received but not writable here (fs_unsyncable, `remote`: a name this device
// can't use) is not on its way: it is counted in the list of files that can't sync instead.
const SELECT_DOWNLOADS = `
SELECT s.entity_id, s.content_hash FROM crdt_snapshots s
LEFT JOIN fs_index f ON f.space_id = s.space_id AND f.path = s.entity_id
WHERE s.space_id = $1 AND s.file_exists
  AND (f.path IS NULL OR (f.kind = 'file' AND f.hash IS DISTINCT FROM s.content_hash))
  AND NOT EXISTS (
    SELECT 1 FROM fs_unsyncable u
    WHERE u.space_id = s.space_id AND u.side = 'remote' AND u.path = s.entity_id)
  AND s.entity_id COLLATE "C" > $2
ORDER BY s.entity_id COLLATE "C" LIMIT $3`;

/** Rows of pending downloads read at once while counting them (a first sync has 100,000). */
const DOWNLOADS_PAGE = 5_000;

interface PageRow {
  entity_id: string;
  is_file: boolean;
  content_hash: string | null;
  size: number | null;
  has_conflict: boolean;
  last_node_id: string | null;
  last_hlc: string | null;
  on_disk: boolean;
  disk_kind: 'file' | 'dir' | null;
  disk_hash: string | null;
  mtime_ms: number | null;
  mode: number | null;
  unpushed: boolean;
}

export interface FileListContext {
  readonly db: SqlExecutor;
  readonly spaceId: string;
  readonly thisNode: string;
  /**
   * The highest seq of this device the hub holds without a gap (the push frontier); a
   * local event above it is not on the hub yet. `null`: no hub, nothing waits to upload.
   */
  readonly pushedSeq: number | null;
  readonly nameOf: (nodeId: string) => string;
  /** This device's current ignore rules. */
  readonly ignore: IgnoreRules;
  /**
   * Files waiting to be written here, as the state counts them: a folder's row then says
   * whether any wait below it. Absent: folders show conflicts and uploads below them only.
   */
  readonly pendingDownloads?: () => Promise<PendingDownloads>;
}

export interface FileQuery {
  readonly query: string;
  readonly offset: number;
  readonly limit: number;
  /** One folder's children ('' = the top); with a query, the matches under it. */
  readonly folder?: string | undefined;
  /** A page's `next`. */
  readonly after?: string | undefined;
  /** Default: by name, A first (folders first in a folder's listing). */
  readonly sort?: FileSortKey | undefined;
  readonly descending?: boolean | undefined;
}

/** Wall-clock ms of an encoded HLC (`<15-digit wall>-<counter>-<node>`). */
const wallOfHlc = (hlc: string | null): number | null => {
  const wall = hlc === null ? NaN : Number(hlc.slice(0, 15));
  return Number.isFinite(wall) ? wall : null;
};

/** `excludedHere`: this device's ignore rules leave the path out, so it never arrives here. */
export function stateOfRow(
  row: Omit<PageRow, 'entity_id' | 'size' | 'is_file'>,
  excludedHere = false,
): FileSyncState {
  if (row.has_conflict) return 'conflict';
  if (row.unpushed) return 'pending-upload';
  if (excludedHere) return 'synced';
  const isDir = row.content_hash === DIRECTORY_HASH;
  if (!row.on_disk) return 'downloading';
  if (!isDir && row.disk_kind === 'file' && row.disk_hash !== row.content_hash)
    return 'downloading';
  return 'synced';
}

function toFileRow(row: PageRow, ctx: FileListContext): FileRow {
  const isDir = row.content_hash === DIRECTORY_HASH;
  return {
    path: row.entity_id,
    kind: isDir ? 'dir' : 'file',
    size: isDir ? 0 : Number(row.size ?? 0),
    modifiedAt: row.mtime_ms !== null ? Math.round(row.mtime_ms) : wallOfHlc(row.last_hlc),
    state: stateOfRow(row, ctx.ignore.excludes(row.entity_id, isDir)),
    lastDevice: row.last_node_id === null ? null : ctx.nameOf(row.last_node_id),
    executable: !isDir && row.mode !== null && (row.mode & 0o111) !== 0,
  };
}

/**
 * A page key: `f<0|1>:<path>` in a folder's listing (0 = a folder: folders sort first),
 * `p:<path>` in path order. Opaque to the UI, which only hands back what a page gave it.
 */
const folderKey = (row: PageRow) => `f${row.is_file ? 1 : 0}:${row.entity_id}`;
const pathKey = (row: PageRow) => `p:${row.entity_id}`;

interface PageStart {
  readonly path: string;
  /** In a folder's listing: whether the key's row is a file. */
  readonly isFile: boolean | null;
}

function pageStart(after: string | undefined, listsFolder: boolean): PageStart {
  if (after === undefined) return { path: '', isFile: null };
  const folderForm = /^f([01]):(.+)$/su.exec(after);
  if (listsFolder && folderForm)
    return { path: folderForm[2] ?? '', isFile: folderForm[1] === '1' };
  if (!listsFolder && after.startsWith('p:') && after.length > 2)
    return { path: after.slice(2), isFile: null };
  throw new NetGuardianError(
    'InvalidArgument',
    `files:list: after: "${after.slice(0, 80)}" is not the "next" of a page of this listing`,
    'after',
  );
}

/** A folder as the listing takes it: '' for the top, else an entity path (the path rules). */
function folderOf(folder: string | undefined): string | undefined {
  if (folder === undefined || folder === '') return folder;
  const checked = validateEntityPath(folder);
  if (!checked.ok)
    throw new NetGuardianError(
      'InvalidArgument',
      `files:list: folder: ${checked.error.message} ('' for the top, "a/b" below it)`,
      'folder',
    );
  return folder;
}

export async function listFiles(ctx: FileListContext, q: FileQuery): Promise<FilePage> {
  const needle = q.query.trim();
  const folder = folderOf(q.folder);
  const listsFolder = folder !== undefined && needle === '';
  const sort = q.sort ?? 'name';
  const descending = q.descending ?? false;
  // The indexes' own order pages by key; any other pages by offset and ignores `after`.
  const keyed = sort === 'name' && !descending;
  const start = keyed ? pageStart(q.after, listsFolder) : { path: '', isFile: null };
  const offset = keyed && q.after !== undefined ? 0 : q.offset;
  const text = !keyed
    ? selectSorted(listsFolder, sort, descending)
    : !listsFolder
      ? SELECT_PATHS
      : start.isFile === null
        ? SELECT_FOLDER_FIRST
        : SELECT_FOLDER_AFTER;
  const rows = await ctx.db.query<PageRow>(text, [
    ctx.spaceId,
    needle,
    folder ?? '',
    start.path,
    q.limit,
    offset,
    ctx.thisNode,
    ctx.pushedSeq ?? Number.MAX_SAFE_INTEGER,
    ...(start.isFile === null ? [] : [start.isFile]),
  ]);
  const last = keyed && rows.length === q.limit ? rows[rows.length - 1] : undefined;
  return {
    total: await totalOf(ctx, {
      needle,
      folder,
      listsFolder,
      first: start.path === '' && offset === 0,
      rows: rows.length,
      limit: q.limit,
    }),
    offset,
    rows: await withFolderStates(
      ctx,
      rows.map((r) => toFileRow(r, ctx)),
    ),
    next: last === undefined ? null : listsFolder ? folderKey(last) : pathKey(last),
  };
}

/** The page's folders say what is below them (folderStates.ts). */
async function withFolderStates(ctx: FileListContext, rows: FileRow[]): Promise<FileRow[]> {
  const folders = rows.filter((r) => r.kind === 'dir').map((r) => r.path);
  if (folders.length === 0) return rows;
  const below = await statesBelow(
    { ...ctx, pendingDownloads: ctx.pendingDownloads ?? (() => Promise.resolve(NONE_PENDING)) },
    folders,
  );
  return rows.map((r) =>
    r.kind === 'dir' ? { ...r, state: folderRowState(r.state, below.get(r.path)) } : r,
  );
}

/**
 * Every row the listing holds, not only this page's: kept counts for a folder or the whole
 * space; a search counts its matches, unless the first page's rows are all there is.
 */
async function totalOf(
  ctx: FileListContext,
  q: {
    needle: string;
    folder: string | undefined;
    listsFolder: boolean;
    first: boolean;
    rows: number;
    limit: number;
  },
): Promise<number> {
  if (q.first && q.rows < q.limit) return q.rows;
  if (q.listsFolder) {
    const sum = await ctx.db.query<{ n: number }>(SUM_FOLDER, [ctx.spaceId, q.folder ?? ''], {
      name: 'ng_folder_count',
    });
    return Number(sum[0]?.n ?? 0);
  }
  if (q.needle === '' && q.folder === undefined)
    return (await readSnapshotCounts(ctx.db, ctx.spaceId)).files;
  const counted = await ctx.db.query<{ n: number }>(COUNT_MATCHES, [
    ctx.spaceId,
    q.needle,
    q.folder ?? '',
  ]);
  return Number(counted[0]?.n ?? 0);
}

/** Folders holding waiting files kept at most (see PendingDownloads). */
export const MAX_PENDING_FOLDERS = 20_000;

const NONE_PENDING: PendingDownloads = { count: 0, folders: new Set() };

export async function readPendingDownloads(
  db: SqlExecutor,
  spaceId: string,
  ignore: IgnoreRules,
  pageRows = DOWNLOADS_PAGE,
): Promise<PendingDownloads> {
  let count = 0;
  let folders: Set<string> | null = new Set<string>();
  // A page at a time in path order: the rules are applied in code, memory holds one page.
  for (let after = ''; ;) {
    const rows = await db.query<{ entity_id: string; content_hash: string | null }>(
      SELECT_DOWNLOADS,
      [spaceId, after, pageRows],
    );
    const waiting = rows.filter(
      (r) => !ignore.excludes(r.entity_id, r.content_hash === DIRECTORY_HASH),
    );
    count += waiting.length;
    for (const { entity_id: path } of waiting) {
      if (folders === null) break;
      for (let slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1))
        folders.add(path.slice(0, slash));
      if (folders.size > MAX_PENDING_FOLDERS) folders = null;
    }
    if (rows.length < pageRows) return { count, folders };
    after = (rows[rows.length - 1] as { entity_id: string }).entity_id;
  }
}

/** How many files wait to be written here (`readPendingDownloads`' count). */
export async function countPendingDownloads(
  db: SqlExecutor,
  spaceId: string,
  ignore: IgnoreRules,
  pageRows = DOWNLOADS_PAGE,
): Promise<number> {
  return (await readPendingDownloads(db, spaceId, ignore, pageRows)).count;
}
