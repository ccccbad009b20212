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

/**
 * The first step of an append, after LOCK_SPACE, in one statement: insert the batch ($2, skipping
 * known event ids and taken (origin, seq)s), advance the frontier of every origin whose new seqs
 * form one gap-free run right above it, read the snapshots of the entities that got events, and
 * wake listeners at commit ($3: the channel) if anything was inserted.
 *
 * The snapshot read sees the statement's snapshot, taken after the space lock was granted (by the
 * previous statement), so no concurrent append can change those rows before this transaction
 * writes them. The frontier's fast path is ADVANCE_ORIGINS's common case (a local write, a sync
 * batch in seq order): an origin advances to the run's last seq only if its frontier sits right
 * below the run and nothing of it is held above the frontier (max_seq = contiguous_seq). Origins it
 * did not advance (new ones, gaps, events held above) are returned for ADVANCE_ORIGINS, which sees
 * this statement's inserts. `= ANY(ARRAY(...))`, not `IN (SELECT ...)`: the array is computed once and
 * probed through the primary key (the semi-join form was planned as a scan of every snapshot of
 * the space on a never ANALYZEd device store).
 */
export const INSERT_EVENTS = `
WITH ins AS (
  INSERT INTO crdt_events (${WIRE})
  SELECT ${WIRE}
  FROM jsonb_to_recordset($2::jsonb) AS x(
    event_id text, space_id text, entity_id text, event_type text, data jsonb,
    timestamp timestamptz, hlc text, node_id text, seq bigint, vector_clock jsonb)
  ON CONFLICT DO NOTHING
  RETURNING event_id, entity_id, node_id, seq
),
runs AS (
  SELECT node_id, min(seq) AS first_seq, max(seq) AS last_seq, count(*) AS n FROM ins GROUP BY node_id
),
advanced AS (
  UPDATE crdt_origins o SET contiguous_seq = r.last_seq, max_seq = r.last_seq
  FROM runs r
  WHERE o.space_id = $1 AND o.node_id = r.node_id AND r.n = r.last_seq - r.first_seq + 1
    AND o.contiguous_seq = r.first_seq - 1 AND o.max_seq = o.contiguous_seq
  RETURNING o.node_id
)
SELECT
  (SELECT coalesce(json_agg(event_id), '[]') FROM ins)::text AS inserted,
  (SELECT coalesce(json_agg(node_id), '[]') FROM runs
    WHERE node_id NOT IN (SELECT node_id FROM advanced))::text AS unadvanced,
  (SELECT coalesce(json_agg(json_build_object('entity_id', s.entity_id, 'state', s.state)), '[]')
    FROM crdt_snapshots s
    WHERE s.space_id = $1 AND s.entity_id = ANY(ARRAY(SELECT DISTINCT entity_id FROM ins)))::text AS states,
  CASE WHEN EXISTS (SELECT 1 FROM ins) THEN pg_notify($3, $1) END AS notified`;

/** Which of the event ids ($2, a JSON array) the space $1 holds (an event id is unique in its space, 0021). */
export const SELECT_KNOWN_EVENT_IDS = `
SELECT event_id FROM crdt_events
WHERE space_id = $1 AND event_id IN (SELECT jsonb_array_elements_text($2::jsonb))`;

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
 * A snapshot with its row version: `xmin`, the id of the transaction that last wrote the row. Any
 * later write of the row (ours, a peer pushing into this store, a rebuild) gives it another xmin,
 * so a write guarded by `xmin = version` applies only to the state that was read.
 */
export const SELECT_SNAPSHOT_VERSIONED = `
SELECT state, xmin::text AS version FROM crdt_snapshots WHERE space_id = $1 AND entity_id = $2`;

/** Marks the error APPEND_LOCAL_* raises when the event was not inserted (see APPEND_LOCAL_TAIL). */
export const LOCAL_EVENT_UNDONE = 'netguardian: local event not inserted, snapshot write undone';

/**
 * The rest of APPEND_LOCAL_*, after the CTE `snap` that wrote the snapshot (one row when it did,
 * none when the row was not in the state the caller computed from). Params: $1..$10 the event's
 * columns, $11..$18 the snapshot's columns, $19 the NOTIFY channel.
 *
 * - `ev` inserts the event only if the snapshot was written; a known event_id or a taken
 *   (origin, seq) inserts nothing.
 * - `origin` advances the origin's frontier exactly as ADVANCE_ORIGINS would: the event's seq is
 *   new (it was just inserted), so the frontier moves only if it sat right below it, and then
 *   across any run of events already held above it (only then is the gap-free count read).
 *   No origin row means the store holds no event of that origin (every append writes one).
 * - The event wakes listeners at commit, like EventStore.append.
 * - A snapshot written without its event must not stay: `undone` then fails the cast of a text
 *   that is not a number, which aborts the statement (one implicit transaction) and with it the
 *   snapshot write. The text depends on `snap`, so the planner cannot evaluate it ahead.
 */
