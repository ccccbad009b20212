-- A hub's chunk bytes may live in S3-compatible object storage (issue 17): the row stays here as
-- the chunk's index entry (space, hash, size, touched_at: presence, quota and the collection all
-- read it), and `object_key` names the object that holds the bytes, `data` then being NULL. A
-- row holds its bytes in exactly one place, so a hub whose chunks are being moved to object
-- storage while devices sync reads each chunk from wherever its row says.
-- The key carries a generation (never reused): a chunk collected and then uploaded again gets a
-- new object, so deleting the collected chunk's object can never take the new one's bytes.
-- Devices never fill this table; the columns change nothing for them.
ALTER TABLE crdt_chunks ALTER COLUMN data DROP NOT NULL;
ALTER TABLE crdt_chunks ADD COLUMN object_key TEXT;
ALTER TABLE crdt_chunks ADD CONSTRAINT crdt_chunks_bytes_in_one_place
    CHECK ((data IS NULL) <> (object_key IS NULL));

-- Objects being written and not yet named by a row: recorded before the upload starts and
-- removed in the transaction whose row names the object (or once the object is deleted again).
-- A hub killed mid-upload leaves a record, never an object nobody knows of: the collection
-- deletes the objects of records older than any upload takes, then the records.
CREATE TABLE hub_chunk_uploads (
    space_id TEXT NOT NULL,
    object_key TEXT NOT NULL,
    started_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (space_id, object_key)
);
