import { FileEntity } from '../../../src-shared/crdt/fileEntity.js';
import { VectorClock } from '../../../src-shared/crdt/vectorClock.js';
import { writesVersion, type CrdtEvent } from '../../../src-shared/events/event.js';
import { LOCK_SPACE } from './eventQueries.js';
import { trustedRowToEvent, type EventRow } from './eventRows.js';
import type { Frontier } from './eventStore.js';
import { mergeIntoBases } from './snapshotRows.js';
import type { SqlClient, SqlExecutor } from './sqlClient.js';

/** The history window by default: versions superseded longer ago than this may be pruned. */
export const DEFAULT_HISTORY_DAYS = 30;
export const DAY_MS = 24 * 60 * 60 * 1000;

export interface CompactionOptions {
  /** Events stamped (HLC wall time) before this instant are old enough to be pruned. */
  readonly cutoffMs: number;
  /**
   * Per origin, the highest seq that may be pruned, on top of the store's own rule (below the
   * origin's frontier). A device passes its own origin's seq as its hub last acknowledged it:
   * an event the hub may still need is never pruned (0: none of them).
   */
  readonly limits?: Frontier;
  /** Entities per transaction (each holds the space lock while it runs). */
  readonly entitiesPerPass?: number;
  /** Upper bound of passes, so one run always ends. */
  readonly maxPasses?: number;
}

export interface CompactionReport {
  /** Entities that lost events. */
  readonly entities: number;
  /** Events deleted. */
  readonly pruned: number;
}

/** `hlc < cutoff` in SQL: HLCs start with their wall time as 15 zero-padded digits. */
export const hlcBefore = (ms: number): string =>
  String(Math.max(0, Math.floor(ms))).padStart(15, '0');

/** Entities with at least two events older than the cutoff: only those can have one superseded. */
const SELECT_CANDIDATES = `
SELECT entity_id FROM crdt_events
WHERE space_id = $1 AND hlc < $2 AND entity_id > $3
GROUP BY entity_id HAVING count(*) > 1
ORDER BY entity_id LIMIT $4`;

const SELECT_OLD_EVENTS = `
SELECT coalesce(json_agg(t), '[]')::text AS rows FROM (
  SELECT event_id, space_id, entity_id, event_type, data, timestamp, hlc, node_id, seq, vector_clock
  FROM crdt_events
  WHERE space_id = $1 AND hlc < $2
    AND entity_id = ANY(ARRAY(SELECT jsonb_array_elements_text($3::jsonb)))
) t`;

const SELECT_ORIGINS = `SELECT node_id, contiguous_seq FROM crdt_origins WHERE space_id = $1`;

const DELETE_EVENTS = `
DELETE FROM crdt_events
WHERE space_id = $1 AND event_id = ANY(ARRAY(SELECT jsonb_array_elements_text($2::jsonb)))`;

const RAISE_COMPACTED = `
UPDATE crdt_origins o SET compacted_seq = greatest(o.compacted_seq, x.seq::bigint)
FROM jsonb_each_text($2::jsonb) AS x(node_id, seq)
WHERE o.space_id = $1 AND o.node_id = x.node_id`;

/**
 * The events of one entity (all older than the cutoff) that compaction may delete: those a
 * version-writing event among them dominates. Such an event was superseded by a version that is
 * itself older than the cutoff, so it has been superseded for longer than the history window;
 * the versions no old version dominates (the maximal ones) are kept, and so is every event
 * above its origin's `limit`.
 *
 * The maximal versions are found first (kept as a set that a new version either joins, dropping
 * those it dominates, or not, when one of them dominates it), and an event goes if one of them
 * dominates it: domination is transitive, so a maximal one dominates whatever any version does.
 * Linear in the events times the few maximal versions.
 */
export function supersededEvents(
  oldEvents: readonly CrdtEvent[],
  limit: (nodeId: string) => number,
): CrdtEvent[] {
  let maximal: { id: string; clock: VectorClock }[] = [];
  for (const e of oldEvents) {
    if (!writesVersion(e)) continue;
    const clock = VectorClock.from(e.vectorClock);
    if (maximal.some((m) => m.clock.dominates(clock))) continue;
    maximal = maximal.filter((m) => !clock.dominates(m.clock));
    maximal.push({ id: e.eventId, clock });
  }
  return oldEvents.filter((e) => {
    if (e.seq > limit(e.nodeId)) return false;
    const clock = VectorClock.from(e.vectorClock);
    return maximal.some((m) => m.id !== e.eventId && m.clock.dominates(clock));
  });
}

