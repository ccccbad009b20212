-- DESIGN.md §2: every event belongs to a space (a synced folder), carries its
-- origin's per-space sequence number (the sync frontier) and a hybrid logical
-- clock (the LWW order). Seed rows are backfilled: space 'default', seq in
-- their ingestion order per node, an HLC from their wall-clock timestamp.
ALTER TABLE crdt_events ADD COLUMN space_id TEXT NOT NULL DEFAULT 'default';
ALTER TABLE crdt_events ADD COLUMN seq BIGINT;
ALTER TABLE crdt_events ADD COLUMN hlc TEXT;

-- Paths can be up to 4096 bytes; the seed's VARCHAR(255) would truncate them.
ALTER TABLE crdt_events ALTER COLUMN entity_id TYPE TEXT;
-- Wall time is stored with its zone so devices in different zones agree.
ALTER TABLE crdt_events ALTER COLUMN timestamp TYPE TIMESTAMPTZ USING timestamp AT TIME ZONE 'UTC';
-- created_at is the local ingestion time (getChangesSince); the seed wrote it in UTC.
ALTER TABLE crdt_events ALTER COLUMN created_at TYPE TIMESTAMPTZ USING created_at AT TIME ZONE 'UTC';
ALTER TABLE crdt_events ALTER COLUMN created_at SET NOT NULL;

UPDATE crdt_events e
SET seq = n.seq,
    hlc = lpad(floor(extract(epoch FROM e.timestamp) * 1000)::bigint::text, 15, '0') || '-000000-' || e.node_id
FROM (SELECT id, row_number() OVER (PARTITION BY node_id ORDER BY id) AS seq FROM crdt_events) n
WHERE n.id = e.id;

ALTER TABLE crdt_events ALTER COLUMN seq SET NOT NULL;
ALTER TABLE crdt_events ALTER COLUMN hlc SET NOT NULL;

-- Per-origin sequence numbers are unique; this index also answers "events above a frontier".
CREATE UNIQUE INDEX crdt_events_origin_seq ON crdt_events (space_id, node_id, seq);
CREATE INDEX crdt_events_entity ON crdt_events (space_id, entity_id);
CREATE INDEX crdt_events_type ON crdt_events (space_id, event_type, id);
CREATE INDEX crdt_events_time ON crdt_events (space_id, timestamp);
-- Local ingestion order (getChangesSince).
CREATE INDEX crdt_events_ingested ON crdt_events (space_id, created_at, id);
