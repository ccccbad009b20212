import type { SqlExecutor } from './sqlClient.js';

/** A space's snapshots counted: what the status and the files screen show. */
export interface SnapshotCounts {
  readonly entities: number;
  /** Entities that exist: files and folders. */
  readonly files: number;
  /** The folders among `files`. */
  readonly folders: number;
  readonly conflicts: number;
}

/**
 * The sums of a space's deltas, which triggers add as snapshots change (migration 0016): a read
 * of a few hundred rows at most, where `count(*)` over the snapshots read every one of them.
 */
const SUM_COUNTS = `
SELECT coalesce(sum(entities), 0)::float8 AS entities, coalesce(sum(files), 0)::float8 AS files,
       coalesce(sum(folders), 0)::float8 AS folders, coalesce(sum(conflicts), 0)::float8 AS conflicts
FROM crdt_snapshot_counts WHERE space_id = $1`;

export async function readSnapshotCounts(
  db: SqlExecutor,
  spaceId: string,
): Promise<SnapshotCounts> {
  const rows = await db.query<SnapshotCounts>(SUM_COUNTS, [spaceId], {
    name: 'ng_snapshot_counts',
  });
  const r = rows[0];
  return {
    entities: Number(r?.entities ?? 0),
    files: Number(r?.files ?? 0),
    folders: Number(r?.folders ?? 0),
    conflicts: Number(r?.conflicts ?? 0),
  };
}
