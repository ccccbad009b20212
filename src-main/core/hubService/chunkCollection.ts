import { NetGuardianError } from '../../../src-shared/errors.js';
import type { SqlClient } from '../store/sqlClient.js';
import { addSpaceBytes, lockSpaceUsage, TOUCH_EVERY_MS } from './chunkIndex.js';

/**
 * The hub's chunk collection (issue 14 point 5): a chunk is deleted when no event of its space
 * references it and nobody has stored it or asked for it within the retention window. Such
 * chunks are what a device uploaded and then never pushed the events for (it crashed, the push
 * was refused, the file changed during the upload); with every event kept, every version's
 * chunks stay.
 *
 * Why a push is never raced: a device asks the hub which chunks it lacks right before it
 * uploads them and pushes the events that reference them, and that question touches each chunk
 * the hub has (`touched_at`, at most once an hour; `PgChunkStorage.missing`). The delete below
 * takes only rows untouched for the whole retention (hours at least); it locks them first,
 * skipping a row another transaction holds (a question touching it), and under READ COMMITTED
 * re-checks a row touched meanwhile before taking it. A chunk the question finds already
 * deleted, or held by the collection, is reported missing and uploaded again. Neither side
 * waits for a row the other holds, so they never deadlock. So a chunk the hub said it has stays
 * for the retention window after that answer, long past the push that follows it.
 *
 * The space's usage row is locked first, as a put locks it, so the quota's count and the
 * chunks deleted move together.
 *
 * Chunks held as objects (object storage, migration 0020) lose their row first; their objects are
 * deleted after that transaction commits (`deleteObjects`). A chunk uploaded again meanwhile gets
 * an object of a new name (the key's generation), so that delete never takes bytes a row names.
 * Several hub processes may collect one space at once: the usage row's lock puts them in turn,
 * and the second finds nothing left to delete.
 */

export interface CollectedChunks {
  readonly chunks: number;
  readonly bytes: number;
}

/**
 * The shortest retention a collection takes: a push that checks, uploads and sends within it is
 * safe.
 */
export const MIN_RETENTION_MS = 6 * TOUCH_EVERY_MS;

/** `$1` space: every chunk hash an event of the space names (its content and its chunks). */
const REFERENCED = `
SELECT e.data->'content'->>'hash' AS hash FROM crdt_events e
WHERE e.space_id = $1 AND jsonb_typeof(e.data->'content') = 'object'
UNION
SELECT c->>'hash' FROM crdt_events e, jsonb_array_elements(e.data->'content'->'chunks') c
WHERE e.space_id = $1 AND jsonb_typeof(e.data->'content'->'chunks') = 'array'`;

/** Rows deleted per transaction: the locks held and the keys returned stay bounded. */
const DELETE_BATCH = 5_000;

/** `$2` the retention in ms, `$3` at most this many rows. */
const DELETE_UNREFERENCED = `
WITH referenced AS MATERIALIZED (${REFERENCED}),
doomed AS (
  SELECT c.hash FROM crdt_chunks c
  WHERE c.space_id = $1 AND c.touched_at < now() - $2 * interval '1 millisecond'
    AND NOT EXISTS (SELECT 1 FROM referenced r WHERE r.hash = c.hash)
  LIMIT $3
  FOR UPDATE OF c SKIP LOCKED
)
DELETE FROM crdt_chunks c USING doomed d WHERE c.space_id = $1 AND c.hash = d.hash
RETURNING c.size::float8 AS size, c.object_key`;

/**
 * Deletes the space's unreferenced, long-unwanted chunk rows in bounded transactions; the
 * objects of those that were held as objects go to `deleteObjects` after each commit.
 */
