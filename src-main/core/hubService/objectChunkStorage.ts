import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { NetGuardianError } from '../../../src-shared/errors.js';
import type { ChunkInput } from '../files/chunkStore.js';
import type { SqlClient, SqlExecutor } from '../store/sqlClient.js';
import { collectChunks, type CollectedChunks } from './chunkCollection.js';
import {
  addSpaceBytes,
  checkQuota,
  chunkSizes,
  IndexedChunks,
  lockSpaceUsage,
  spaceUsage,
  TOUCH_EVERY_MS,
} from './chunkIndex.js';
import type {
  ChunkBody,
  ChunkReceiver,
  ChunkSize,
  HubChunkStorage,
  OpenedChunks,
} from './chunkStorage.js';
import { ObjectChunkReceiver } from './objectChunkReceiver.js';
import type { ObjectStore } from './objectStore/objectStore.js';

/** Objects written or read at once per call: enough to hide a round trip, few enough to bound memory. */
const IN_FLIGHT = 8;
/**
 * An upload record older than this belongs to a put that died (every statement of a put is
 * bounded by the hub's 60 s statement timeout; an upload of one chunk takes seconds).
 */
const ABANDONED_UPLOAD_MS = TOUCH_EVERY_MS;
/** Rows per index statement (each row carries three parameters). */
const ROWS_PER_STATEMENT = 1_000;

/**
 * The object key of a new copy of a chunk: space, a two-hex fan-out, the hash, and a generation
 * that is never reused, so a chunk collected and uploaded again is a new object (migration 0020
 * says why). Space ids and hashes are validated names: the key is never built from free text.
 */
export function chunkObjectKey(spaceId: string, hash: string): string {
  return `${spaceId}/${hash.slice(0, 2)}/${hash}.${randomBytes(8).toString('hex')}`;
}

/**
 * Chunks in S3-compatible object storage: each chunk's bytes are one object, and its
 * `crdt_chunks` row (data NULL, `object_key` set) is the index that presence, sizes, the quota
 * and the collection read, exactly as for chunks held in PostgreSQL (chunkIndex.ts). Rows that
 * still hold their bytes inline (a hub whose chunks are being moved, chunkMove.ts) are read from
 * the row, so a hub serves every chunk throughout a move.
 *
 * Why nothing is lost or left behind:
 * - a put uploads first and names the objects in one transaction after (with the quota check):
 *   a row never names an object that is not there;
 * - every upload is recorded (`hub_chunk_uploads`) before it starts and the record removed in the
 *   transaction that names the object, so a put that dies leaves a record the collection uses to
 *   delete the object, never an object nobody knows of;
 * - a chunk another put stored first keeps its object; this put's copy is deleted.
 */
export class ObjectChunkStorage extends IndexedChunks implements HubChunkStorage {
  constructor(
    client: SqlClient,
    readonly objects: ObjectStore,
  ) {
    super(client);
  }

  async put(spaceId: string, chunks: readonly ChunkInput[]): Promise<{ newBytes: number }> {
    const unique = new Map<string, ChunkInput>();
    for (const c of chunks) unique.set(c.hash, c);
    if (unique.size === 0) return { newBytes: 0 };
    const all = [...unique.values()];
    // Refused before any byte is uploaded when the quota can't take the chunks the space lacks
    // (checked again below, under the usage lock, since other puts may run meanwhile).
    const held = new Set(
      (await chunkSizes(this.client, spaceId, [...unique.keys()])).map((c) => c.hash),
    );
    checkQuota(
      spaceId,
      await spaceUsage(this.client, spaceId),
      all.reduce((n, c) => n + (held.has(c.hash) ? 0 : c.data.byteLength), 0),
    );
    // Every chunk given is uploaded, even one the space seemed to hold: a device sends only what
    // the hub said it lacks, and a row seen here may be collected before the insert below.
    const keys = new Map(all.map((c) => [c.hash, chunkObjectKey(spaceId, c.hash)]));
    await this.recordUploads(spaceId, [...keys.values()]);
    try {
      await inTurns(all, IN_FLIGHT, async (c) => {
        await this.objects.put(keys.get(c.hash) ?? '', c.data.byteLength, c.data);
      });
    } catch (e) {
      await this.discard(spaceId, [...keys.values()]);
      throw new NetGuardianError(
        'StoreError',
        `the hub could not store chunks in its object storage (${this.objects.location}): ${e instanceof Error ? e.message : String(e)}; nothing was stored, the device uploads them again`,
        'chunks',
      );
    }
    const named = await this.name(
      spaceId,
      all.map((c) => ({ hash: c.hash, size: c.data.byteLength, key: keys.get(c.hash) ?? '' })),
    );
    return { newBytes: named.newBytes };
  }

