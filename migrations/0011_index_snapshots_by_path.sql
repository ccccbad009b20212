-- The files screen pages a space's existing entities in byte order
-- (`ORDER BY entity_id COLLATE "C"`), which the primary key (the database's
-- collation) cannot serve: every page sorted all of the space's paths, about
-- 300 ms at 100,000 files on PGlite. This index serves the first pages as a
-- range read (about 50 ms for 500 rows at 100,000).
CREATE INDEX crdt_snapshots_existing_by_path
    ON crdt_snapshots (space_id, entity_id COLLATE "C") WHERE file_exists;

-- A device's PGlite has no autovacuum, so its tables are never analyzed unless
-- asked: without statistics the planner takes a space's rows for a few hundred
-- and prefers sorting them to reading this index in order.
ANALYZE crdt_snapshots;
ANALYZE fs_index;
