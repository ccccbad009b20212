import { createHash } from 'node:crypto';
import { NetGuardianError } from '../../../src-shared/errors.js';
import { PgChunkStore, type ChunkInput } from '../files/chunkStore.js';
import type { SqlClient, SqlExecutor } from '../store/sqlClient.js';
import { collectChunks, type CollectedChunks } from './chunkCollection.js';
import {
  addSpaceBytes,
  checkQuota,
  IndexedChunks,
  lockSpaceUsage,
  TOUCH_EVERY_MS,
} from './chunkIndex.js';

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
  /**
   * The chunks of `group` (sizes from `sizes`, a few MiB in all) as streams of their bytes, in
   * the order given, absent ones left out. Whatever needs the database is done before this
   * resolves; reading the bodies needs only the backend (an object store streams each chunk
   * from its server, never holding it whole). Bodies are read in order, each to its end;
   * `close` when done or cut off.
   */
  open(spaceId: string, group: readonly ChunkSize[]): Promise<OpenedChunks>;
  /** Bytes of chunk data the space holds, and its quota (null: none). */
  usage(spaceId: string): Promise<{ readonly bytes: number; readonly quota: number | null }>;
  /**
   * A put whose chunks stream in (a backend that can store a chunk without holding it whole);
   * absent: the hub collects each chunk whole, verifies it, and calls `put`.
   */
  receive?(spaceId: string): ChunkReceiver;
  /**
   * Deletes the space's chunks that no stored event references and that nobody has stored or
   * asked for within `retentionMs` (chunkCollection.ts says why a push is never raced).
   */
  collect(spaceId: string, retentionMs: number): Promise<CollectedChunks>;
}

export interface ChunkSize {
  readonly hash: string;
  readonly size: number;
}

export interface ChunkBody extends ChunkSize {
  readonly body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
}

/** One upload request's chunks, streamed in (`HubChunkStorage.receive`). */
export interface ChunkReceiver {
  /** A chunk begins: `size` bytes follow through `write`, then `end`. */
  begin(hash: string, size: number): Promise<void>;
  write(bytes: Uint8Array): Promise<void>;
  /**
   * The chunk's bytes are all in: kept if they hash to its name, else refused
   * (`ChunkHashMismatch`) with nothing of it stored.
   */
  end(): Promise<void>;
  /**
   * Names the chunks received since the last commit, in one transaction with the quota
   * (`QuotaExceeded`: none of them kept).
   */
  commit(): Promise<void>;
  /** Deletes whatever was received and not named (the request failed). */
  abort(): Promise<void>;
}

export interface OpenedChunks {
  readonly bodies: readonly ChunkBody[];
  /** Ends whatever is still open (an answer cut off). */
  close(): void;
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

/**
 * Chunks in PostgreSQL's `crdt_chunks` (the default, embedded), with each space's bytes counted
 * in `hub_space_usage` in the same transaction as the insert, so the count never drifts from
 * what is stored and two puts of one space can't both pass its quota (the usage row is locked).
 */
export class PgChunkStorage extends IndexedChunks implements HubChunkStorage {
  private readonly reader: PgChunkStore;

  constructor(client: SqlClient) {
    super(client);
    this.reader = new PgChunkStore(client);
  }

  collect(spaceId: string, retentionMs: number): Promise<CollectedChunks> {
    return collectChunks(this.client, spaceId, retentionMs);
  }

  get(spaceId: string, hashes: readonly string[]): Promise<Map<string, Uint8Array>> {
    return this.reader.getChunks(spaceId, hashes);
  }

  async open(spaceId: string, group: readonly ChunkSize[]): Promise<OpenedChunks> {
    const found = await this.reader.getChunks(
      spaceId,
      group.map((c) => c.hash),
    );
    const bodies = group.flatMap((c) => {
      const data = found.get(c.hash);
      return data ? [{ hash: c.hash, size: data.byteLength, body: [data] }] : [];
    });
    return { bodies, close: () => undefined };
  }

  async put(spaceId: string, chunks: readonly ChunkInput[]): Promise<{ newBytes: number }> {
    const unique = new Map<string, ChunkInput>();
    for (const c of chunks) unique.set(c.hash, c);
    if (unique.size === 0) return { newBytes: 0 };
    return this.client.transaction(async (tx) => {
      const usage = await lockSpaceUsage(tx, spaceId);
      const newBytes = await this.insert(tx, spaceId, [...unique.values()]);
      // Thrown inside the transaction: the inserts roll back with it.
      checkQuota(spaceId, usage, newBytes);
      await addSpaceBytes(tx, spaceId, newBytes);
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