  /**
   * Names uploaded objects in one transaction with the quota: their rows inserted (a chunk the
   * space holds already is only touched), the usage counted, their upload records removed. A
   * refusal (the quota) deletes every one of them; copies nobody names are deleted after.
   */
  async name(
    spaceId: string,
    uploaded: readonly { hash: string; size: number; key: string }[],
  ): Promise<{ newBytes: number }> {
    if (uploaded.length === 0) return { newBytes: 0 };
    let named: Map<string, number>;
    try {
      named = await this.client.transaction(async (tx) => {
        const usage = await lockSpaceUsage(tx, spaceId);
        const inserted = await insertRows(tx, spaceId, uploaded);
        const newBytes = inserted.reduce((n, r) => n + r.size, 0);
        checkQuota(spaceId, usage, newBytes);
        await addSpaceBytes(tx, spaceId, newBytes);
        await forgetUploads(
          tx,
          spaceId,
          inserted.map((r) => r.key),
        );
        return new Map(inserted.map((r) => [r.key, r.size]));
      });
    } catch (e) {
      await this.discard(
        spaceId,
        uploaded.map((u) => u.key),
      );
      throw e;
    }
    // Copies of chunks the space held already (or another put named first): nothing names them.
    await this.discard(
      spaceId,
      uploaded.map((u) => u.key).filter((k) => !named.has(k)),
    );
    return { newBytes: [...named.values()].reduce((n, size) => n + size, 0) };
  }

  /**
   * A put whose chunks stream in one at a time and go on to their objects as they arrive, never
   * held whole: each is hashed on the way, its last byte held back until the hash checks, so an
   * object whose bytes are not what their hash says is never completed (the upload is cut, and
   * the server stores nothing). `commit` names what arrived, as `put` does.
   */
  receive(spaceId: string): ChunkReceiver {
    return new ObjectChunkReceiver(this, spaceId, (hash) => chunkObjectKey(spaceId, hash));
  }

  async get(spaceId: string, hashes: readonly string[]): Promise<Map<string, Uint8Array>> {
    const found = new Map<string, Uint8Array>();
    const sized = await chunkSizes(this.client, spaceId, hashes);
    const opened = await this.open(spaceId, sized);
    try {
      for (const body of opened.bodies) {
        const pieces: Buffer[] = [];
        for await (const piece of body.body) pieces.push(Buffer.from(piece));
        found.set(body.hash, Buffer.concat(pieces));
      }
    } finally {
      opened.close();
    }
    return found;
  }

  async open(spaceId: string, group: readonly ChunkSize[]): Promise<OpenedChunks> {
    if (group.length === 0) return { bodies: [], close: () => undefined };
    const rows = await this.client.query<{
      hash: string;
      size: number;
      object_key: string | null;
      data: string | null;
    }>(
      `SELECT hash, size, object_key,
              CASE WHEN data IS NULL THEN NULL ELSE encode(data, 'base64') END AS data
       FROM crdt_chunks
       WHERE space_id = $1 AND hash IN (SELECT jsonb_array_elements_text($2::jsonb))`,
      [spaceId, JSON.stringify(group.map((c) => c.hash))],
    );
    const byHash = new Map(rows.map((r) => [r.hash, r]));
    const opener = new ObjectOpener(this.objects, IN_FLIGHT);
    const bodies: ChunkBody[] = [];
    for (const c of group) {
      const row = byHash.get(c.hash);
      if (!row) continue;
      const size = Number(row.size);
      if (row.data !== null) {
        bodies.push({ hash: c.hash, size, body: [Buffer.from(row.data, 'base64')] });
      } else if (row.object_key !== null) {
        bodies.push({ hash: c.hash, size, body: opener.body(row.object_key, size) });
      }
    }
    return { bodies, close: () => opener.close() };
  }

  async collect(spaceId: string, retentionMs: number): Promise<CollectedChunks> {
    const collected = await collectChunks(this.client, spaceId, retentionMs, (keys) =>
      this.objects.delete(keys),
    );
    await this.clearAbandonedUploads(spaceId);
    return collected;
  }

  /** Deletes the objects of puts that died between upload and naming, then their records. */
  async clearAbandonedUploads(spaceId: string): Promise<number> {
    let cleared = 0;
    // Bounded: each round clears its records or ends the loop.
    for (let round = 0; round < 10_000; round++) {
      const rows = await this.client.query<{ object_key: string }>(
        `SELECT object_key FROM hub_chunk_uploads
         WHERE space_id = $1 AND started_at < now() - $2 * interval '1 millisecond'
         ORDER BY object_key LIMIT 1000`,
        [spaceId, ABANDONED_UPLOAD_MS],
      );
      if (rows.length === 0) break;
      const keys = rows.map((r) => r.object_key);
      await this.discard(spaceId, keys);
      cleared += keys.length;
      if (rows.length < 1000) break;
    }
    return cleared;
  }

