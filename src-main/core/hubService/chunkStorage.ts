import { createHash } from 'node:crypto';
import { NetGuardianError } from '../../../src-shared/errors.js';
import { PgChunkStore, type ChunkInput } from '../files/chunkStore.js';
import type { SqlClient, SqlExecutor } from '../store/sqlClient.js';
import { collectChunks, TOUCH_EVERY_MS, type CollectedChunks } from './chunkCollection.js';

/**
 * Where a hub keeps chunk bytes. One interface so that another backend (S3-compatible object
 * storage) can stand beside PostgreSQL; the hub's service verifies every chunk before `put`.
 */
export interface HubChunkStorage {
  /** Which of `hashes` the space lacks, deduplicated, in the order given. */
  missing(spaceId: string, hashes: readonly string[]): Promise<string[]>;
  /**
   * Stores verified chunks (known ones are skipped) and counts the new bytes against the space's
   * quota, refusing the whole call with `QuotaExceeded` (nothing stored) when they would pass it.
   */
  put(spaceId: string, chunks: readonly ChunkInput[]): Promise<{ readonly newBytes: number }>;
  /** The sizes of the chunks of `hashes` the space holds (absent ones left out). */
  sizes(
    spaceId: string,
    hashes: readonly string[],
  ): Promise<{ readonly hash: string; readonly size: number }[]>;
  /** The bytes of the chunks the space holds (absent ones missing from the map). */
  get(spaceId: string, hashes: readonly string[]): Promise<Map<string, Uint8Array>>;
  /** Bytes of chunk data the space holds, and its quota (null: none). */
  usage(spaceId: string): Promise<{ readonly bytes: number; readonly quota: number | null }>;
  /**
   * Deletes the space's chunks that no stored event references and that nobody has stored or
   * asked for within `retentionMs` (chunkCollection.ts says why a push is never raced).
   */
  collect(spaceId: string, retentionMs: number): Promise<CollectedChunks>;
}

const sha256Hex = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

/** Throws `ChunkHashMismatch` naming the chunk when its bytes are not what its hash says. */
export function verifyChunk(chunk: ChunkInput): void {
  if (sha256Hex(chunk.data) !== chunk.hash) {
    throw new NetGuardianError(
      'ChunkHashMismatch',
      `chunk ${chunk.hash} does not match its ${chunk.data.byteLength} bytes: refused, nothing stored`,
      chunk.hash,
    );
  }
}

const LOCK_USAGE = `
INSERT INTO hub_space_usage (space_id) VALUES ($1)
ON CONFLICT (space_id) DO UPDATE SET space_id = excluded.space_id
RETURNING chunk_bytes::float8 AS bytes, quota_bytes::float8 AS quota`;

const ADD_USAGE = `UPDATE hub_space_usage SET chunk_bytes = chunk_bytes + $2 WHERE space_id = $1`;

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
 * Chunks in PostgreSQL's `crdt_chunks` (the default, embedded), with each space's bytes counted
 * in `hub_space_usage` in the same transaction as the insert, so the count never drifts from
 * what is stored and two puts of one space can't both pass its quota (the usage row is locked).
 */
export class PgChunkStorage implements HubChunkStorage {
  private readonly reader: PgChunkStore;

  constructor(private readonly client: SqlClient) {
    this.reader = new PgChunkStore(client);
  }

  /**
   * A chunk counts as present only when it was touched within the hour (the collection cannot
   * have deleted it, its retention being longer) or this statement touched it: a chunk the
   * collection deletes meanwhile is reported missing and uploaded again, never reported present
   * and then gone (the collection's delete re-checks the touch time of a row this updated).
   */
  async missing(spaceId: string, hashes: readonly string[]): Promise<string[]> {
    const unique = [...new Set(hashes)];
    const present = new Set<string>();
    for (let i = 0; i < unique.length; i += LOOKUP_BATCH) {
      const part = unique.slice(i, i + LOOKUP_BATCH);
      const rows = await this.client.query<{ hash: string }>(
        PRESENT_AND_TOUCHED,
        [spaceId, JSON.stringify(part), TOUCH_EVERY_MS],
        { name: 'ng_hub_chunks_present' },
      );
      for (const r of rows) present.add(r.hash);
    }
    return unique.filter((h) => !present.has(h));
  }