const APPEND_LOCAL_TAIL = `
ev AS (
  INSERT INTO crdt_events (${WIRE})
  SELECT $1, $2, $3, $4, $5::jsonb, $6::timestamptz, $7, $8, $9::bigint, $10::jsonb FROM snap
  ON CONFLICT DO NOTHING
  RETURNING seq
),
origin AS (
  INSERT INTO crdt_origins AS o (space_id, node_id, contiguous_seq, max_seq)
  SELECT $2, $8, CASE WHEN ev.seq = 1 THEN 1 ELSE 0 END, ev.seq FROM ev
  ON CONFLICT (space_id, node_id) DO UPDATE SET
    contiguous_seq = CASE
      WHEN o.contiguous_seq <> excluded.max_seq - 1 THEN o.contiguous_seq
      WHEN o.max_seq < excluded.max_seq THEN excluded.max_seq
      ELSE excluded.max_seq + (
        SELECT count(*) FROM (
          SELECT e.seq, row_number() OVER (ORDER BY e.seq) AS rn FROM crdt_events e
          WHERE e.space_id = $2 AND e.node_id = $8 AND e.seq > $9::bigint
        ) s WHERE s.seq = $9::bigint + s.rn)
    END,
    max_seq = greatest(o.max_seq, excluded.max_seq)
)
SELECT (SELECT version FROM snap) AS version,
  CASE WHEN EXISTS (SELECT 1 FROM ev) THEN pg_notify($19, $2) END AS notified,
  CASE WHEN EXISTS (SELECT 1 FROM snap) AND NOT EXISTS (SELECT 1 FROM ev) THEN
    (SELECT ('${LOCAL_EVENT_UNDONE}: ' || version)::int FROM snap)
  END AS undone`;

/**
 * One local event and its entity's new snapshot in one statement (an implicit transaction), for
 * an entity that has no snapshot yet ($20 absent): the insert of the snapshot is the guard.
 */
export const APPEND_LOCAL_NEW = `
WITH snap AS (
  INSERT INTO crdt_snapshots (space_id, entity_id, state, vector_clock, created_at, updated_at,
    file_exists, has_conflict, content_hash, size, last_hlc, last_node_id)
  VALUES ($2, $3, $11::jsonb, $12::jsonb, now(), now(),
    $13::boolean, $14::boolean, $15::text, $16::bigint, $17::text, $18::text)
  ON CONFLICT (space_id, entity_id) DO NOTHING
  RETURNING xmin::text AS version
),${APPEND_LOCAL_TAIL}`;

/**
 * The same for an entity whose snapshot was read at row version $20: the update applies only if
 * the row is still that version (READ COMMITTED re-checks it on the latest row when a concurrent
 * writer got there first).
 */
export const APPEND_LOCAL_UPDATE = `
WITH snap AS (
  UPDATE crdt_snapshots SET state = $11::jsonb, vector_clock = $12::jsonb, updated_at = now(),
    file_exists = $13::boolean, has_conflict = $14::boolean, content_hash = $15::text,
    size = $16::bigint, last_hlc = $17::text, last_node_id = $18::text
  WHERE space_id = $2 AND entity_id = $3 AND xmin = $20::xid
  RETURNING xmin::text AS version
),${APPEND_LOCAL_TAIL}`;

export const SELECT_FRONTIER = `
SELECT node_id, contiguous_seq, max_seq FROM crdt_origins WHERE space_id = $1 ORDER BY node_id`;

/** Serializes each selected row to its own JSON text, in order: what a hub streams on as it is. */
const asJsonRows = (select: string, orderBy: string) =>
  `SELECT row_to_json(t)::text AS row FROM (${select}) t ORDER BY ${orderBy}`;

const EVENTS_ABOVE_FRONTIER = `SELECT ev.* FROM crdt_origins o
   CROSS JOIN LATERAL (
     SELECT ${WIRE} FROM crdt_events e
     WHERE e.space_id = o.space_id AND e.node_id = o.node_id
       AND e.seq > coalesce(($2::jsonb ->> o.node_id)::bigint, 0)
     ORDER BY e.seq LIMIT $3
   ) ev
   WHERE o.space_id = $1
   ORDER BY ev.node_id, ev.seq LIMIT $3`;