  async recordUploads(spaceId: string, keys: readonly string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += ROWS_PER_STATEMENT) {
      await this.client.query(
        `INSERT INTO hub_chunk_uploads (space_id, object_key)
         SELECT $1, jsonb_array_elements_text($2::jsonb) ON CONFLICT DO NOTHING`,
        [spaceId, JSON.stringify(keys.slice(i, i + ROWS_PER_STATEMENT))],
      );
    }
  }

  /**
   * Deletes objects nobody names, then their upload records. Best effort: an object whose delete
   * fails keeps its record, so a later collection tries again.
   */
  async discard(spaceId: string, keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    try {
      await this.objects.delete(keys);
    } catch {
      return;
    }
    await forgetUploads(this.client, spaceId, keys);
  }
}

/**
 * Inserts index rows naming objects; a chunk already held is touched instead (it is wanted
 * again) and left out of the answer, which lists the rows this call made.
 */
async function insertRows(
  tx: SqlExecutor,
  spaceId: string,
  rows: readonly { hash: string; size: number; key: string }[],
): Promise<{ hash: string; size: number; key: string }[]> {
  const inserted: { hash: string; size: number; key: string }[] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const part = rows.slice(i, i + ROWS_PER_STATEMENT);
    const made = await tx.query<{ hash: string; inserted: boolean }>(
      `INSERT INTO crdt_chunks (space_id, hash, size, object_key)
       SELECT $1, r.hash, r.size, r.key
       FROM jsonb_to_recordset($2::jsonb) AS r(hash text, size integer, key text)
       ON CONFLICT (space_id, hash) DO UPDATE SET touched_at = now()
         WHERE crdt_chunks.touched_at < now() - $3 * interval '1 millisecond'
       RETURNING hash, (xmax = 0) AS inserted`,
      [spaceId, JSON.stringify(part), TOUCH_EVERY_MS],
    );
    const madeNow = new Set(made.filter((r) => r.inserted).map((r) => r.hash));
    for (const r of part) if (madeNow.has(r.hash)) inserted.push(r);
  }
  return inserted;
}

/** Removes upload records: their objects are named by rows now, or deleted. */
export async function forgetUploads(
  db: SqlExecutor,
  spaceId: string,
  keys: readonly string[],
): Promise<void> {
  for (let i = 0; i < keys.length; i += ROWS_PER_STATEMENT) {
    await db.query(
      `DELETE FROM hub_chunk_uploads
       WHERE space_id = $1 AND object_key IN (SELECT jsonb_array_elements_text($2::jsonb))`,
      [spaceId, JSON.stringify(keys.slice(i, i + ROWS_PER_STATEMENT))],
    );
  }
}

/** Runs `work` over `items`, at most `limit` at once; the first failure rejects (after the rest settle). */
export async function inTurns<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: Error | undefined;
  const lane = async () => {
    while (next < items.length && failure === undefined) {
      const item = items[next++] as T;
      try {
        await work(item);
      } catch (e) {
        failure ??= e instanceof Error ? e : new Error(JSON.stringify(e));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  if (failure !== undefined) throw failure;
}

/**
 * Opens the objects of one group ahead of their reading, at most `limit` open at a time: the
 * answer's next chunks are on their way while one is written out, and a body's bytes arrive as
 * the reader takes them (the object store's stream), so a group never sits whole in memory.
 * `close` ends every object still open (an answer cut off), so no connection is left hanging.
 */
class ObjectOpener {
  private open = 0;
  private closed = false;
  private readonly waiting: (() => void)[] = [];
  private readonly streams = new Set<Readable>();

  constructor(
    private readonly objects: ObjectStore,
    private readonly limit: number,
  ) {}

  body(key: string, size: number): AsyncIterable<Uint8Array> {
    const started = this.slot().then(async () => {
      const stream = await this.objects.get(key);
      if (this.closed) stream.destroy();
      else this.streams.add(stream);
      return stream;
    });
    // A body never read (the answer was cut off) must not leave an unhandled rejection.
    started.catch(() => undefined);
    const release = (stream: Readable | undefined) => {
      if (stream) this.streams.delete(stream);
      this.open -= 1;
      this.waiting.shift()?.();
    };
    return {
      [Symbol.asyncIterator]: async function* () {
        let read = 0;
        let stream: Readable | undefined;
        try {
          stream = await started;
          for await (const piece of stream) {
            read += (piece as Uint8Array).byteLength;
            yield piece as Uint8Array;
          }
        } finally {
          stream?.destroy();
          release(stream);
        }
        if (read !== size)
          throw new NetGuardianError(
            'ChunkHashMismatch',
            `the object ${key} holds ${read} bytes where the hub's index says ${size}: the object storage lost or changed it`,
            key,
          );
      },
    };
  }

  close(): void {
    this.closed = true;
    for (const stream of this.streams) stream.destroy();
    this.streams.clear();
    // Bodies still waiting for a slot start, see `closed`, and end at once.
    for (const wake of this.waiting.splice(0)) wake();
  }

  private async slot(): Promise<void> {
    if (this.open >= this.limit && !this.closed)
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.open += 1;
  }
}
