import { NetGuardianError } from '../../../src-shared/errors.js';
import type { SqlClient } from '../store/sqlClient.js';

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
 */

export interface CollectedChunks {
  readonly chunks: number;
  readonly bytes: number;
}

/**
 * How long a chunk counts as wanted after a device asked for it or stored it: the hub writes the
 * time again only when it is older than this, so a device's every check is not a write. The
 * collection's retention must be far longer (`MIN_RETENTION_MS`).
 */
export const TOUCH_EVERY_MS = 3600_000;
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

/** `$2` the retention in ms. */
const DELETE_UNREFERENCED = `
WITH referenced AS MATERIALIZED (${REFERENCED}),
doomed AS (
  SELECT c.hash FROM crdt_chunks c
  WHERE c.space_id = $1 AND c.touched_at < now() - $2 * interval '1 millisecond'
    AND NOT EXISTS (SELECT 1 FROM referenced r WHERE r.hash = c.hash)
  FOR UPDATE OF c SKIP LOCKED
),
gone AS (
  DELETE FROM crdt_chunks c USING doomed d WHERE c.space_id = $1 AND c.hash = d.hash
  RETURNING c.size
)
SELECT count(*)::float8 AS chunks, coalesce(sum(size), 0)::float8 AS bytes FROM gone`;

const LOCK_USAGE = `
INSERT INTO hub_space_usage (space_id) VALUES ($1)
ON CONFLICT (space_id) DO UPDATE SET space_id = excluded.space_id`;

const SUBTRACT_USAGE = `
UPDATE hub_space_usage SET chunk_bytes = greatest(chunk_bytes - $2, 0) WHERE space_id = $1`;

export async function collectChunks(
  client: SqlClient,
  spaceId: string,
  retentionMs: number,
): Promise<CollectedChunks> {
  return client.transaction(async (tx) => {
    await tx.query(LOCK_USAGE, [spaceId]);
    const row = (
      await tx.query<{ chunks: number; bytes: number }>(DELETE_UNREFERENCED, [spaceId, retentionMs])
    )[0];
    const collected = { chunks: Number(row?.chunks ?? 0), bytes: Number(row?.bytes ?? 0) };
    if (collected.bytes > 0) await tx.query(SUBTRACT_USAGE, [spaceId, collected.bytes]);
    return collected;
  });
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