/** Events above a peer's frontier ($2: {node: seq}), in (origin, seq) order so the peer's frontier advances per batch. */
export const SELECT_EVENTS_ABOVE_FRONTIER = asJsonArray(EVENTS_ABOVE_FRONTIER, 't.node_id, t.seq');

/** The same rows, each as its own JSON text. */
export const SELECT_EVENTS_ABOVE_FRONTIER_ROWS = asJsonRows(
  EVENTS_ABOVE_FRONTIER,
  't.node_id, t.seq',
);

/** The event id one origin gave one seq (a device comparing its history with the hub's). */
export const SELECT_ORIGIN_EVENT_ID = `
SELECT event_id FROM crdt_events WHERE space_id = $1 AND node_id = $2 AND seq = $3`;

/**
 * Removes one origin's events above a seq (a device's own events that never reached the hub,
 * which holds other events under those seqs): returns the entities they touched.
 */
export const DELETE_ORIGIN_EVENTS_ABOVE = `
DELETE FROM crdt_events WHERE space_id = $1 AND node_id = $2 AND seq > $3 RETURNING entity_id`;

export const DELETE_SNAPSHOT = `DELETE FROM crdt_snapshots WHERE space_id = $1 AND entity_id = $2`;

/** The origin's frontier after its events above $3 were removed. */
export const LOWER_ORIGIN = `
UPDATE crdt_origins SET contiguous_seq = least(contiguous_seq, $3),
  max_seq = (SELECT coalesce(max(seq), 0) FROM crdt_events WHERE space_id = $1 AND node_id = $2)
WHERE space_id = $1 AND node_id = $2`;

/** How many events one origin has above a seq (a device's changes its hub lacks). */
export const COUNT_ORIGIN_EVENTS_ABOVE = `
SELECT count(*)::float8 AS n FROM crdt_events WHERE space_id = $1 AND node_id = $2 AND seq > $3`;

/** One origin's events above a seq, in seq order: a device taking back its own events. */
const ORIGIN_EVENTS_ABOVE = `SELECT ${WIRE} FROM crdt_events e
   WHERE e.space_id = $1 AND e.node_id = $2 AND e.seq > $3
   ORDER BY e.seq LIMIT $4`;

export const SELECT_ORIGIN_EVENTS_ABOVE = asJsonArray(ORIGIN_EVENTS_ABOVE, 't.seq');

/** The same rows, each as its own JSON text. */
export const SELECT_ORIGIN_EVENTS_ABOVE_ROWS = asJsonRows(ORIGIN_EVENTS_ABOVE, 't.seq');

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

/**
 * An entity's events for a fold (rebuilding its state): without the columns the caller knows
 * (space, entity, local id) and in no particular order, since a fold does not depend on it.
 */
export const SELECT_ENTITY_EVENTS_TO_FOLD = `
SELECT coalesce(json_agg(t), '[]')::text AS rows FROM (
  SELECT event_id, event_type, data, timestamp, hlc, node_id, seq, vector_clock
  FROM crdt_events WHERE space_id = $1 AND entity_id = $2
) t`;

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

/**
 * An event by id, in space $2, or in any space when $2 is null (tests and tools: that form reads
 * the whole log, the key being (space, event id) since 0021).
 */
export const SELECT_EVENT_BY_ID = `
SELECT ${WIRE} FROM crdt_events WHERE ($2::text IS NULL OR space_id = $2) AND event_id = $1`;

/**
 * The highest seq an origin used here: of the events held, or recorded by the frontier (an
 * origin's events may have been compacted away, or come as a peer's snapshots: a seq used once
 * is never used again).
 */
export const SELECT_MAX_SEQ = `
SELECT greatest(
  (SELECT coalesce(max(seq), 0) FROM crdt_events WHERE space_id = $1 AND node_id = $2),
  (SELECT coalesce(max(max_seq), 0) FROM crdt_origins WHERE space_id = $1 AND node_id = $2)
)::float8 AS max_seq`;

export const SELECT_SNAPSHOT = `SELECT state FROM crdt_snapshots WHERE space_id = $1 AND entity_id = $2`;

export const SELECT_SNAPSHOTS_PAGE = asJsonArray(
  `SELECT entity_id, state FROM crdt_snapshots
   WHERE space_id = $1 AND entity_id COLLATE "C" > $2 AND ($3::boolean IS FALSE OR has_conflict)
   ORDER BY entity_id COLLATE "C" LIMIT $4`,
  't.entity_id COLLATE "C"',
);

