-- What the peer held after a sync run, by origin (its frontier as this run last read it), or
-- NULL when the run never read it (it failed first, or only pulled). A device that starts while
-- its hub is out of reach counts what the hub still lacks from the newest known frontier
-- instead of counting every event it holds as unsent.
ALTER TABLE crdt_sync_log ADD COLUMN peer_frontier JSONB;
