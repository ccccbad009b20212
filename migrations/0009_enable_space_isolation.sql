-- Space isolation on the hub (DESIGN.md §1 and §8.5). Every device connects to
-- the hub as its own LOGIN role, a member of the group role netguardian_device
-- (created by `netguardian hub add-device`, see src-main/core/hub/hubAdmin.ts).
-- hub_members lists the spaces each device role belongs to; row-level security
-- limits a device role to the rows of those spaces, for reads and writes alike.
-- The tables' owner (the hub admin who ran the migrations) and superusers
-- bypass row-level security as usual.
--
-- The same migration runs on every store. On a device's PGlite (or any server
-- where nothing connects as a device role) it is inert: the owner bypasses the
-- policies, and no device roles exist. Role statements run only when the
-- migrating user may create or grant to roles; otherwise they are skipped with
-- a NOTICE, and `netguardian hub init` (which re-runs them as the hub admin)
-- reports what is missing.
CREATE TABLE hub_members (
    space_id TEXT NOT NULL,
    role_name TEXT NOT NULL,
    added_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (role_name, space_id)
);
CREATE INDEX hub_members_space ON hub_members (space_id);

-- The device roles this hub's admin created (roles are server-wide; this says
-- which belong to this hub database), with the device's human name.
-- Admin only: devices get no privilege on it.
CREATE TABLE hub_devices (
    role_name TEXT PRIMARY KEY,
    device_name TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- The group role and exactly what a device needs on the hub: append and read
-- events, upsert snapshots and the frontier, put and get chunks, read its own
-- memberships and the schema version. No DELETE, no TRUNCATE, no DDL.
-- (pg_advisory_xact_lock and pg_notify, which EventStore.append runs, are
-- executable by PUBLIC; LISTEN needs no privilege.)
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'netguardian_device') THEN
        BEGIN
            CREATE ROLE netguardian_device NOLOGIN;
        EXCEPTION
            -- Another database on this server created it at the same moment.
            WHEN duplicate_object OR unique_violation THEN NULL;
            WHEN insufficient_privilege THEN
                RAISE NOTICE 'netguardian: may not create role netguardian_device; device grants skipped';
                RETURN;
        END;
    END IF;
    BEGIN
        EXECUTE format('GRANT USAGE ON SCHEMA %I TO netguardian_device', current_schema());
        GRANT SELECT, INSERT ON crdt_events TO netguardian_device;
        EXECUTE format('GRANT USAGE ON SEQUENCE %s TO netguardian_device',
                       pg_get_serial_sequence('crdt_events', 'id'));
        GRANT SELECT, INSERT, UPDATE ON crdt_snapshots TO netguardian_device;
        GRANT SELECT, INSERT, UPDATE ON crdt_origins TO netguardian_device;
        GRANT SELECT, INSERT ON crdt_chunks TO netguardian_device;
        GRANT SELECT ON hub_members TO netguardian_device;
        GRANT SELECT ON schema_migrations TO netguardian_device;
    EXCEPTION
        WHEN insufficient_privilege THEN
            RAISE NOTICE 'netguardian: may not grant to netguardian_device; device grants skipped';
    END;
END
$$;

-- A device role sees only its own memberships (not which other roles or spaces exist).
ALTER TABLE hub_members ENABLE ROW LEVEL SECURITY;
CREATE POLICY hub_members_own ON hub_members
    USING (role_name = current_user)
    WITH CHECK (role_name = current_user);

-- Each hub table: rows of the current role's spaces only, for SELECT, INSERT,
-- UPDATE and DELETE alike (USING filters what is seen and updated, WITH CHECK
-- refuses new rows outside them). current_user, not session_user: a device that
-- SET ROLEs to the group role sees no space at all.
ALTER TABLE crdt_events ENABLE ROW LEVEL SECURITY;
CREATE POLICY crdt_events_member ON crdt_events
    USING (space_id IN (SELECT m.space_id FROM hub_members m WHERE m.role_name = current_user))
    WITH CHECK (space_id IN (SELECT m.space_id FROM hub_members m WHERE m.role_name = current_user));

ALTER TABLE crdt_snapshots ENABLE ROW LEVEL SECURITY;
CREATE POLICY crdt_snapshots_member ON crdt_snapshots
    USING (space_id IN (SELECT m.space_id FROM hub_members m WHERE m.role_name = current_user))
    WITH CHECK (space_id IN (SELECT m.space_id FROM hub_members m WHERE m.role_name = current_user));

ALTER TABLE crdt_origins ENABLE ROW LEVEL SECURITY;
CREATE POLICY crdt_origins_member ON crdt_origins
    USING (space_id IN (SELECT m.space_id FROM hub_members m WHERE m.role_name = current_user))
    WITH CHECK (space_id IN (SELECT m.space_id FROM hub_members m WHERE m.role_name = current_user));

ALTER TABLE crdt_chunks ENABLE ROW LEVEL SECURITY;
CREATE POLICY crdt_chunks_member ON crdt_chunks
    USING (space_id IN (SELECT m.space_id FROM hub_members m WHERE m.role_name = current_user))
    WITH CHECK (space_id IN (SELECT m.space_id FROM hub_members m WHERE m.role_name = current_user));
