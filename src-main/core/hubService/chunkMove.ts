import type { SqlClient } from '../store/sqlClient.js';
import { spacesToTidy } from './chunkCollection.js';
import {
  chunkObjectKey,
  forgetUploads,
  inTurns,
  type ObjectChunkStorage,
} from './objectChunkStorage.js';

/**
 * Moves a hub's chunks from PostgreSQL into its object storage while devices keep syncing
 * (`hub move-chunks`, issue 17 point 1). The hub already runs on object storage (`--chunks
 * s3://…`): new chunks go there, and every chunk is read from wherever its row says, so devices
 * are served throughout. The move takes the rows that still hold bytes, a few MiB at a time per
 * space: uploads each chunk as a new object (recorded first, as a put does), then in one
 * statement hands each row its object and drops its bytes, only where the row still holds them.
 * A row collected meanwhile is not there to take its key; that object is deleted again. A move
 * that stops (the hub stopped, an error) leaves every row whole, and the next run goes on.
 */

export interface ChunkMoveProgress {
  readonly state: 'idle' | 'moving' | 'done' | 'failed';
  /** Chunks and bytes still in PostgreSQL when the move started. */
  readonly totalChunks: number;
  readonly totalBytes: number;
  readonly movedChunks: number;
  readonly movedBytes: number;
  /** Why the move stopped, in words (state `failed`). */
  readonly error?: string;
}

/** Bytes read from PostgreSQL and uploaded per step; rows per step. */
const STEP_BYTES = 8 * 1024 * 1024;
const STEP_ROWS = 200;

/**
 * The chunks whose bytes are still in PostgreSQL, over every space (one space's query at a time):
 * what a move has left to do, and what `hub start` on object storage tells the admin to move.
 */
export async function chunksInPostgres(
  client: SqlClient,
): Promise<{ chunks: number; bytes: number }> {
  let chunks = 0;
  let bytes = 0;
  for (const spaceId of await spacesToTidy(client)) {
    const [row] = await client.query<{ chunks: number; bytes: number }>(
      `SELECT count(*)::float8 AS chunks, coalesce(sum(size), 0)::float8 AS bytes
       FROM crdt_chunks WHERE space_id = $1 AND data IS NOT NULL`,
      [spaceId],
    );
    chunks += Number(row?.chunks ?? 0);
    bytes += Number(row?.bytes ?? 0);
  }
  return { chunks, bytes };
}

export class ChunkMove {
  private progress: ChunkMoveProgress = {
    state: 'idle',
    totalChunks: 0,
    totalBytes: 0,
    movedChunks: 0,
    movedBytes: 0,
  };
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly client: SqlClient,
    private readonly storage: ObjectChunkStorage,
  ) {}

  status(): ChunkMoveProgress {
    return this.progress;
  }

  /**
   * Starts the move unless one runs; answers with where it stands once what is left is counted,
   * so the first answer of a move already says "moving" and how much (a small move could end
   * before the next question, and the admin saw no progress at all).
   */
  async start(): Promise<ChunkMoveProgress> {
    if (this.running) return this.progress;
    const left = await chunksInPostgres(this.client);
    // Another start may have begun while this one counted.
    if (this.running) return this.progress;
    this.progress = {
      // Nothing left in PostgreSQL: done at once, no "moving 0 of 0".
      state: left.chunks === 0 ? 'done' : 'moving',
      totalChunks: left.chunks,
      totalBytes: left.bytes,
      movedChunks: 0,
      movedBytes: 0,
    };
    if (left.chunks === 0) return this.progress;
    this.running = this.run().finally(() => {
      this.running = undefined;
    });
    this.running.catch(() => undefined);
    return this.progress;
  }

  /** Ends a running move after its current step (the hub is stopping). */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.running?.catch(() => undefined);
  }

  private async run(): Promise<void> {
    try {
      for (const spaceId of await spacesToTidy(this.client)) {
        if (this.stopped) return;
        await this.moveSpace(spaceId);
      }
      this.progress = { ...this.progress, state: this.stopped ? 'idle' : 'done' };
    } catch (e) {
      this.progress = {
        ...this.progress,
        state: 'failed',
        error: `moving chunks to ${this.storage.objects.location} stopped: ${e instanceof Error ? e.message : String(e)}; nothing was lost, and running the move again goes on from there`,
      };
      throw e;
    }
  }

  private async moveSpace(spaceId: string): Promise<void> {
    let after = '';
    // Bounded: each step moves past at least one row, and rows are finite; the cap is a guard.
    for (let step = 0; step < 10_000_000 && !this.stopped; step++) {
      const rows = await this.client.query<{ hash: string; size: number }>(
        `SELECT hash, size FROM crdt_chunks
         WHERE space_id = $1 AND hash > $2 AND data IS NOT NULL
         ORDER BY hash LIMIT $3`,
        [spaceId, after, STEP_ROWS],
      );
      if (rows.length === 0) return;
      let bytes = 0;
      const group: { hash: string; size: number }[] = [];
      for (const r of rows) {
        if (group.length > 0 && bytes + Number(r.size) > STEP_BYTES) break;
        group.push({ hash: r.hash, size: Number(r.size) });
        bytes += Number(r.size);
      }
      after = group[group.length - 1]?.hash ?? after;
      await this.moveStep(spaceId, group);
    }
  }

  private async moveStep(spaceId: string, rows: readonly { hash: string }[]): Promise<void> {
    const held = await this.client.query<{ hash: string; data: string }>(
      `SELECT hash, encode(data, 'base64') AS data FROM crdt_chunks
       WHERE space_id = $1 AND hash IN (SELECT jsonb_array_elements_text($2::jsonb))
         AND data IS NOT NULL`,
      [spaceId, JSON.stringify(rows.map((r) => r.hash))],
    );
    const chunks = held.map((r) => ({
      hash: r.hash,
      data: Buffer.from(r.data, 'base64'),
      key: chunkObjectKey(spaceId, r.hash),
    }));
    if (chunks.length === 0) return;
    await this.storage.recordUploads(
      spaceId,
      chunks.map((c) => c.key),
    );
    try {
      await inTurns(chunks, 8, (c) => this.storage.objects.put(c.key, c.data.byteLength, c.data));
    } catch (e) {
      await this.storage.discard(
        spaceId,
        chunks.map((c) => c.key),
      );
      throw e;
    }
    const moved = await this.client.transaction(async (tx) => {
      const named = await tx.query<{ hash: string; object_key: string; size: number }>(
        `UPDATE crdt_chunks c SET data = NULL, object_key = r.key
         FROM jsonb_to_recordset($2::jsonb) AS r(hash text, key text)
         WHERE c.space_id = $1 AND c.hash = r.hash AND c.data IS NOT NULL
         RETURNING c.hash, c.object_key, c.size`,
        [spaceId, JSON.stringify(chunks.map((c) => ({ hash: c.hash, key: c.key })))],
      );
      await forgetUploads(
        tx,
        spaceId,
        named.map((r) => r.object_key),
      );
      return named;
    });
    const namedKeys = new Set(moved.map((r) => r.object_key));
    // Rows collected (or moved by another run) meanwhile: their new objects are nobody's.
    await this.storage.discard(
      spaceId,
      chunks.map((c) => c.key).filter((k) => !namedKeys.has(k)),
    );
    this.progress = {
      ...this.progress,
      movedChunks: this.progress.movedChunks + moved.length,
      movedBytes: this.progress.movedBytes + moved.reduce((n, r) => n + Number(r.size), 0),
    };
  }
}
