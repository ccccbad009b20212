-- Every sync run writes one row: which peer, which way, how many events each
-- way, how long, and the error if it failed. getSyncStatus reads the latest.
ALTER TABLE crdt_sync_log ADD COLUMN space_id TEXT NOT NULL DEFAULT 'default';
ALTER TABLE crdt_sync_log ADD COLUMN peer TEXT;
ALTER TABLE crdt_sync_log ADD COLUMN events_sent INTEGER NOT NULL DEFAULT 0;
ALTER TABLE crdt_sync_log ADD COLUMN events_received INTEGER NOT NULL DEFAULT 0;
ALTER TABLE crdt_sync_log ADD COLUMN events_quarantined INTEGER NOT NULL DEFAULT 0;
ALTER TABLE crdt_sync_log ADD COLUMN duration_ms INTEGER;
ALTER TABLE crdt_sync_log ADD COLUMN status TEXT NOT NULL DEFAULT 'ok';
ALTER TABLE crdt_sync_log ADD COLUMN error TEXT;
ALTER TABLE crdt_sync_log ALTER COLUMN last_sync TYPE TIMESTAMPTZ USING last_sync AT TIME ZONE 'UTC';
ALTER TABLE crdt_sync_log ALTER COLUMN created_at TYPE TIMESTAMPTZ USING created_at AT TIME ZONE 'UTC';
CREATE INDEX crdt_sync_log_latest ON crdt_sync_log (space_id, id DESC);
