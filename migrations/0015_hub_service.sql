-- The hub as a service (HTTP/2 over TLS in front of PostgreSQL): devices pair with a one-time
-- invite and then present a device credential, instead of logging in to PostgreSQL as a role.
-- Runs on every store, devices' too; the hub_* tables stay empty there.

-- 64-bit local ids. The seed made them SERIAL (32-bit, sequence AS integer): a hub that ingests
-- every event of every space runs out at 2^31 rows. The sequences are widened too, else they
-- would stop at 2^31 - 1 (their MAXVALUE follows the type, since it was the old type's maximum).
-- ALTER keeps existing grants, such as the USAGE that 0009 gave netguardian_device on the events
-- sequence. (crdt_quarantine.id is BIGSERIAL already.) Both tables are rewritten once.
ALTER TABLE crdt_events ALTER COLUMN id TYPE BIGINT;
ALTER TABLE crdt_sync_log ALTER COLUMN id TYPE BIGINT;
DO $$
BEGIN
    -- The sequences' names as the catalog knows them (SERIAL named them; never built from input).
    EXECUTE format('ALTER SEQUENCE %s AS bigint', pg_get_serial_sequence('crdt_events', 'id'));
    EXECUTE format('ALTER SEQUENCE %s AS bigint', pg_get_serial_sequence('crdt_sync_log', 'id'));
END
$$;

-- One row per paired device credential. The credential's secret is 32 random bytes, so a plain
-- SHA-256 (hex) is enough: a slow password hash protects guessable secrets, and 256 random bits
-- are not guessable. The hub never stores the secret itself.
-- live_until is presence: the live stream's heartbeats push it forward, and a device is online
-- while live_until > now(). A revoked key stays as a record (revoked_at set).
CREATE TABLE hub_device_keys (
    key_id TEXT PRIMARY KEY,
    space_id TEXT NOT NULL,
    node_id TEXT NOT NULL,
    device_name TEXT NOT NULL,
    secret_hash TEXT NOT NULL CHECK (secret_hash ~ '^[0-9a-f]{64}$'),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    revoked_at TIMESTAMPTZ,
    last_seen TIMESTAMPTZ,
    live_until TIMESTAMPTZ
);
-- A node id holds at most one working key per space; after a revoke it may pair again.
CREATE UNIQUE INDEX hub_device_keys_active ON hub_device_keys (space_id, node_id)
    WHERE revoked_at IS NULL;

-- One-time invites into a space. The secret (32 random bytes) is stored as its hex SHA-256, like
-- the device keys'; used_at/used_by_node record who redeemed it.
CREATE TABLE hub_invites (
    invite_id TEXT PRIMARY KEY,
    space_id TEXT NOT NULL,
    secret_hash TEXT NOT NULL UNIQUE CHECK (secret_hash ~ '^[0-9a-f]{64}$'),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at TIMESTAMPTZ NOT NULL,
    used_at TIMESTAMPTZ,
    used_by_node TEXT
);

-- Bytes of chunks each space holds on the hub, and its quota (NULL: none). The hub adds to
-- chunk_bytes in the transaction that stores chunks. Backfilled from the chunks already held, so a
-- quota set on a hub that ran before this migration counts them.
CREATE TABLE hub_space_usage (
    space_id TEXT PRIMARY KEY,
    chunk_bytes BIGINT NOT NULL DEFAULT 0 CHECK (chunk_bytes >= 0),
    quota_bytes BIGINT CHECK (quota_bytes IS NULL OR quota_bytes >= 0)
);
INSERT INTO hub_space_usage (space_id, chunk_bytes)
SELECT space_id, sum(size) FROM crdt_chunks GROUP BY space_id;