/**
 * Which of the paths ($2, a JSON array) have an existing entity under them (`p/…`): a range read
 * of `crdt_snapshots_existing_by_path` per path, `/` being followed by `0` in byte order.
 */
export const SELECT_PATHS_HOLDING_ENTITIES = `
SELECT coalesce(json_agg(p.path), '[]')::text AS rows
FROM jsonb_array_elements_text($2::jsonb) AS p(path)
WHERE EXISTS (
  SELECT 1 FROM crdt_snapshots s
  WHERE s.space_id = $1 AND s.file_exists
    AND s.entity_id COLLATE "C" > (p.path || '/') COLLATE "C"
    AND s.entity_id COLLATE "C" < (p.path || '0') COLLATE "C")`;

/** $2: a folder's content hash (DIRECTORY_HASH): `folders` counts those among `files`. */
/**
 * Rebuild: drops the snapshots of entities that have no event ($2: the ids that do, never null).
 * `NOT IN (SELECT ...)` is a hashed subplan: one probe per snapshot, not a scan of the list.
 */
export const DELETE_SNAPSHOTS_EXCEPT = `
DELETE FROM crdt_snapshots
WHERE space_id = $1 AND entity_id NOT IN (SELECT jsonb_array_elements_text($2::jsonb))`;

/**
 * Rebuild: UPSERT_SNAPSHOTS that leaves alone a row already equal to the rebuilt one (jsonb
 * compares by value), so repairing a healthy space writes nothing.
 */
export const REWRITE_SNAPSHOTS = `${UPSERT_SNAPSHOTS}
WHERE (s.state, s.vector_clock, s.file_exists, s.has_conflict, s.content_hash, s.size,
       s.last_hlc, s.last_node_id)
  IS DISTINCT FROM (excluded.state, excluded.vector_clock, excluded.file_exists,
       excluded.has_conflict, excluded.content_hash, excluded.size, excluded.last_hlc,
       excluded.last_node_id)`;

export const COUNT_EVENTS = `SELECT count(*)::float8 AS n FROM crdt_events WHERE space_id = $1`;

/** Each origin's newest HLC (an origin's HLC grows with its seq): where our clock resumes after a restart. */
export const SELECT_ORIGIN_HEAD_HLCS = `
SELECT e.hlc FROM crdt_origins o
JOIN crdt_events e ON e.space_id = o.space_id AND e.node_id = o.node_id AND e.seq = o.max_seq
WHERE o.space_id = $1`;

/** Several snapshots by primary key (a batch of local writes); `= ANY(ARRAY(...))` keeps it an index lookup. */
export const SELECT_SNAPSHOTS_BY_IDS = asJsonArray(
  `SELECT entity_id, state FROM crdt_snapshots
   WHERE space_id = $1 AND entity_id = ANY(ARRAY(SELECT jsonb_array_elements_text($2::jsonb)))`,
  't.entity_id',
);

/** Per origin, the highest seq no longer held as an event (compaction, catch-up; 0019). */
export const SELECT_COMPACTED = `
SELECT node_id, compacted_seq FROM crdt_origins WHERE space_id = $1 AND compacted_seq > 0`;

/** A page of snapshot states in entity id order (byte order), for a peer catching up. */
export const SELECT_SNAPSHOT_STATES_PAGE = asJsonArray(
  `SELECT entity_id, state FROM crdt_snapshots
   WHERE space_id = $1 AND entity_id COLLATE "C" > $2 ORDER BY entity_id COLLATE "C" LIMIT $3`,
  't.entity_id COLLATE "C"',
);

/**
 * Raises each origin of $2 ({node: seq}) to at least that frontier after a catch-up from a peer's
 * snapshots; where this store held less, the seqs it skipped are recorded as not held.
 */
export const RAISE_ORIGINS = `
INSERT INTO crdt_origins AS o (space_id, node_id, contiguous_seq, max_seq, compacted_seq)
SELECT $1, x.node_id, x.seq::bigint, x.seq::bigint, x.seq::bigint
FROM jsonb_each_text($2::jsonb) AS x(node_id, seq)
WHERE x.seq::bigint > 0
ON CONFLICT (space_id, node_id) DO UPDATE SET
  compacted_seq = CASE WHEN o.contiguous_seq < excluded.contiguous_seq
    THEN greatest(o.compacted_seq, excluded.contiguous_seq) ELSE o.compacted_seq END,
  contiguous_seq = greatest(o.contiguous_seq, excluded.contiguous_seq),
  max_seq = greatest(o.max_seq, excluded.max_seq)`;
