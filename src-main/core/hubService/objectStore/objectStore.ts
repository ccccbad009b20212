import type { Readable } from 'node:stream';

/**
 * Where a hub's chunk bytes go when they live in object storage: keys to bytes, nothing more.
 * The index of chunks (sizes, presence, quota, what is referenced) stays in PostgreSQL
 * (chunkIndex.ts); `S3ObjectStore` is the implementation, tested against a real S3 server.
 */
export interface ObjectStore {
  /** Where the objects are, for messages and `hub spaces` (such as `s3://bucket/prefix`). */
  readonly location: string;
  /**
   * Stores exactly `size` bytes read from `body` under `key`; resolves once the server has them.
   * If `body` errors or ends short, rejects and nothing is stored under `key`.
   */
  put(key: string, size: number, body: Readable | Uint8Array): Promise<void>;
  /** The object's bytes as a stream (not buffered whole); rejects `NotFound` naming the key. */
  get(key: string): Promise<Readable>;
  /** Deletes the keys (absent ones are fine), in batches of at most 1000. */
  delete(keys: readonly string[]): Promise<void>;
  /** Keys under `prefix` (paged, at most `limit`), for checks and tests. */
  list(prefix: string, limit: number): Promise<string[]>;
  /** Makes sure the bucket exists and is usable; a sentence naming what is wrong otherwise. */
  check(): Promise<void>;
  close(): void;
}
