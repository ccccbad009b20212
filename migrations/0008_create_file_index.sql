-- The device's file index (DESIGN.md §5), on devices only: per space and path,
-- what this device last saw on disk or wrote there itself. The scanner hashes
-- only files whose lstat (size, mtime, inode, mode) differs from their row, and
-- the materializer records its own writes here, so they never echo back as
-- local events. `version_clock` is the version vector of the version the file
-- on disk came from: a local change is recorded on that basis, so it stays
-- concurrent with (a conflict sibling of) remote versions not yet on disk.
CREATE TABLE fs_index (
    space_id TEXT NOT NULL,
    -- Byte order, so a folder's entries are one index range (path > 'a/' AND path < 'a0').
    path TEXT COLLATE "C" NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('file', 'dir')),
    size BIGINT NOT NULL DEFAULT 0 CHECK (size >= 0),
    mtime_ms DOUBLE PRECISION NOT NULL DEFAULT 0,
    ino TEXT NOT NULL DEFAULT '',
    mode INTEGER NOT NULL DEFAULT 0,
    hash TEXT,
    chunks JSONB,
    version_clock JSONB,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (space_id, path)
);

-- Local chunk reuse, so a renamed, copied or edited file is assembled from disk
-- instead of downloaded: files by whole content (a file smaller than the
-- minimum chunk size is one chunk with the file's hash), and by any chunk they
-- hold (`chunks @> '[{"hash": ...}]'`).
CREATE INDEX fs_index_hash ON fs_index (space_id, hash);
CREATE INDEX fs_index_chunks ON fs_index USING gin (chunks jsonb_path_ops);
