-- The hub's tables shard by space (issue 17 point 6; docs/ARCHITECTURE.md "Sharding the hub by
-- space"). A distributed PostgreSQL (Citus: create_distributed_table(table, 'space_id')) requires
-- every primary and unique key of a distributed table to include the distribution column, so each
-- key of a table that grows with a space's data leads with space_id. The other keys were space-led
-- already (crdt_snapshots, crdt_origins, crdt_compacted, crdt_chunks, hub_space_usage). Ids stay
-- 64-bit (0015 widened the seed's SERIALs). Runs on every store: on a device it rebuilds the
-- events' two key indexes once and changes nothing else.

-- The seed's key was the local id alone, and event ids were unique across every space: a device of
-- one space could find out whether an event id exists in another (its push came back "duplicate").
-- Now an event id is unique within its space; lookups by event id name the space (eventQueries.ts).
ALTER TABLE crdt_events DROP CONSTRAINT crdt_events_pkey;
ALTER TABLE crdt_events ADD CONSTRAINT crdt_events_pkey PRIMARY KEY (space_id, id);
ALTER TABLE crdt_events DROP CONSTRAINT crdt_events_event_id_key;
ALTER TABLE crdt_events ADD CONSTRAINT crdt_events_space_event UNIQUE (space_id, event_id);

-- The kept counts (0016, 0017) are written on a hub by the snapshots' triggers, one row per
-- statement and space: keyed by (space, id). The space index 0016 made is the key's prefix now.
ALTER TABLE crdt_snapshot_counts DROP CONSTRAINT crdt_snapshot_counts_pkey;
ALTER TABLE crdt_snapshot_counts ADD CONSTRAINT crdt_snapshot_counts_pkey PRIMARY KEY (space_id, id);
DROP INDEX crdt_snapshot_counts_space;
ALTER TABLE crdt_folder_counts DROP CONSTRAINT crdt_folder_counts_pkey;
ALTER TABLE crdt_folder_counts ADD CONSTRAINT crdt_folder_counts_pkey PRIMARY KEY (space_id, id);