export async function collectChunks(
  client: SqlClient,
  spaceId: string,
  retentionMs: number,
  deleteObjects?: (keys: string[]) => Promise<void>,
): Promise<CollectedChunks> {
  let chunks = 0;
  let bytes = 0;
  // Bounded: each round deletes rows or ends the loop, and rows are finite; the cap is a guard.
  for (let round = 0; round < 100_000; round++) {
    const gone = await client.transaction(async (tx) => {
      await lockSpaceUsage(tx, spaceId);
      const rows = await tx.query<{ size: number; object_key: string | null }>(
        DELETE_UNREFERENCED,
        [spaceId, retentionMs, DELETE_BATCH],
      );
      const freed = rows.reduce((sum, r) => sum + Number(r.size), 0);
      await addSpaceBytes(tx, spaceId, -freed);
      return { rows, freed };
    });
    chunks += gone.rows.length;
    bytes += gone.freed;
    const keys = gone.rows.flatMap((r) => (r.object_key === null ? [] : [r.object_key]));
    if (keys.length > 0 && deleteObjects) await deleteObjects(keys);
    if (gone.rows.length < DELETE_BATCH) break;
  }
  return { chunks, bytes };
}

/** The spaces that hold events or chunks on this hub, in name order. */
export async function spacesToTidy(client: SqlClient): Promise<string[]> {
  const rows = await client.query<{ space_id: string }>(
    `SELECT space_id FROM crdt_origins UNION SELECT space_id FROM crdt_chunks ORDER BY space_id`,
  );
  return rows.map((r) => r.space_id);
}

/** Defaults: the history window users are promised (issue 14 point 5), and a run every 6 hours. */
export const DEFAULT_CHUNK_RETENTION_MS = 30 * 24 * 3600_000;
export const COLLECT_EVERY_MS = 6 * 3600_000;
/** The first run waits this long after the hub starts, off the start-up's busiest minutes. */
const FIRST_RUN_AFTER_MS = 10 * 60_000;

export interface ChunkCollector {
  /** One run over every space now (what the timer does); resolves with what it deleted. */
  runNow(): Promise<CollectedChunks & { readonly events: number }>;
  stop(): Promise<void>;
}

/**
 * Runs the collection over every space on a timer, one space at a time, never two runs at once:
 * first the space's event log is compacted (`compact`, store/compaction.ts), which is what leaves
 * the chunks of long-superseded versions unreferenced, then its chunks are collected. A space
 * whose run fails is logged and retried at the next run; the others go on.
 */
export function startChunkCollection(options: {
  readonly client: SqlClient;
  readonly compact?: (spaceId: string) => Promise<{ readonly pruned: number }>;
  readonly collect: (spaceId: string, retentionMs: number) => Promise<CollectedChunks>;
  readonly retentionMs: number;
  readonly everyMs?: number;
  readonly log: { info(o: object, m: string): void; warn(o: object, m: string): void };
}): ChunkCollector {
  if (!(options.retentionMs >= MIN_RETENTION_MS))
    throw new NetGuardianError(
      'InvalidArgument',
      `the chunk retention must be at least ${MIN_RETENTION_MS / 3600_000} hours, not ${options.retentionMs} ms: a device checks, uploads and pushes within it`,
      'chunkRetentionMs',
    );
  let running: Promise<CollectedChunks & { events: number }> | undefined;
  let stopped = false;
  const runOnce = async () => {
    let chunks = 0;
    let bytes = 0;
    let events = 0;
    for (const spaceId of await spacesToTidy(options.client)) {
      if (stopped) break;
      try {
        const compacted = await options.compact?.(spaceId);
        events += compacted?.pruned ?? 0;
        if (compacted && compacted.pruned > 0)
          options.log.info({ spaceId, ...compacted }, 'event log compacted');
        const done = await options.collect(spaceId, options.retentionMs);
        chunks += done.chunks;
        bytes += done.bytes;
        if (done.chunks > 0)
          options.log.info({ spaceId, ...done }, 'unreferenced chunks collected');
      } catch (e) {
        options.log.warn(
          { spaceId, err: e },
          'chunk collection failed for a space; retried at the next run',
        );
      }
    }
    return { chunks, bytes, events };
  };
  const runNow = () => {
    running ??= runOnce().finally(() => {
      running = undefined;
    });
    return running;
  };
  const tick = () => void runNow().catch(() => undefined);
  const first = setTimeout(tick, FIRST_RUN_AFTER_MS);
  const every = setInterval(tick, options.everyMs ?? COLLECT_EVERY_MS);
  first.unref();
  every.unref();
  return {
    runNow,
    async stop() {
      stopped = true;
      clearTimeout(first);
      clearInterval(every);
      await running?.catch(() => undefined);
    },
  };
}
