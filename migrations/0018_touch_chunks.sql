-- When a hub last knew a chunk to be wanted (issue 14 point 5: nothing kept forever): set when
-- the chunk is stored, and again when a device asks whether the hub has it (at most once an
-- hour), which a device does right before it pushes the events that reference it. The hub's
-- chunk collection deletes a chunk only when no event references it and it has not been
-- wanted for the retention window, so a chunk a push is about to reference is never collected.
-- The default is evaluated once, here: chunks stored before start their window now.
ALTER TABLE crdt_chunks ADD COLUMN touched_at TIMESTAMPTZ NOT NULL DEFAULT now();
