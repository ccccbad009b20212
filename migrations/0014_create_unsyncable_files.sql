-- The files this device cannot sync, and why (issue 12 point 5: nothing is skipped in silence).
-- On devices only, per space: `local` rows are what the scanner found in the folder and could not
-- record (a symlink, a FIFO, a file it cannot read, a name that is not a valid path, a file too
-- large to record); `remote` rows are what the materializer received and could not write here (a
-- name this file system refuses, or one that clashes with another file on a folder that does not
-- tell case or Unicode normalization apart). A table, not a list in memory: a folder may hold any
-- number of them, and the count must stay exact as they come and go. `run` is the scan or
-- materializer run that last saw the row: a run removes the rows of the paths it looked at that
-- it did not see again (the file is gone, or syncs now).
CREATE TABLE fs_unsyncable (
    space_id TEXT NOT NULL,
    side TEXT NOT NULL CHECK (side IN ('local', 'remote')),
    -- Byte order, so a folder's entries are one index range (path > 'a/' AND path < 'a0').
    path TEXT COLLATE "C" NOT NULL,
    reason TEXT NOT NULL,
    message TEXT NOT NULL,
    run TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (space_id, side, path)
);
