import { FileEntity } from '../../../src-shared/crdt/fileEntity.js';
import * as q from './eventQueries.js';
import type { SqlExecutor } from './sqlClient.js';
import {
  decodeSnapshotState,
  encodeSnapshotState,
  type StoredSnapshotState,
} from './snapshotCodec.js';

/**
 * The rows that hold entity states: `crdt_snapshots` (the state of every entity, folded from its
 * events) and `crdt_compacted` (the merged state of the events compaction deleted, migration
 * 0019). A snapshot always equals its entity's base merged with the fold of the events left.
 */

export interface SnapshotStateRow {
  readonly entity_id: string;
  readonly state: StoredSnapshotState;
}

/** An entity from a stored state (`snapshotCodec.ts`: packed or as written before). */
export const entityOf = (row: SnapshotStateRow): FileEntity =>
  FileEntity.fromJSON(decodeSnapshotState(row.state, row.entity_id));

/** The columns of an entity's `crdt_snapshots` row (the queryable ones derived from its view). */
export function snapshotRow(entity: FileEntity) {
  const view = entity.get();
  return {
    entity_id: entity.entityId,
    state: encodeSnapshotState(entity.toJSON()),
    vector_clock: view.clock,
    file_exists: view.exists,
    has_conflict: view.conflicts.length > 0,
    content_hash: view.content?.hash ?? null,
    size: view.content?.size ?? null,
    last_hlc: view.lastChange?.hlc ?? null,
    last_node_id: view.lastChange?.nodeId ?? null,
  };
}

export async function writeSnapshots(
  tx: SqlExecutor,
  spaceId: string,
  entities: readonly FileEntity[],
  statement: string = q.UPSERT_SNAPSHOTS,
): Promise<void> {
  const BATCH = 5_000;
  for (let i = 0; i < entities.length; i += BATCH) {
    const rows = entities.slice(i, i + BATCH).map(snapshotRow);
    await tx.query(statement, [spaceId, JSON.stringify(rows)], {
      name: statement === q.UPSERT_SNAPSHOTS ? 'ng_upsert_snapshots' : 'ng_rewrite_snapshots',
    });
  }
}

const SELECT_BASES = `
SELECT coalesce(json_agg(json_build_object('entity_id', entity_id, 'state', state)), '[]')::text AS rows
FROM crdt_compacted
WHERE space_id = $1 AND entity_id = ANY(ARRAY(SELECT jsonb_array_elements_text($2::jsonb)))`;

const SELECT_ALL_BASES_PAGE = `
SELECT coalesce(json_agg(t ORDER BY t.entity_id), '[]')::text AS rows FROM (
  SELECT entity_id, state FROM crdt_compacted
  WHERE space_id = $1 AND entity_id > $2 ORDER BY entity_id LIMIT $3
) t`;

const UPSERT_BASES = `
INSERT INTO crdt_compacted AS c (space_id, entity_id, state)
SELECT $1, x.entity_id, x.state FROM jsonb_to_recordset($2::jsonb) AS x(entity_id text, state jsonb)
ON CONFLICT (space_id, entity_id) DO UPDATE SET state = excluded.state, updated_at = now()`;

/** The bases of `entityIds` that have one (entities compaction or a catch-up touched). */
export async function readBases(
  x: SqlExecutor,
  spaceId: string,
  entityIds: readonly string[],
): Promise<Map<string, FileEntity>> {
  if (entityIds.length === 0) return new Map();
  const [row] = await x.query<{ rows: string }>(
    SELECT_BASES,
    [spaceId, JSON.stringify(entityIds)],
    {
      name: 'ng_select_bases',
    },
  );
  const rows = JSON.parse(row?.rows ?? '[]') as SnapshotStateRow[];
  return new Map(rows.map((r) => [r.entity_id, entityOf(r)]));
}

/** Every base of a space, a page at a time (a rebuild starts from them). */
export async function* allBases(
  x: SqlExecutor,
  spaceId: string,
  pageSize = 5_000,
): AsyncGenerator<FileEntity[]> {
  let after = '';
  for (;;) {
    const [row] = await x.query<{ rows: string }>(SELECT_ALL_BASES_PAGE, [
      spaceId,
      after,
      pageSize,
    ]);
    const rows = JSON.parse(row?.rows ?? '[]') as SnapshotStateRow[];
    if (rows.length === 0) return;
    after = rows[rows.length - 1]?.entity_id ?? after;
    yield rows.map(entityOf);
    if (rows.length < pageSize) return;
  }
}

/** Merges `states` into their entities' bases (a join: what a base held is never lost). */
export async function mergeIntoBases(
  tx: SqlExecutor,
  spaceId: string,
  states: readonly FileEntity[],
): Promise<void> {
  if (states.length === 0) return;
  const held = await readBases(
    tx,
    spaceId,
    states.map((s) => s.entityId),
  );
  const rows = states.map((s) => {
    const merged = held.get(s.entityId)?.merge(s) ?? s;
    return { entity_id: s.entityId, state: encodeSnapshotState(merged.toJSON()) };
  });
  await tx.query(UPSERT_BASES, [spaceId, JSON.stringify(rows)], { name: 'ng_upsert_bases' });
}
