-- Snapshots are per (space, entity) and carry the resolved view as columns so
-- listings (files, conflicts) never parse the whole state.
ALTER TABLE crdt_snapshots ADD COLUMN space_id TEXT NOT NULL DEFAULT 'default';
ALTER TABLE crdt_snapshots ALTER COLUMN entity_id TYPE TEXT;
ALTER TABLE crdt_snapshots DROP CONSTRAINT crdt_snapshots_pkey;
ALTER TABLE crdt_snapshots ADD PRIMARY KEY (space_id, entity_id);
ALTER TABLE crdt_snapshots ALTER COLUMN created_at TYPE TIMESTAMPTZ USING created_at AT TIME ZONE 'UTC';
ALTER TABLE crdt_snapshots ALTER COLUMN created_at SET DEFAULT CURRENT_TIMESTAMP;
ALTER TABLE crdt_snapshots ALTER COLUMN updated_at TYPE TIMESTAMPTZ USING updated_at AT TIME ZONE 'UTC';

ALTER TABLE crdt_snapshots ADD COLUMN file_exists BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE crdt_snapshots ADD COLUMN has_conflict BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE crdt_snapshots ADD COLUMN content_hash TEXT;
ALTER TABLE crdt_snapshots ADD COLUMN size BIGINT;
ALTER TABLE crdt_snapshots ADD COLUMN last_hlc TEXT;
ALTER TABLE crdt_snapshots ADD COLUMN last_node_id TEXT;

CREATE INDEX crdt_snapshots_conflicts ON crdt_snapshots (space_id, entity_id) WHERE has_conflict;
CREATE INDEX crdt_snapshots_updated ON crdt_snapshots (space_id, updated_at);
