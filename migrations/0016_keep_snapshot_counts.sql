-- How many entities, existing files and folders, and conflicts each space has, kept as the
-- snapshots change instead of counted per request (issue 14 point 4): `count(*)` over a space's
-- snapshots reads every row, about 10 ms per 100,000 files, and the status and the files screen
-- ask for it after every sync.
--
-- Kept as deltas: every statement that writes snapshots adds one row per space it touched (its
-- inserts minus its deletes), and a reader sums a space's rows. No row is ever updated, so
-- writers of different entities never wait for each other on a shared counter (a single counter
-- row would serialize them, and deadlock a single-statement write against a batch). Every 256th
-- delta folds its space's rows into one (a DELETE ... RETURNING and one INSERT of the sum, in the
-- writer's transaction), so a reader sums a few hundred rows at most and never writes.
CREATE TABLE crdt_snapshot_counts (
    id BIGSERIAL PRIMARY KEY,
    space_id TEXT NOT NULL,
    entities BIGINT NOT NULL,
    files BIGINT NOT NULL,
    folders BIGINT NOT NULL,
    conflicts BIGINT NOT NULL
);
CREATE INDEX crdt_snapshot_counts_space ON crdt_snapshot_counts (space_id);

-- Whether a snapshot row is an existing folder: it holds the directory marker
-- (src-shared/fileKinds.ts DIRECTORY_HASH; the 0016 test in migrations.int.test.ts checks they agree).
CREATE FUNCTION crdt_snapshot_is_folder(file_exists BOOLEAN, content_hash TEXT) RETURNS BOOLEAN
LANGUAGE sql IMMUTABLE AS $$
    SELECT file_exists AND content_hash IS NOT DISTINCT FROM
        'ecba345e8643bf1030c5bdc3331882db40851e7d8759dba8c3b04cbeb3c0a887'
$$;

-- Folds a space's deltas into one row. Skipped when another transaction is folding the same
-- space (it would wait for that one's row locks, and two folds could deadlock).
CREATE FUNCTION crdt_snapshot_counts_fold(space TEXT) RETURNS VOID
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF NOT pg_try_advisory_xact_lock(hashtext('crdt_snapshot_counts'), hashtext(space)) THEN
        RETURN;
    END IF;
    WITH gone AS (
        DELETE FROM crdt_snapshot_counts WHERE space_id = space
        RETURNING entities, files, folders, conflicts
    )
    INSERT INTO crdt_snapshot_counts (space_id, entities, files, folders, conflicts)
    SELECT space, sum(entities), sum(files), sum(folders), sum(conflicts) FROM gone
    HAVING count(*) > 0;
END
$$;

-- Adds what a statement changed: +1 for each row it inserted (or a row's state after an
-- update), -1 for each it deleted (or a row's state before). Every 256th delta folds its space,
-- so the rows a reader sums stay few on a hub whose spaces nobody counts. `files` is every
-- existing entity (folders too, as the files screen lists them).
-- SECURITY DEFINER: on a hub of the older direct-SQL kind, device roles write snapshots under
-- row-level security and hold no grant on this table; the function only adds what they wrote.
CREATE FUNCTION crdt_snapshot_counts_track() RETURNS TRIGGER
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    -- A trigger with transition tables names only its own (an INSERT trigger has no old rows).
    changed TEXT := CASE TG_OP
        WHEN 'INSERT' THEN
            'SELECT space_id, file_exists, content_hash, has_conflict, 1 AS sign FROM counted_new'
        WHEN 'DELETE' THEN
            'SELECT space_id, file_exists, content_hash, has_conflict, -1 AS sign FROM counted_old'
        ELSE
            'SELECT space_id, file_exists, content_hash, has_conflict, 1 AS sign FROM counted_new
             UNION ALL
             SELECT space_id, file_exists, content_hash, has_conflict, -1 AS sign FROM counted_old'
    END;
    delta RECORD;
BEGIN
    FOR delta IN EXECUTE format($sql$
        INSERT INTO crdt_snapshot_counts (space_id, entities, files, folders, conflicts)
        SELECT * FROM (
            SELECT space_id, sum(sign) AS entities,
                   coalesce(sum(sign) FILTER (WHERE file_exists), 0) AS files,
                   coalesce(sum(sign) FILTER (WHERE crdt_snapshot_is_folder(file_exists, content_hash)), 0) AS folders,
                   coalesce(sum(sign) FILTER (WHERE has_conflict), 0) AS conflicts
            FROM (%s) changed GROUP BY space_id
        ) sums
        WHERE (entities, files, folders, conflicts) <> (0, 0, 0, 0)
        RETURNING id, space_id$sql$, changed)
    LOOP
        IF delta.id % 256 = 0 THEN
            PERFORM crdt_snapshot_counts_fold(delta.space_id);
        END IF;
    END LOOP;
    RETURN NULL;
END
$$;

-- One trigger per event: a trigger with transition tables fires for one kind of event only.
CREATE TRIGGER crdt_snapshot_counts_on_insert AFTER INSERT ON crdt_snapshots
    REFERENCING NEW TABLE AS counted_new
    FOR EACH STATEMENT EXECUTE FUNCTION crdt_snapshot_counts_track();
CREATE TRIGGER crdt_snapshot_counts_on_update AFTER UPDATE ON crdt_snapshots
    REFERENCING OLD TABLE AS counted_old NEW TABLE AS counted_new
    FOR EACH STATEMENT EXECUTE FUNCTION crdt_snapshot_counts_track();
CREATE TRIGGER crdt_snapshot_counts_on_delete AFTER DELETE ON crdt_snapshots
    REFERENCING OLD TABLE AS counted_old
    FOR EACH STATEMENT EXECUTE FUNCTION crdt_snapshot_counts_track();

-- What the store holds now, as the first delta of each space.
INSERT INTO crdt_snapshot_counts (space_id, entities, files, folders, conflicts)
SELECT space_id, count(*), count(*) FILTER (WHERE file_exists),
       count(*) FILTER (WHERE crdt_snapshot_is_folder(file_exists, content_hash)),
       count(*) FILTER (WHERE has_conflict)
FROM crdt_snapshots GROUP BY space_id;
