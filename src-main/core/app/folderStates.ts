import type { FileSyncState } from '../../../src-shared/ipc/contract.js';
import { DIRECTORY_HASH } from '../../../src-shared/fileKinds.js';
import type { IgnoreRules } from '../files/ignoreRules.js';
import type { SqlExecutor } from '../store/sqlClient.js';

/**
 * A folder's row says what is true of everything under it, as a file manager's sync overlay
 * does: a conflict anywhere below, else something waiting to upload, else something still to
 * download, else synced. Each is an EXISTS over the folder's range of paths, which stops at the
 * first hit; uploads are asked only when the device has a hub. Downloads come from the scan the
 * state already makes of what waits (the folders holding it, `readPendingDownloads`), so a folder
 * row costs no subtree read; only when too many folders wait to keep that list is each asked.
 * A synced space pays for the conflicts' small index only.
 */

/**
 * Files waiting to be written here, and the folders they wait in (each ancestor of each, so a
 * folder's row can say something below it waits without reading its subtree). `folders` is null
 * when more than MAX_PENDING_FOLDERS folders hold some: a first sync of a big tree, when the
 * rows ask per folder instead (folderStates.ts); memory stays bounded however many files wait.
 */
export interface PendingDownloads {
  readonly count: number;
  readonly folders: ReadonlySet<string> | null;
}

/** `$2` the folders (JSON array), `$3` this device, `$4` its seq the hub holds. */
const SELECT_BELOW = `
SELECT d.folder,
  EXISTS (SELECT 1 FROM crdt_snapshots s
          WHERE s.space_id = $1 AND s.has_conflict AND s.file_exists
            AND s.entity_id COLLATE "C" > d.folder || '/' AND s.entity_id COLLATE "C" < d.folder || '0')
    AS conflict,
  ($5::boolean AND EXISTS (SELECT 1 FROM crdt_events e
          WHERE e.space_id = $1 AND e.node_id = $3 AND e.seq > $4
            AND e.entity_id COLLATE "C" > d.folder || '/' AND e.entity_id COLLATE "C" < d.folder || '0'))
    AS unpushed
FROM jsonb_array_elements_text($2::jsonb) AS d(folder)`;

/**
 * Paths below `$2` the folder holds not yet, or not as they should be (`SELECT_DOWNLOADS` of
 * fileList.ts, for one folder's range); the ignore rules are applied to them in code.
 */
const SELECT_DOWNLOADS_BELOW = `
SELECT s.entity_id, s.content_hash FROM crdt_snapshots s
LEFT JOIN fs_index f ON f.space_id = s.space_id AND f.path = s.entity_id
WHERE s.space_id = $1 AND s.file_exists
  AND s.entity_id COLLATE "C" > $2 || '/' AND s.entity_id COLLATE "C" < $2 || '0'
  AND (f.path IS NULL OR (f.kind = 'file' AND f.hash IS DISTINCT FROM s.content_hash))
  AND NOT EXISTS (
    SELECT 1 FROM fs_unsyncable u
    WHERE u.space_id = s.space_id AND u.side = 'remote' AND u.path = s.entity_id)
LIMIT $3`;

/** Candidates read per folder: if all of them are ignored here, the folder counts as downloading. */
const DOWNLOAD_CANDIDATES = 200;

export interface FolderStateContext {
  readonly db: SqlExecutor;
  readonly spaceId: string;
  readonly thisNode: string;
  /** This device's seq the hub holds; null without a hub (nothing waits to upload). */
  readonly pushedSeq: number | null;
  readonly ignore: IgnoreRules;
  /** Files waiting to be written here and the folders they wait in, as the state reads them. */
  readonly pendingDownloads: () => Promise<PendingDownloads>;
}

/** What is below each folder, by folder; a folder with nothing unsynced below is not listed. */
export async function statesBelow(
  ctx: FolderStateContext,
  folders: readonly string[],
): Promise<Map<string, FileSyncState>> {
  const out = new Map<string, FileSyncState>();
  if (folders.length === 0) return out;
  const rows = await ctx.db.query<{ folder: string; conflict: boolean; unpushed: boolean }>(
    SELECT_BELOW,
    [
      ctx.spaceId,
      JSON.stringify(folders),
      ctx.thisNode,
      ctx.pushedSeq ?? Number.MAX_SAFE_INTEGER,
      ctx.pushedSeq !== null,
    ],
  );
  for (const row of rows)
    if (row.conflict) out.set(row.folder, 'conflict');
    else if (row.unpushed) out.set(row.folder, 'pending-upload');
  const rest = folders.filter((f) => !out.has(f));
  if (rest.length === 0) return out;
  const pending = await ctx.pendingDownloads();
  if (pending.count === 0) return out;
  if (pending.folders !== null) {
    for (const folder of rest) if (pending.folders.has(folder)) out.set(folder, 'downloading');
    return out;
  }
  // Too many folders wait to list them (a first sync of a big tree): each row asks.
  for (const folder of rest) {
    const waiting = await ctx.db.query<{ entity_id: string; content_hash: string | null }>(
      SELECT_DOWNLOADS_BELOW,
      [ctx.spaceId, folder, DOWNLOAD_CANDIDATES],
    );
    const wanted = waiting.filter(
      (r) => !ctx.ignore.excludes(r.entity_id, r.content_hash === DIRECTORY_HASH),
    );
    // All candidates ignored yet as many as were asked for: more may wait; never say synced then.
    if (wanted.length > 0 || waiting.length === DOWNLOAD_CANDIDATES) out.set(folder, 'downloading');
  }
  return out;
}

const RANK: Readonly<Record<FileSyncState, number>> = {
  synced: 0,
  downloading: 1,
  'pending-upload': 2,
  conflict: 3,
};

/** The state a folder's row shows: its own or what is below it, whichever says more. */
export const folderRowState = (own: FileSyncState, below: FileSyncState | undefined) =>
  below !== undefined && RANK[below] > RANK[own] ? below : own;
