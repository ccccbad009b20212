-- The sync frontier: per space and origin device, the highest sequence number
-- held with no gap below it (contiguous_seq) and the highest held at all.
CREATE TABLE crdt_origins (
    space_id TEXT NOT NULL,
    node_id TEXT NOT NULL,
    contiguous_seq BIGINT NOT NULL DEFAULT 0,
    max_seq BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (space_id, node_id)
);

-- Events from a peer that failed validation or cannot be applied yet (clock
-- ahead). Never dropped: kept with the reason, retried, and released once applied.
CREATE TABLE crdt_quarantine (
    id BIGSERIAL PRIMARY KEY,
    space_id TEXT,
    source TEXT NOT NULL,
    event_id TEXT,
    node_id TEXT,
    seq BIGINT,
    code TEXT NOT NULL,
    field TEXT,
    message TEXT NOT NULL,
    payload JSONB,
    attempts INTEGER NOT NULL DEFAULT 1,
    first_seen TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_attempt TIMESTAMPTZ NOT NULL DEFAULT now(),
    released_at TIMESTAMPTZ
);
-- One row per (source, event); a retry updates it instead of adding another.
CREATE UNIQUE INDEX crdt_quarantine_event ON crdt_quarantine (source, event_id) WHERE event_id IS NOT NULL;
CREATE INDEX crdt_quarantine_pending ON crdt_quarantine (space_id, code) WHERE released_at IS NULL;

-- This store's own device identity (absent on a hub).
CREATE TABLE crdt_device (
    singleton BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (singleton),
    node_id TEXT NOT NULL,
    name TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
