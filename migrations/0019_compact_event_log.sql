-- Event-log compaction (issue 14 point 5: nothing grows forever). Versions superseded longer ago
-- than the history window are folded into a per-entity base state and their events deleted
-- (store/compaction.ts). A snapshot is then the merge of its entity's base and the fold of the
-- events left, which is what a rebuild computes.
--
-- crdt_compacted: one row per entity that lost events to compaction; `state` is the merge of
-- every pruned event of the entity (the snapshot codec's packed form, like crdt_snapshots.state),
-- and, on a store that caught up from a peer's snapshots, the states it merged.
CREATE TABLE crdt_compacted (
    space_id TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    state JSONB NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (space_id, entity_id)
);

-- Per origin, the highest seq of an event this store no longer holds (deleted by compaction, or
-- never received because the store caught up from a peer's snapshots instead). A peer whose
-- frontier for that origin is below it cannot get a gap-free run of events from this store any
-- more: it catches up from the snapshots first (syncEngine.ts).
ALTER TABLE crdt_origins ADD COLUMN compacted_seq BIGINT NOT NULL DEFAULT 0;