  collect(spaceId: string, retentionMs: number): Promise<CollectedChunks> {
    return collectChunks(this.client, spaceId, retentionMs);
  }

  get(spaceId: string, hashes: readonly string[]): Promise<Map<string, Uint8Array>> {
    return this.reader.getChunks(spaceId, hashes);
  }

  sizes(spaceId: string, hashes: readonly string[]): Promise<{ hash: string; size: number }[]> {
    return this.reader.sizes(spaceId, hashes);
  }

  async usage(spaceId: string): Promise<{ bytes: number; quota: number | null }> {
    const row = (
      await this.client.query<{ bytes: number; quota: number | null }>(
        `SELECT chunk_bytes::float8 AS bytes, quota_bytes::float8 AS quota
         FROM hub_space_usage WHERE space_id = $1`,
        [spaceId],
      )
    )[0];
    return { bytes: Number(row?.bytes ?? 0), quota: row?.quota == null ? null : Number(row.quota) };
  }

  async put(spaceId: string, chunks: readonly ChunkInput[]): Promise<{ newBytes: number }> {
    const unique = new Map<string, ChunkInput>();
    for (const c of chunks) unique.set(c.hash, c);
    if (unique.size === 0) return { newBytes: 0 };
    return this.client.transaction(async (tx) => {
      const usage = (
        await tx.query<{ bytes: number; quota: number | null }>(LOCK_USAGE, [spaceId])
      )[0];
      const newBytes = await this.insert(tx, spaceId, [...unique.values()]);
      const quota = usage?.quota == null ? null : Number(usage.quota);
      const total = Number(usage?.bytes ?? 0) + newBytes;
      if (quota !== null && total > quota) {
        // Thrown inside the transaction: the inserts roll back with it.
        throw new NetGuardianError(
          'QuotaExceeded',
          `the space ${spaceId} would hold ${formatBytes(total)} on the hub, over its quota of ${formatBytes(quota)}: nothing more can be uploaded until files are removed or the hub's admin raises the quota`,
          'quota',
        );
      }
      if (newBytes > 0) await tx.query(ADD_USAGE, [spaceId, newBytes]);
      return { newBytes };
    });
  }

  /** Inserts in statements of bounded rows and bytes; returns the bytes that were new. */
  private async insert(
    tx: SqlExecutor,
    spaceId: string,
    chunks: readonly ChunkInput[],
  ): Promise<number> {
    let newBytes = 0;
    for (const batch of batches(chunks)) {
      const params: unknown[] = [spaceId];
      const values: string[] = [];
      for (const c of batch) {
        const p = params.length + 1;
        values.push(`($1, $${p}, $${p + 1}, $${p + 2})`);
        params.push(
          c.hash,
          c.data.byteLength,
          Buffer.from(c.data.buffer, c.data.byteOffset, c.data.byteLength),
        );
      }
      // A chunk already held is touched instead (`inserted` false): it is wanted again.
      params.push(TOUCH_EVERY_MS);
      const rows = await tx.query<{ size: number; inserted: boolean }>(
        `INSERT INTO crdt_chunks (space_id, hash, size, data) VALUES ${values.join(', ')}
         ON CONFLICT (space_id, hash) DO UPDATE SET touched_at = now()
           WHERE crdt_chunks.touched_at < now() - $${params.length} * interval '1 millisecond'
         RETURNING size, (xmax = 0) AS inserted`,
        params,
      );
      for (const r of rows) if (r.inserted) newBytes += Number(r.size);
    }
    return newBytes;
  }
}

/** Rows per insert statement, and bytes (one larger chunk gets a statement alone). */
const BATCH_ROWS = 500;
const BATCH_BYTES = 4 * 1024 * 1024;

function* batches(chunks: readonly ChunkInput[]): Generator<ChunkInput[]> {
  let batch: ChunkInput[] = [];
  let bytes = 0;
  for (const c of chunks) {
    if (
      batch.length > 0 &&
      (batch.length >= BATCH_ROWS || bytes + c.data.byteLength > BATCH_BYTES)
    ) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push(c);
    bytes += c.data.byteLength;
  }
  if (batch.length > 0) yield batch;
}

function formatBytes(n: number): string {
  if (n < 1024 * 1024) return `${Math.ceil(n / 1024)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}
