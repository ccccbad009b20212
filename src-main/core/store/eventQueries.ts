/**
 * Every SQL statement the event store runs, named and parameterized. Batches
 * travel as one JSONB parameter expanded with jsonb_to_recordset, so a batch of
 * any size is one statement on both PGlite and PostgreSQL.
 */

/** Column list of the wire form, in `EventWire` order. */
const WIRE = `event_id, space_id, entity_id, event_type, data, timestamp, hlc, node_id, seq, vector_clock`;

/** Serializes selected rows to one JSON text: much faster to parse than row-by-row driver decoding. */
const asJsonArray = (select: string, orderBy: string) =>
  `SELECT coalesce(json_agg(t ORDER BY ${orderBy}), '[]')::text AS rows FROM (${select}) t`;

/**
 * Serializes all appends to one space, so concurrent writers (devices pushing to a hub) keep snapshots consistent.
 * Also turns JIT off for the rest of the transaction (set_config local = SET LOCAL): on a server with JIT
 * (most packaged PostgreSQL builds), once statistics show a large log, ADVANCE_ORIGINS's estimate passes
 * jit_above_cost and every append paid ~50 ms of compilation for a sub-millisecond statement.
 */
export const LOCK_SPACE = `SELECT pg_advisory_xact_lock(hashtextextended($1, 42)), set_config('jit', 'off', true)`;

export const INSERT_EVENTS = `
INSERT INTO crdt_events (${WIRE})
SELECT ${WIRE}
FROM jsonb_to_recordset($1::jsonb) AS x(
  event_id text, space_id text, entity_id text, event_type text, data jsonb,
  timestamp timestamptz, hlc text, node_id text, seq bigint, vector_clock jsonb)
ON CONFLICT DO NOTHING
RETURNING event_id`;

export const SELECT_KNOWN_EVENT_IDS = `
SELECT event_id FROM crdt_events WHERE event_id IN (SELECT jsonb_array_elements_text($1::jsonb))`;

/**
 * `= ANY(ARRAY(...))`, not `IN (SELECT ...)`: the array is computed once and probed through the primary key.
 * The semi-join form was planned as a scan of every snapshot of the space (a device store is never
 * ANALYZEd: PGlite has no autovacuum), so each local write cost O(files in the space).
 */
export const SELECT_SNAPSHOT_STATES = asJsonArray(
  `SELECT entity_id, state FROM crdt_snapshots
   WHERE space_id = $1 AND entity_id = ANY(ARRAY(SELECT jsonb_array_elements_text($2::jsonb)))`,
  't.entity_id',
);

export const UPSERT_SNAPSHOTS = `
INSERT INTO crdt_snapshots AS s (space_id, entity_id, state, vector_clock, created_at, updated_at,
  file_exists, has_conflict, content_hash, size, last_hlc, last_node_id)
SELECT $1, x.entity_id, x.state, x.vector_clock, now(), now(),
  x.file_exists, x.has_conflict, x.content_hash, x.size, x.last_hlc, x.last_node_id
FROM jsonb_to_recordset($2::jsonb) AS x(entity_id text, state jsonb, vector_clock jsonb,
  file_exists boolean, has_conflict boolean, content_hash text, size bigint, last_hlc text, last_node_id text)
ON CONFLICT (space_id, entity_id) DO UPDATE SET
  state = excluded.state, vector_clock = excluded.vector_clock, updated_at = now(),
  file_exists = excluded.file_exists, has_conflict = excluded.has_conflict,
  content_hash = excluded.content_hash, size = excluded.size,
  last_hlc = excluded.last_hlc, last_node_id = excluded.last_node_id`;

/**
 * Advances the frontier of each origin in $2: from the recorded contiguous seq,
 * count how many of the following seqs are present without a gap. Seqs are
 * unique and sorted, so `seq = c + row_number` holds exactly on the gap-free prefix.
 */
export const ADVANCE_ORIGINS = `
INSERT INTO crdt_origins AS o (space_id, node_id, contiguous_seq, max_seq)
SELECT $1, t.node_id, base.c + gapfree.n, greatest(base.c + gapfree.n, top.max_seq)
FROM jsonb_array_elements_text($2::jsonb) AS t(node_id)
CROSS JOIN LATERAL (
  SELECT coalesce((SELECT contiguous_seq FROM crdt_origins WHERE space_id = $1 AND node_id = t.node_id), 0) AS c
) base
CROSS JOIN LATERAL (
  SELECT count(*) AS n FROM (
    SELECT e.seq, row_number() OVER (ORDER BY e.seq) AS rn
    FROM crdt_events e WHERE e.space_id = $1 AND e.node_id = t.node_id AND e.seq > base.c
  ) s WHERE s.seq = base.c + s.rn
) gapfree
CROSS JOIN LATERAL (
  SELECT coalesce(max(seq), 0) AS max_seq FROM crdt_events e WHERE e.space_id = $1 AND e.node_id = t.node_id
) top
ON CONFLICT (space_id, node_id) DO UPDATE SET
  contiguous_seq = excluded.contiguous_seq, max_seq = excluded.max_seq`;

/**
 * The common case of ADVANCE_ORIGINS in one cheap statement: an origin whose new events ($2: node_id,
 * first_seq, last_seq, checked gap-free by the caller) start right after its frontier, with nothing held
 * above the frontier (max_seq = contiguous_seq), advances to last_seq. Returns the origins it advanced;
 * the others (new origins, gaps, events held above the frontier) go through ADVANCE_ORIGINS.
 */
