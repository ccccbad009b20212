import { DIRECTORY_HASH } from '../../../src-shared/fileKinds.js';
import type { FilePage, FileRow, FileSyncState } from '../../../src-shared/ipc/contract.js';
import type { IgnoreRules } from '../files/ignoreRules.js';
import { readSnapshotCounts } from '../store/snapshotCounts.js';
import type { SqlExecutor } from '../store/sqlClient.js';

/**
 * The files screen's rows: a page of the space's existing entities (files and
 * folders) in path order, filtered by a case-insensitive substring, with each
 * row's sync state. Snapshots say what should be; the file index says what is
 * on disk; the log says what this device wrote and the hub may lack. A path
 * this device's ignore rules exclude is never written here, so it is never
 * waiting for a download: it is synced elsewhere (on the hub, on its devices).
 *
 * Cost at 100,000 entries (PGlite): the page query reads the matching paths
 * in order from `crdt_snapshots_existing_by_path` (migration 0011) and joins
 * the page's rows afterwards, so the sub-plans run for `limit` rows only; about
 * 50 ms for the first page (it was 450 ms when every page sorted all paths).
 * A deep page still walks the skipped rows; a filtered one scans every path.
 */

/** `$2`: the lower-case query, '' for all. `strpos(lower(..))` on both sides agrees in any locale. */
const MATCHES = `s.space_id = $1 AND s.file_exists AND ($2 = '' OR strpos(lower(s.entity_id), lower($2)) > 0)`;

const SELECT_PAGE = `
WITH page AS (
  SELECT s.entity_id FROM crdt_snapshots s
  WHERE ${MATCHES}
  ORDER BY s.entity_id COLLATE "C" LIMIT $3 OFFSET $4
)
SELECT s.entity_id, s.content_hash, s.size::float8 AS size, s.has_conflict, s.last_node_id, s.last_hlc,
  f.path IS NOT NULL AS on_disk, f.kind AS disk_kind, f.hash AS disk_hash, f.mtime_ms, f.mode,
  EXISTS (SELECT 1 FROM crdt_events e
          WHERE e.space_id = $1 AND e.entity_id = p.entity_id AND e.node_id = $5 AND e.seq > $6) AS unpushed
FROM page p
JOIN crdt_snapshots s ON s.space_id = $1 AND s.entity_id = p.entity_id
LEFT JOIN fs_index f ON f.space_id = $1 AND f.path = p.entity_id
ORDER BY p.entity_id COLLATE "C"`;

const COUNT_MATCHES = `SELECT count(*)::float8 AS n FROM crdt_snapshots s WHERE ${MATCHES}`;

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
}

export interface FileQuery {
  readonly query: string;
  readonly offset: number;
  readonly limit: number;
}

/** Wall-clock ms of an encoded HLC (`<15-digit wall>-<counter>-<node>`). */
const wallOfHlc = (hlc: string | null): number | null => {
  const wall = hlc === null ? NaN : Number(hlc.slice(0, 15));
  return Number.isFinite(wall) ? wall : null;
};

/** `excludedHere`: this device's ignore rules leave the path out, so it never arrives here. */
export function stateOfRow(
  row: Omit<PageRow, 'entity_id' | 'size'>,
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

export async function listFiles(ctx: FileListContext, q: FileQuery): Promise<FilePage> {
  const needle = q.query.trim();
  const rows = await ctx.db.query<PageRow>(SELECT_PAGE, [
    ctx.spaceId,
    needle,
    q.limit,
    q.offset,
    ctx.thisNode,
    ctx.pushedSeq ?? Number.MAX_SAFE_INTEGER,
  ]);
  // Unfiltered, the count is kept as the store changes; a search's count scans every match,
  // unless the first page's rows tell it they are all there is.
  const total =
    q.offset === 0 && rows.length < q.limit
      ? rows.length
      : needle === ''
        ? (await readSnapshotCounts(ctx.db, ctx.spaceId)).files
        : Number(
            (await ctx.db.query<{ n: number }>(COUNT_MATCHES, [ctx.spaceId, needle]))[0]?.n ?? 0,
          );
  return { total, offset: q.offset, rows: rows.map((r) => toFileRow(r, ctx)) };
}

export async function countPendingDownloads(
  db: SqlExecutor,
  spaceId: string,
  ignore: IgnoreRules,
  pageRows = DOWNLOADS_PAGE,
): Promise<number> {
  let count = 0;
  // A page at a time in path order: the rules are applied in code, memory holds one page.
  for (let after = ''; ;) {
    const rows = await db.query<{ entity_id: string; content_hash: string | null }>(
      SELECT_DOWNLOADS,
      [spaceId, after, pageRows],
    );
    count += rows.filter(
      (r) => !ignore.excludes(r.entity_id, r.content_hash === DIRECTORY_HASH),
    ).length;
    if (rows.length < pageRows) return count;
    after = (rows[rows.length - 1] as { entity_id: string }).entity_id;
  }
}