/**
 * Compacts a space's event log: for every entity, the events superseded longer ago than the
 * history window are merged into the entity's base (`crdt_compacted`) and deleted, and each
 * origin's `compacted_seq` records the highest seq deleted. The snapshot does not change: it
 * was the fold of every event, which is the base merged with the fold of the events left.
 *
 * Never deleted: an origin's events at or above its frontier (so an origin's newest event, which
 * the next seq is counted from, and every event above a gap stay), events at or above
 * `limits`, and the versions no old version dominates (the file's current versions, and any
 * superseded within the window). A pass holds the space lock, like an append, so no append or
 * rebuild comes between its read and its delete.
 */
export async function compactEventLog(
  client: SqlClient,
  spaceId: string,
  options: CompactionOptions,
): Promise<CompactionReport> {
  const cutoff = hlcBefore(options.cutoffMs);
  const perPass = options.entitiesPerPass ?? 500;
  const maxPasses = options.maxPasses ?? 100_000;
  let after = '';
  let entities = 0;
  let pruned = 0;
  for (let pass = 0; pass < maxPasses; pass++) {
    const candidates = (
      await client.query<{ entity_id: string }>(SELECT_CANDIDATES, [
        spaceId,
        cutoff,
        after,
        perPass,
      ])
    ).map((r) => r.entity_id);
    if (candidates.length === 0) break;
    after = candidates[candidates.length - 1] as string;
    const done = await client.transaction((tx) =>
      compactEntities(tx, spaceId, cutoff, candidates, options.limits ?? {}),
    );
    entities += done.entities;
    pruned += done.pruned;
    if (candidates.length < perPass) break;
  }
  return { entities, pruned };
}

async function compactEntities(
  tx: SqlExecutor,
  spaceId: string,
  cutoff: string,
  entityIds: readonly string[],
  limits: Frontier,
): Promise<CompactionReport> {
  await tx.query(LOCK_SPACE, [spaceId], { name: 'ng_lock_space' });
  const frontier = new Map(
    (
      await tx.query<{ node_id: string; contiguous_seq: string | number }>(SELECT_ORIGINS, [
        spaceId,
      ])
    ).map((r) => [r.node_id, Number(r.contiguous_seq)]),
  );
  // Below the frontier, never at it: the origin's newest contiguous event stays.
  const limit = (nodeId: string) =>
    Math.min((frontier.get(nodeId) ?? 0) - 1, limits[nodeId] ?? Number.POSITIVE_INFINITY);
  const [row] = await tx.query<{ rows: string }>(SELECT_OLD_EVENTS, [
    spaceId,
    cutoff,
    JSON.stringify(entityIds),
  ]);
  const byEntity = new Map<string, CrdtEvent[]>();
  for (const r of JSON.parse(row?.rows ?? '[]') as EventRow[]) {
    const e = trustedRowToEvent(r);
    const list = byEntity.get(e.entityId);
    if (list) list.push(e);
    else byEntity.set(e.entityId, [e]);
  }
  const folded: FileEntity[] = [];
  const deleted: string[] = [];
  const highest: Record<string, number> = {};
  for (const [entityId, events] of byEntity) {
    const gone = supersededEvents(events, limit);
    if (gone.length === 0) continue;
    folded.push(FileEntity.fromEvents(entityId, gone));
    for (const e of gone) {
      deleted.push(e.eventId);
      highest[e.nodeId] = Math.max(highest[e.nodeId] ?? 0, e.seq);
    }
  }
  if (deleted.length === 0) return { entities: 0, pruned: 0 };
  await mergeIntoBases(tx, spaceId, folded);
  await tx.query(DELETE_EVENTS, [spaceId, JSON.stringify(deleted)]);
  await tx.query(RAISE_COMPACTED, [spaceId, JSON.stringify(highest)]);
  return { entities: folded.length, pruned: deleted.length };
}
