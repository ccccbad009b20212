import { ancestorsOf } from '../files/safePaths.js';
import { DIRECTORY_HASH, isDirectoryContent } from '../../../src-shared/fileKinds.js';
import type { CRDTManager } from '../crdtManager.js';
import { loadViews } from '../files/scanner.js';
import type { SqlExecutor } from '../store/sqlClient.js';

/**
 * Entities whose disk state may not match the store: the file index (what is
 * on disk) disagrees with the snapshot (what should be), or a conflict's
 * copies may be missing. Materializing these repairs whatever a crash, a
 * failed download or a stopped daemon left behind; the materializer decides
 * per entity, so a false positive costs one stat. Paths listed as received but
 * not writable here are tried again too.
 */
const SELECT_OUT_OF_STEP = `
SELECT s.entity_id FROM crdt_snapshots s
LEFT JOIN fs_index f ON f.space_id = s.space_id AND f.path = s.entity_id
WHERE s.space_id = $1 AND (
  (s.file_exists AND (
    f.path IS NULL
    -- A folder where a file should be, or a file where a folder should be ($3: a folder's hash).
    OR (f.kind = 'dir') IS DISTINCT FROM (s.content_hash = $3)
    OR (f.kind = 'file' AND f.hash IS DISTINCT FROM s.content_hash)))
  OR (NOT s.file_exists AND f.path IS NOT NULL)
  OR s.has_conflict
  -- Listed as received but not written here: tried again, and swept from the list once it is
  -- written or deleted (a run sweeps only the paths it was given).
  OR EXISTS (SELECT 1 FROM fs_unsyncable u
             WHERE u.space_id = s.space_id AND u.side = 'remote' AND u.path = s.entity_id)
)
  AND s.entity_id COLLATE "C" > $4
ORDER BY s.entity_id COLLATE "C"
LIMIT $2`;

/** Entities materialized at once by `reconcile`: bounds what one page holds in memory. */
export const RECONCILE_PAGE = 2_000;

/**
 * A page of the entities out of step, in path order after `after` ('' for the first page): a
 * device catching up on 100,000 files holds one page, not all of them.
 */
export async function entitiesOutOfStep(
  db: SqlExecutor,
  spaceId: string,
  { after = '', limit = RECONCILE_PAGE }: { after?: string; limit?: number } = {},
): Promise<string[]> {
  const rows = await db.query<{ entity_id: string }>(SELECT_OUT_OF_STEP, [
    spaceId,
    limit,
    DIRECTORY_HASH,
    after,
  ]);
  return rows.map((r) => r.entity_id);
}

/**
 * The folders above `paths` that the store has as files: a file from another device replaces
 * each, and it was kept because it still held files (the materializer said which). When a local
 * change takes files out of one, it may be empty now: materializing it writes the file.
 */
export async function foldersFilesReplace(
  manager: CRDTManager,
  paths: readonly string[],
): Promise<string[]> {
  const above = [...new Set(paths.flatMap(ancestorsOf))];
  if (above.length === 0) return [];
  const views = await loadViews(manager, above);
  return above.filter((p) => {
    const view = views.get(p);
    return view?.exists === true && !isDirectoryContent(view.content);
  });
}
