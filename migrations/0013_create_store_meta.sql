-- Facts about a store that are not rows of a space: for now, the format its snapshots were
-- folded in. A newer NetGuardian whose fold differs (issue 12: the winner by modification time,
-- the register's cap) rebuilds the snapshots from the log once and records the format here.
CREATE TABLE crdt_store_meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
