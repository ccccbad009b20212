import { NetGuardianError } from '../../../src-shared/errors.js';
import { formatBytes } from '../../../src-shared/words.js';
import type { SqlClient, SqlExecutor } from '../store/sqlClient.js';

/**
 * The hub's index of chunks: one `crdt_chunks` row per (space, hash) with its size and when it
 * was last wanted, whichever backend holds the bytes (inline in the row, or an object named by
 * `object_key`, migration 0020). Presence, sizes, the space's usage and its quota are answered
 * here alone, so both backends answer them by the same rules.
 */

/**
 * How long a chunk counts as wanted after a device asked for it or stored it: the hub writes the
 * time again only when it is older than this, so a device's every check is not a write. The
 * collection's retention must be far longer (`MIN_RETENTION_MS`, chunkCollection.ts).
 */
export const TOUCH_EVERY_MS = 3600_000;

/** Hashes per presence statement. */
const LOOKUP_BATCH = 10_000;

/**
 * `$1` space, `$2` the hashes (a JSON array), `$3` TOUCH_EVERY_MS. A row another transaction
 * holds is skipped, never waited for (two statements locking rows in different orders would
 * deadlock): it is reported missing, and the device's upload of it is harmless.
 */
const PRESENT_AND_TOUCHED = `
WITH wanted AS (SELECT jsonb_array_elements_text($2::jsonb) AS hash),
stale AS (
  SELECT c.hash FROM crdt_chunks c JOIN wanted w ON c.space_id = $1 AND c.hash = w.hash
  WHERE c.touched_at < now() - $3 * interval '1 millisecond'
  FOR UPDATE OF c SKIP LOCKED
),
touched AS (
  UPDATE crdt_chunks c SET touched_at = now() FROM stale s
  WHERE c.space_id = $1 AND c.hash = s.hash
  RETURNING c.hash
)
SELECT c.hash FROM crdt_chunks c JOIN wanted w ON c.space_id = $1 AND c.hash = w.hash
WHERE c.touched_at >= now() - $3 * interval '1 millisecond'
UNION
SELECT hash FROM touched`;

/**
 * Which of `hashes` the space lacks, deduplicated, in the order given. A chunk counts as present
 * only when it was touched within the hour (the collection cannot have deleted it, its retention
 * being longer) or this statement touched it: a chunk the collection deletes meanwhile is
 * reported missing and uploaded again, never reported present and then gone (the collection's
 * delete re-checks the touch time of a row this updated).
 */
export async function missingChunks(
  db: SqlExecutor,
  spaceId: string,
  hashes: readonly string[],
): Promise<string[]> {
  const unique = [...new Set(hashes)];
  const present = new Set<string>();
  for (let i = 0; i < unique.length; i += LOOKUP_BATCH) {
    const part = unique.slice(i, i + LOOKUP_BATCH);
    const rows = await db.query<{ hash: string }>(
      PRESENT_AND_TOUCHED,
      [spaceId, JSON.stringify(part), TOUCH_EVERY_MS],
      { name: 'ng_hub_chunks_present' },
    );
    for (const r of rows) present.add(r.hash);
  }
  return unique.filter((h) => !present.has(h));
}

/** The sizes of the chunks of `hashes` the space holds (absent ones left out), in batches. */
export async function chunkSizes(
  db: SqlExecutor,
  spaceId: string,
  hashes: readonly string[],
): Promise<{ hash: string; size: number }[]> {
  const unique = [...new Set(hashes)];
  const found: { hash: string; size: number }[] = [];
  for (let i = 0; i < unique.length; i += LOOKUP_BATCH) {
    const rows = await db.query<{ hash: string; size: number }>(
      `SELECT hash, size FROM crdt_chunks
       WHERE space_id = $1 AND hash IN (SELECT jsonb_array_elements_text($2::jsonb))`,
      [spaceId, JSON.stringify(unique.slice(i, i + LOOKUP_BATCH))],
    );
    for (const r of rows) found.push({ hash: r.hash, size: Number(r.size) });
  }
  return found;
}

export interface SpaceUsage {
  readonly bytes: number;
  readonly quota: number | null;
}

/** Bytes of chunk data the space holds, and its quota (null: none). */
export async function spaceUsage(db: SqlExecutor, spaceId: string): Promise<SpaceUsage> {
  const row = (
    await db.query<{ bytes: number; quota: number | null }>(
      `SELECT chunk_bytes::float8 AS bytes, quota_bytes::float8 AS quota
       FROM hub_space_usage WHERE space_id = $1`,
      [spaceId],
    )
  )[0];
  return { bytes: Number(row?.bytes ?? 0), quota: row?.quota == null ? null : Number(row.quota) };
}

/**
 * Locks the space's usage row (made if missing) for the rest of the transaction and returns it:
 * every put and every collection of a space takes it first, so two puts can't both pass the
 * quota and the count never drifts from the rows.
 */
export async function lockSpaceUsage(tx: SqlExecutor, spaceId: string): Promise<SpaceUsage> {
  const row = (
    await tx.query<{ bytes: number; quota: number | null }>(
      `INSERT INTO hub_space_usage (space_id) VALUES ($1)
       ON CONFLICT (space_id) DO UPDATE SET space_id = excluded.space_id
       RETURNING chunk_bytes::float8 AS bytes, quota_bytes::float8 AS quota`,
      [spaceId],
    )
  )[0];
  return { bytes: Number(row?.bytes ?? 0), quota: row?.quota == null ? null : Number(row.quota) };
}

/** Adds (or with a negative count, subtracts, never below zero) the space's chunk bytes. */
export async function addSpaceBytes(
  tx: SqlExecutor,
  spaceId: string,
  bytes: number,
): Promise<void> {
  if (bytes === 0) return;
  await tx.query(
    `UPDATE hub_space_usage SET chunk_bytes = greatest(chunk_bytes + $2, 0) WHERE space_id = $1`,
    [spaceId, bytes],
  );
}

/** Throws `QuotaExceeded` in words when `usage` plus `newBytes` passes the space's quota. */
export function checkQuota(spaceId: string, usage: SpaceUsage, newBytes: number): void {
  const total = usage.bytes + newBytes;
  if (usage.quota === null || total <= usage.quota) return;
  throw new NetGuardianError(
    'QuotaExceeded',
    `the space ${spaceId} would hold ${formatBytes(total)} on the hub, over its quota of ${formatBytes(usage.quota)}: nothing more can be uploaded until files are removed or the hub's admin raises the quota`,
    'quota',
  );
}

/**
 * What both chunk backends answer from the index alone, the same way: which chunks a space
 * lacks, their sizes and the space's usage. Each backend adds where the bytes go.
 */
export abstract class IndexedChunks {
  constructor(protected readonly client: SqlClient) {}

  missing(spaceId: string, hashes: readonly string[]): Promise<string[]> {
    return missingChunks(this.client, spaceId, hashes);
  }

  sizes(spaceId: string, hashes: readonly string[]): Promise<{ hash: string; size: number }[]> {
    return chunkSizes(this.client, spaceId, hashes);
  }

  usage(spaceId: string): Promise<SpaceUsage> {
    return spaceUsage(this.client, spaceId);
  }
}
