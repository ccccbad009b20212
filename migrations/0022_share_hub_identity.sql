-- Several hub processes of one hub on one PostgreSQL (issue 17 point 3). Devices pin the hub's
-- certificate, so every process must present the same one: with a PostgreSQL server given to the
-- hub (`--database-url`), the hub's identity lives here. The first process to start stores its
-- certificate, key and hub id (INSERT ... ON CONFLICT DO NOTHING: of two first starts one wins),
-- every later process reads them back. Only the hub's own role reaches this database; devices
-- never do. Runs on every store: the tables stay empty on a device and on an embedded hub (its
-- identity is in its data dir).
CREATE TABLE hub_identity (
    -- One row: the key is always true.
    only_row BOOLEAN PRIMARY KEY DEFAULT true CHECK (only_row),
    hub_id TEXT NOT NULL CHECK (hub_id <> ''),
    cert_pem TEXT NOT NULL,
    key_pem TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- The hub's processes and where devices reach them, so a device whose process went away moves to
-- another. Each process renews seen_until while it runs (a heartbeat); one whose seen_until has
-- passed (stopped, killed, cut off) is no longer listed. A stopping process deletes its row.
-- Neither table grows with a space: in a cluster sharded by space both are reference tables.
CREATE TABLE hub_processes (
    process_id TEXT PRIMARY KEY,
    address TEXT NOT NULL,
    started_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    seen_until TIMESTAMPTZ NOT NULL
);
