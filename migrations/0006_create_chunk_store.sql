-- Content-addressed chunk store (DESIGN.md §4): file content split into
-- content-defined chunks, each stored once per space under its SHA-256 (hex).
-- The same table exists on devices (PGlite) and on the hub. Keyed by space so
-- the hub stays distributable by space_id and row-level security can isolate
-- spaces; the same bytes in two spaces are stored twice on purpose.
CREATE TABLE crdt_chunks (
    space_id TEXT NOT NULL,
    hash TEXT NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
    size INTEGER NOT NULL CHECK (size >= 0),
    data BYTEA NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (space_id, hash),
    CHECK (octet_length(data) = size)
);
