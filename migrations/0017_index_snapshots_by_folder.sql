-- A folder's children, found and counted without reading the rest of the folder tree (issue 14
-- point 4: the files screen navigates folders at a million files).
--
-- The folder an entity sits in: the path up to its last '/', '' for the top of the folder. Written
-- with reverse() rather than a regular expression because every snapshot insert evaluates it for
-- the index below. Characters, not bytes, on every side (length, strpos and left count characters).
CREATE FUNCTION crdt_parent_folder(entity_id TEXT) RETURNS TEXT
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN strpos(entity_id, '/') = 0 THEN ''
                ELSE left(entity_id, length(entity_id) - strpos(reverse(entity_id), '/')) END
$$;

-- The existing entities of a folder as the files screen shows them: folders first (false sorts
-- before true), then in byte order of their paths (within one folder, the byte order of their
-- names). A page of children is one range of this index from the last row of the page before.
CREATE INDEX crdt_snapshots_existing_by_folder
    ON crdt_snapshots (space_id, crdt_parent_folder(entity_id),
                       (NOT crdt_snapshot_is_folder(file_exists, content_hash)), entity_id COLLATE "C")
    WHERE file_exists;

-- How many existing entities each folder holds, kept as deltas for the reason 0016 gives: one row
-- per statement, space and folder it touched; a reader sums a folder's rows. Every 256th delta
-- folds its space, rewriting only the folders that have more than one row, so a fold costs the
-- folders written since the last one, and a folder never has more than 257 rows to sum.
CREATE TABLE crdt_folder_counts (
    id BIGSERIAL PRIMARY KEY,
    space_id TEXT NOT NULL,
    folder TEXT NOT NULL,
    children BIGINT NOT NULL
);
CREATE INDEX crdt_folder_counts_folder ON crdt_folder_counts (space_id, folder COLLATE "C");

CREATE FUNCTION crdt_folder_counts_fold(space TEXT) RETURNS VOID
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF NOT pg_try_advisory_xact_lock(hashtext('crdt_folder_counts'), hashtext(space)) THEN
        RETURN;
    END IF;
    WITH crowded AS (
        SELECT folder FROM crdt_folder_counts WHERE space_id = space
        GROUP BY folder HAVING count(*) > 1
    ), gone AS (
        DELETE FROM crdt_folder_counts c USING crowded
        WHERE c.space_id = space AND c.folder = crowded.folder
        RETURNING c.folder, c.children
    )
    INSERT INTO crdt_folder_counts (space_id, folder, children)
    SELECT space, folder, sum(children) FROM gone GROUP BY folder HAVING sum(children) <> 0;
END
$$;

-- +1 for each existing row a statement inserted (or a row's state after an update), -1 for each
-- existing row it deleted (or a row's state before). SECURITY DEFINER for the reason 0016 gives.
CREATE FUNCTION crdt_folder_counts_track() RETURNS TRIGGER
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    changed TEXT := CASE TG_OP
        WHEN 'INSERT' THEN
            'SELECT space_id, entity_id, 1 AS sign FROM folder_new WHERE file_exists'
        WHEN 'DELETE' THEN
            'SELECT space_id, entity_id, -1 AS sign FROM folder_old WHERE file_exists'
        ELSE
            'SELECT space_id, entity_id, 1 AS sign FROM folder_new WHERE file_exists
             UNION ALL
             SELECT space_id, entity_id, -1 AS sign FROM folder_old WHERE file_exists'
    END;
    delta RECORD;
BEGIN
    FOR delta IN EXECUTE format($sql$
        INSERT INTO crdt_folder_counts (space_id, folder, children)
        SELECT space_id, folder, children FROM (
            SELECT space_id, crdt_parent_folder(entity_id) AS folder, sum(sign) AS children
            FROM (%s) changed GROUP BY 1, 2
        ) sums
        WHERE children <> 0
        RETURNING id, space_id$sql$, changed)
    LOOP
        IF delta.id % 256 = 0 THEN
            PERFORM crdt_folder_counts_fold(delta.space_id);
        END IF;
    END LOOP;
    RETURN NULL;
END
$$;

CREATE TRIGGER crdt_folder_counts_on_insert AFTER INSERT ON crdt_snapshots
    REFERENCING NEW TABLE AS folder_new
    FOR EACH STATEMENT EXECUTE FUNCTION crdt_folder_counts_track();
CREATE TRIGGER crdt_folder_counts_on_update AFTER UPDATE ON crdt_snapshots
    REFERENCING OLD TABLE AS folder_old NEW TABLE AS folder_new
    FOR EACH STATEMENT EXECUTE FUNCTION crdt_folder_counts_track();
CREATE TRIGGER crdt_folder_counts_on_delete AFTER DELETE ON crdt_snapshots
    REFERENCING OLD TABLE AS folder_old
    FOR EACH STATEMENT EXECUTE FUNCTION crdt_folder_counts_track();

-- What the store holds now, one row per folder.
INSERT INTO crdt_folder_counts (space_id, folder, children)
SELECT space_id, crdt_parent_folder(entity_id), count(*)
FROM crdt_snapshots WHERE file_exists GROUP BY 1, 2;