export const ADVANCE_ORIGINS_IF_NEXT = `
UPDATE crdt_origins o SET contiguous_seq = x.last_seq, max_seq = x.last_seq
FROM jsonb_to_recordset($2::jsonb) AS x(node_id text, first_seq bigint, last_seq bigint)
WHERE o.space_id = $1 AND o.node_id = x.node_id
  AND o.contiguous_seq = x.first_seq - 1 AND o.max_seq = o.contiguous_seq
RETURNING o.node_id`;

export const NOTIFY_EVENTS = `SELECT pg_notify($1, $2)`;

export const SELECT_FRONTIER = `
SELECT node_id, contiguous_seq, max_seq FROM crdt_origins WHERE space_id = $1 ORDER BY node_id`;

/** Events above a peer's frontier ($2: {node: seq}), in (origin, seq) order so the peer's frontier advances per batch. */
export const SELECT_EVENTS_ABOVE_FRONTIER = asJsonArray(
  `SELECT ev.* FROM crdt_origins o
   CROSS JOIN LATERAL (
     SELECT ${WIRE} FROM crdt_events e
     WHERE e.space_id = o.space_id AND e.node_id = o.node_id
       AND e.seq > coalesce(($2::jsonb ->> o.node_id)::bigint, 0)
     ORDER BY e.seq LIMIT $3
   ) ev
   WHERE o.space_id = $1
   ORDER BY ev.node_id, ev.seq LIMIT $3`,
  't.node_id, t.seq',
);

/**
 * Number of events above a peer's frontier: what a sync would send. Counted, not
 * derived from max_seq, since an origin may have gaps (a held event below newer ones).
 */
export const COUNT_EVENTS_ABOVE_FRONTIER = `
SELECT count(e.seq)::float8 AS pending
FROM crdt_origins o
JOIN crdt_events e ON e.space_id = o.space_id AND e.node_id = o.node_id
  AND e.seq > coalesce(($2::jsonb ->> o.node_id)::bigint, 0)
WHERE o.space_id = $1`;

export const SELECT_EVENTS_BY_ENTITY = asJsonArray(
  `SELECT id, ${WIRE} FROM crdt_events WHERE space_id = $1 AND entity_id = $2`,
  't.id',
);

export const SELECT_EVENTS_BY_TYPE = asJsonArray(
  `SELECT id, ${WIRE} FROM crdt_events WHERE space_id = $1 AND event_type = $2 AND id > $3 ORDER BY id LIMIT $4`,
  't.id',
);

export const SELECT_EVENTS_IN_TIME_RANGE = asJsonArray(
  `SELECT id, ${WIRE} FROM crdt_events WHERE space_id = $1 AND timestamp >= $2 AND timestamp < $3
   ORDER BY timestamp, id LIMIT $4`,
  't.timestamp, t.id',
);

export const SELECT_EVENTS_INGESTED_SINCE = asJsonArray(
  `SELECT id, ${WIRE} FROM crdt_events WHERE space_id = $1 AND created_at > $2 AND id > $3 ORDER BY id LIMIT $4`,
  't.id',
);

/** All events of a space in pages by local id: rebuild reads the whole log this way. */
export const SELECT_EVENTS_PAGE = asJsonArray(
  `SELECT id, ${WIRE} FROM crdt_events WHERE space_id = $1 AND id > $2 ORDER BY id LIMIT $3`,
  't.id',
);

export const SELECT_EVENT_BY_ID = `SELECT ${WIRE} FROM crdt_events WHERE event_id = $1`;

export const SELECT_MAX_SEQ = `
SELECT coalesce(max(seq), 0)::float8 AS max_seq FROM crdt_events WHERE space_id = $1 AND node_id = $2`;

export const SELECT_SNAPSHOT = `SELECT state FROM crdt_snapshots WHERE space_id = $1 AND entity_id = $2`;

export const SELECT_SNAPSHOTS_PAGE = asJsonArray(
  `SELECT entity_id, state FROM crdt_snapshots
   WHERE space_id = $1 AND entity_id COLLATE "C" > $2 AND ($3::boolean IS FALSE OR has_conflict)
   ORDER BY entity_id COLLATE "C" LIMIT $4`,
  't.entity_id COLLATE "C"',
);

export const COUNT_SNAPSHOTS = `
SELECT count(*)::float8 AS entities,
       count(*) FILTER (WHERE file_exists)::float8 AS files,
       count(*) FILTER (WHERE has_conflict)::float8 AS conflicts
FROM crdt_snapshots WHERE space_id = $1`;

export const DELETE_SNAPSHOTS = `DELETE FROM crdt_snapshots WHERE space_id = $1`;

export const COUNT_EVENTS = `SELECT count(*)::float8 AS n FROM crdt_events WHERE space_id = $1`;

/** Each origin's newest HLC (an origin's HLC grows with its seq): where our clock resumes after a restart. */
export const SELECT_ORIGIN_HEAD_HLCS = `
SELECT e.hlc FROM crdt_origins o
JOIN crdt_events e ON e.space_id = o.space_id AND e.node_id = o.node_id AND e.seq = o.max_seq
WHERE o.space_id = $1`;
