import { FileEntity, type FileEntityJson } from '../../../src-shared/crdt/fileEntity.js';
import type { CrdtEvent } from '../../../src-shared/events/event.js';
import type { EventKind } from '../../../src-shared/events/eventTypes.js';
import { toStoredType } from '../../../src-shared/events/eventTypes.js';
import * as q from './eventQueries.js';
import { eventToRow, trustedRowToEvent, type EventRow } from './eventRows.js';
import { migrate } from './migrate.js';
import type { SqlClient, SqlExecutor, Unlisten } from './sqlClient.js';
import { readSnapshotCounts, type SnapshotCounts } from './snapshotCounts.js';
import { compactEventLog, type CompactionOptions, type CompactionReport } from './compaction.js';
import { decodeSnapshotState, type StoredSnapshotState } from './snapshotCodec.js';
import {
  allBases,
  entityOf,
  mergeIntoBases,
  readBases,
  snapshotRow,
  writeSnapshots,
  type SnapshotStateRow,
} from './snapshotRows.js';

/** The channel a store NOTIFYs on when it appended events; the payload is the space id. */
export const EVENTS_CHANNEL = 'netguardian_events';

/** Per origin device: the highest seq held with no gap below it. */
export type Frontier = Readonly<Record<string, number>>;

export interface EntityChange {
  readonly entityId: string;
  readonly before: FileEntity | undefined;
  readonly after: FileEntity;
}

export interface AppendResult {
  /** Events that were new to this store, in the order given. */
  readonly inserted: readonly CrdtEvent[];
  /** Events the store already held (same event_id): appending them was a no-op. */
  readonly duplicates: readonly CrdtEvent[];
  /** Events whose (origin, seq) is taken by a different event: a broken origin, never applied. */
  readonly seqConflicts: readonly CrdtEvent[];
  readonly changes: readonly EntityChange[];
}

/**
 * A snapshot as read for a write: the entity (undefined: no snapshot, the entity has no event)
 * and the row version it was read at (null: no row).
 */
export interface VersionedSnapshot {
  readonly entity: FileEntity | undefined;
  readonly version: string | null;
}

export type LocalAppendResult =
  /** The event, its snapshot and its origin's frontier were written in one transaction. */
  | { readonly status: 'applied'; readonly change: EntityChange; readonly version: string }
  /** The snapshot is no longer the one given (another writer changed it): nothing was written. */
  | { readonly status: 'stale' }
  /** The event's id is known, or its (origin, seq) is taken: nothing was written. */
  | { readonly status: 'duplicate' | 'seqConflict' };

export interface EventPage {
  readonly events: readonly CrdtEvent[];
  /** Local id of the last event, to continue from. */
  readonly lastId: number;
}

export type { SnapshotCounts } from './snapshotCounts.js';

const parseRows = (rows: { rows: string }[]): EventRow[] =>
  JSON.parse(rows[0]?.rows ?? '[]') as EventRow[];

/**
 * The append-only event log and its snapshots, over any `SqlClient`. One class
 * for device stores and the hub: sync is the exchange of events between two
 * EventStores.
 *
 * Invariants: an event is stored at most once (by event_id, and by origin+seq);
 * snapshots, the frontier and the log change in the same transaction; a
 * snapshot always equals the fold of its entity's events onto its base (the
 * merged state of the events compaction deleted, if any).
 */
export class EventStore {
  readonly client: SqlClient;

  private constructor(client: SqlClient) {
    this.client = client;
  }

  /** Opens a store, applying any pending migrations first. */
  static async open(client: SqlClient, options: { migrate?: boolean } = {}): Promise<EventStore> {
    if (options.migrate !== false) await migrate(client);
    return new EventStore(client);
  }

  get description(): string {
    return this.client.description;
  }

  /**
   * Appends a batch (all of one space) in one transaction: new events are
   * inserted, known ones ignored, and the touched snapshots and the frontier
   * updated. Listeners on `EVENTS_CHANNEL` are notified at commit.
   */
  async append(events: readonly CrdtEvent[]): Promise<AppendResult> {
    if (events.length === 0) return { inserted: [], duplicates: [], seqConflicts: [], changes: [] };
    const spaceId = (events[0] as CrdtEvent).spaceId;
    for (const e of events) {
      if (e.spaceId !== spaceId)
        throw new Error(`append batch mixes spaces ${spaceId} and ${e.spaceId}`);
    }
    return this.client.transaction(async (tx) => {
      await tx.query(q.LOCK_SPACE, [spaceId], { name: 'ng_lock_space' });
      const [step] = await tx.query<{ inserted: string; unadvanced: string; states: string }>(
        q.INSERT_EVENTS,
        [spaceId, JSON.stringify(events.map(eventToRow)), EVENTS_CHANNEL],
        { name: 'ng_insert_events' },
      );
      if (!step) throw new Error('INSERT_EVENTS returned no row');
      const insertedIds = new Set(JSON.parse(step.inserted) as string[]);
      const inserted: CrdtEvent[] = [];
      const rejected: CrdtEvent[] = [];
      const seenInBatch = new Set<string>();
      for (const e of events) {
        if (insertedIds.has(e.eventId) && !seenInBatch.has(e.eventId)) inserted.push(e);
        else rejected.push(e);
        seenInBatch.add(e.eventId);
      }
      const { duplicates, seqConflicts } = await classifyRejected(
        tx,
        spaceId,
        rejected,
        insertedIds,
      );
      if (inserted.length === 0) return { inserted, duplicates, seqConflicts, changes: [] };
      const before = new Map<string, FileEntity>();
      for (const r of JSON.parse(step.states) as SnapshotStateRow[])
        before.set(r.entity_id, entityOf(r));
      const changes = await applyToSnapshots(tx, spaceId, inserted, before);
      const unadvanced = JSON.parse(step.unadvanced) as string[];
      if (unadvanced.length > 0)
        await tx.query(q.ADVANCE_ORIGINS, [spaceId, JSON.stringify(unadvanced)]);
      return { inserted, duplicates, seqConflicts, changes };
    });
  }

  /**
   * The single-writer fast path for one event this device just made (validated by the caller):
   * the event, the entity's new snapshot (`base` with the event applied) and its origin's
   * frontier in ONE statement, so in one implicit transaction with no BEGIN/COMMIT round trips.
   * Guarded instead of locked: it applies only if the snapshot row is still at `base.version`
   * (or still absent when that is null), so a concurrent writer of the entity (a peer pushing
   * into this store, a rebuild) makes it `stale` and the caller re-reads. Hubs and batches use
   * `append`.
   */
  async appendLocal(event: CrdtEvent, base: VersionedSnapshot): Promise<LocalAppendResult> {
    const before = base.entity;
    const after = (before ?? FileEntity.empty(event.entityId)).apply(event);
    const w = eventToRow(event);
    const snap = snapshotRow(after);
    const params: unknown[] = [
      w.event_id,
      w.space_id,
      w.entity_id,
      w.event_type,
      JSON.stringify(w.data),
      w.timestamp,
      w.hlc,
      w.node_id,
      w.seq,
      JSON.stringify(w.vector_clock),
      JSON.stringify(snap.state),
      JSON.stringify(snap.vector_clock),
      snap.file_exists,
      snap.has_conflict,
      snap.content_hash,
      snap.size,
      snap.last_hlc,
      snap.last_node_id,
      EVENTS_CHANNEL,
    ];
    let rows: { version: string | null }[];
    try {
      rows =
        base.version === null
          ? await this.client.query(q.APPEND_LOCAL_NEW, params, { name: 'ng_append_local_new' })
          : await this.client.query(q.APPEND_LOCAL_UPDATE, [...params, base.version], {
              name: 'ng_append_local_update',
            });
    } catch (e) {
      if (!(e instanceof Error && e.message.includes(q.LOCAL_EVENT_UNDONE))) throw e;
      const known = await this.client.query(q.SELECT_KNOWN_EVENT_IDS, [
        event.spaceId,
        JSON.stringify([event.eventId]),
      ]);
      return { status: known.length > 0 ? 'duplicate' : 'seqConflict' };
    }
    const version = rows[0]?.version ?? null;
    if (version === null) return { status: 'stale' };
    return { status: 'applied', change: { entityId: event.entityId, before, after }, version };
  }

  async getFrontier(spaceId: string): Promise<Frontier> {
    const rows = await this.client.query<{ node_id: string; contiguous_seq: string | number }>(
      q.SELECT_FRONTIER,
      [spaceId],
      { name: 'ng_frontier' },
    );
    return Object.fromEntries(rows.map((r) => [r.node_id, Number(r.contiguous_seq)]));
  }

  /**
   * Raw rows above a peer's frontier, in (origin, seq) order, at most `limit`.
   * Rows are returned unvalidated: the receiving side validates what it takes in.
   */
  async readAboveFrontier(spaceId: string, frontier: Frontier, limit: number): Promise<EventRow[]> {
    return parseRows(
      await this.client.query(
        q.SELECT_EVENTS_ABOVE_FRONTIER,
        [spaceId, JSON.stringify(frontier), limit],
        { name: 'ng_events_above_frontier' },
      ),
    );
  }

  /**
   * `readAboveFrontier`'s rows, each as its JSON text (the hub streams them on without parsing
   * and serializing them again).
   */
  async readAboveFrontierJson(
    spaceId: string,
    frontier: Frontier,
    limit: number,
  ): Promise<string[]> {
    const rows = await this.client.query<{ row: string }>(
      q.SELECT_EVENTS_ABOVE_FRONTIER_ROWS,
      [spaceId, JSON.stringify(frontier), limit],
      { name: 'ng_events_above_frontier_rows' },
    );
    return rows.map((r) => r.row);
  }

  /** `readOriginAbove`'s rows, each as its JSON text. */
  async readOriginAboveJson(
    spaceId: string,
    nodeId: string,
    afterSeq: number,
    limit: number,
  ): Promise<string[]> {
    const rows = await this.client.query<{ row: string }>(q.SELECT_ORIGIN_EVENTS_ABOVE_ROWS, [
      spaceId,
      nodeId,
      afterSeq,
      limit,
    ]);
    return rows.map((r) => r.row);
  }

  /** How many events of one origin this store holds above `afterSeq`. */
  async countOriginAbove(spaceId: string, nodeId: string, afterSeq: number): Promise<number> {
    const rows = await this.client.query<{ n: number }>(q.COUNT_ORIGIN_EVENTS_ABOVE, [
      spaceId,
      nodeId,
      afterSeq,
    ]);
    return Number(rows[0]?.n ?? 0);
  }

  /** The id of the event one origin numbered `seq`, if this store holds it. */
  async eventIdAt(spaceId: string, nodeId: string, seq: number): Promise<string | undefined> {
    const rows = await this.client.query<{ event_id: string }>(q.SELECT_ORIGIN_EVENT_ID, [
      spaceId,
      nodeId,
      seq,
    ]);
    return rows[0]?.event_id;
  }

  /**
   * Removes one origin's events above `afterSeq`, refolds the snapshots they touched from the
   * events left, and lowers the origin's frontier, in one transaction; returns the entities
   * touched. The log is append-only but for this one case: a device's own events that never
   * left it, under seqs its hub holds other events for (its store was restored from a backup
   * while the hub was out of reach; see device/ownEvents.ts). Nothing else may call it.
   */
  async truncateOrigin(spaceId: string, nodeId: string, afterSeq: number): Promise<string[]> {
    return this.client.transaction(async (tx) => {
      await tx.query(q.LOCK_SPACE, [spaceId], { name: 'ng_lock_space' });
      const touched = [
        ...new Set(
          (
            await tx.query<{ entity_id: string }>(q.DELETE_ORIGIN_EVENTS_ABOVE, [
              spaceId,
              nodeId,
              afterSeq,
            ])
          ).map((r) => r.entity_id),
        ),
      ];
      const refolded: FileEntity[] = [];
      for (const entityId of touched) {
        const rows = JSON.parse(
          (await tx.query<{ rows: string }>(q.SELECT_ENTITY_EVENTS_TO_FOLD, [spaceId, entityId]))[0]
            ?.rows ?? '[]',
        ) as Omit<EventRow, 'space_id' | 'entity_id'>[];
        const base = (await readBases(tx, spaceId, [entityId])).get(entityId);
        if (rows.length === 0 && !base) await tx.query(q.DELETE_SNAPSHOT, [spaceId, entityId]);
        else refolded.push(foldOnto(base ?? FileEntity.empty(entityId), spaceId, rows));
      }
      await writeSnapshots(tx, spaceId, refolded);
      await tx.query(q.LOWER_ORIGIN, [spaceId, nodeId, afterSeq]);
      return touched;
    });
  }

  /** Raw rows of one origin with seq above `afterSeq`, in seq order, at most `limit`. */
  async readOriginAbove(
    spaceId: string,
    nodeId: string,
    afterSeq: number,
    limit: number,
  ): Promise<EventRow[]> {
    return parseRows(
      await this.client.query(q.SELECT_ORIGIN_EVENTS_ABOVE, [spaceId, nodeId, afterSeq, limit]),
    );
  }

  async countAboveFrontier(spaceId: string, frontier: Frontier): Promise<number> {
    const rows = await this.client.query<{ pending: number }>(q.COUNT_EVENTS_ABOVE_FRONTIER, [
      spaceId,
      JSON.stringify(frontier),
    ]);
    return Number(rows[0]?.pending ?? 0);
  }

  async maxSeq(spaceId: string, nodeId: string): Promise<number> {
    const rows = await this.client.query<{ max_seq: number }>(q.SELECT_MAX_SEQ, [spaceId, nodeId]);
    return Number(rows[0]?.max_seq ?? 0);
  }

  /** The newest HLC of every origin in the space. */
  async originHeadHlcs(spaceId: string): Promise<string[]> {
    return (await this.client.query<{ hlc: string }>(q.SELECT_ORIGIN_HEAD_HLCS, [spaceId])).map(
      (r) => r.hlc,
    );
  }

  /** The event `eventId` of `spaceId` (of any space without it: a read of the whole log). */
  async getEvent(eventId: string, spaceId?: string): Promise<CrdtEvent | undefined> {
    const rows = await this.client.query<EventRow & { timestamp: Date | string }>(
      q.SELECT_EVENT_BY_ID,
      [eventId, spaceId ?? null],
    );
    const row = rows[0];
    if (!row) return undefined;
    return trustedRowToEvent({ ...row, timestamp: new Date(row.timestamp).toISOString() });
  }

  /** Every event of an entity, in local ingestion order. */
  async eventsForEntity(spaceId: string, entityId: string): Promise<CrdtEvent[]> {
    return parseRows(
      await this.client.query(q.SELECT_EVENTS_BY_ENTITY, [spaceId, entityId], {
        name: 'ng_events_by_entity',
      }),
    ).map(trustedRowToEvent);
  }

  /**
   * An entity's state recomputed from its events (the log is the source of truth), onto the base
   * compaction left for it. A fold does not depend on the order of the events.
   */
  async foldEntity(spaceId: string, entityId: string): Promise<FileEntity> {
    const rows = JSON.parse(
      (
        await this.client.query<{ rows: string }>(
          q.SELECT_ENTITY_EVENTS_TO_FOLD,
          [spaceId, entityId],
          { name: 'ng_entity_events_to_fold' },
        )
      )[0]?.rows ?? '[]',
    ) as Omit<EventRow, 'space_id' | 'entity_id'>[];
    const base = (await readBases(this.client, spaceId, [entityId])).get(entityId);
    return foldOnto(base ?? FileEntity.empty(entityId), spaceId, rows);
  }

  async eventsByType(
    spaceId: string,
    kind: EventKind,
    options: { afterId?: number; limit?: number } = {},
  ): Promise<EventPage> {
    const rows = parseRows(
      await this.client.query(q.SELECT_EVENTS_BY_TYPE, [
        spaceId,
        toStoredType(kind),
        options.afterId ?? 0,
        options.limit ?? 1000,
      ]),
    );
    return toPage(rows, options.afterId ?? 0);
  }

  /** Events whose wall-clock timestamp is in [from, to). */
  async eventsInTimeRange(
    spaceId: string,
    from: Date,
    to: Date,
    limit = 10_000,
  ): Promise<CrdtEvent[]> {
    const rows = await this.client.query<{ rows: string }>(q.SELECT_EVENTS_IN_TIME_RANGE, [
      spaceId,
      from.toISOString(),
      to.toISOString(),
      limit,
    ]);
    return parseRows(rows).map(trustedRowToEvent);
  }

  /** Events this store took in after `since` (local ingestion order, not event time). */
  async eventsIngestedSince(
    spaceId: string,
    since: Date,
    options: { afterId?: number; limit?: number } = {},
  ): Promise<EventPage> {
    const rows = parseRows(
      await this.client.query(q.SELECT_EVENTS_INGESTED_SINCE, [
        spaceId,
        since.toISOString(),
        options.afterId ?? 0,
        options.limit ?? 10_000,
      ]),
    );
    return toPage(rows, options.afterId ?? 0);
  }

  async *allEvents(spaceId: string, pageSize = 20_000): AsyncGenerator<CrdtEvent[]> {
    yield* eventPages(this.client, spaceId, pageSize);
  }

  /** Snapshots of several entities in one query (absent ones are missing from the map). */
  async getSnapshots(
    spaceId: string,
    entityIds: readonly string[],
  ): Promise<Map<string, FileEntity>> {
    const out = new Map<string, FileEntity>();
    const BATCH = 10_000;
    for (let i = 0; i < entityIds.length; i += BATCH) {
      const rows = await this.client.query<{ rows: string }>(q.SELECT_SNAPSHOTS_BY_IDS, [
        spaceId,
        JSON.stringify(entityIds.slice(i, i + BATCH)),
      ]);
      for (const r of JSON.parse(rows[0]?.rows ?? '[]') as SnapshotStateRow[])
        out.set(r.entity_id, entityOf(r));
    }
    return out;
  }

  /**
   * The paths among `paths` under which the space has an existing entity (`p/…`): where a
   * folder holds something in the store, whatever kind `p` itself has (`displacedFiles.ts`).
   */
  async pathsHoldingEntities(spaceId: string, paths: readonly string[]): Promise<Set<string>> {
    const out = new Set<string>();
    const BATCH = 1_000;
    for (let i = 0; i < paths.length; i += BATCH) {
      const rows = await this.client.query<{ rows: string }>(q.SELECT_PATHS_HOLDING_ENTITIES, [
        spaceId,
        JSON.stringify(paths.slice(i, i + BATCH)),
      ]);
      for (const p of JSON.parse(rows[0]?.rows ?? '[]') as string[]) out.add(p);
    }
    return out;
  }

  async getSnapshot(spaceId: string, entityId: string): Promise<FileEntity | undefined> {
    const rows = await this.client.query<{ state: StoredSnapshotState }>(
      q.SELECT_SNAPSHOT,
      [spaceId, entityId],
      { name: 'ng_snapshot' },
    );
    const row = rows[0];
    return row ? entityOf({ entity_id: entityId, state: row.state }) : undefined;
  }

  /** A snapshot with the row version a guarded write (`appendLocal`) checks. */
  async getSnapshotVersioned(spaceId: string, entityId: string): Promise<VersionedSnapshot> {
    const rows = await this.client.query<{ state: StoredSnapshotState; version: string }>(
      q.SELECT_SNAPSHOT_VERSIONED,
      [spaceId, entityId],
      { name: 'ng_snapshot_versioned' },
    );
    const row = rows[0];
    return row
      ? { entity: entityOf({ entity_id: entityId, state: row.state }), version: row.version }
      : { entity: undefined, version: null };
  }

  /** Snapshots in path order (code-unit order), paged by the last entity id seen. */
  async listSnapshots(
    spaceId: string,
    options: { after?: string; limit?: number; conflictsOnly?: boolean } = {},
  ): Promise<FileEntity[]> {
    const rows = await this.client.query<{ rows: string }>(q.SELECT_SNAPSHOTS_PAGE, [
      spaceId,
      options.after ?? '',
      options.conflictsOnly ?? false,
      options.limit ?? 1000,
    ]);
    const parsed = JSON.parse(rows[0]?.rows ?? '[]') as SnapshotStateRow[];
    return parsed.map(entityOf);
  }

  async countSnapshots(spaceId: string): Promise<SnapshotCounts> {
    return readSnapshotCounts(this.client, spaceId);
  }

  async countEvents(spaceId: string): Promise<number> {
    const rows = await this.client.query<{ n: number }>(q.COUNT_EVENTS, [spaceId]);
    return Number(rows[0]?.n ?? 0);
  }

  /**
   * Recomputes every snapshot of a space from the log (and compaction's bases), in one
   * transaction, and returns the rebuilt entities. The log is the source of
   * truth; this is how a damaged or outdated snapshot table is repaired.
   */
  async rebuildSnapshots(spaceId: string): Promise<Map<string, FileEntity>> {
    // The log is read under the space lock, in the transaction that writes the snapshots, so an
    // append cannot slip in between the fold and the write (its snapshot would be lost).
    return this.client.transaction(async (tx) => {
      await tx.query(q.LOCK_SPACE, [spaceId], { name: 'ng_lock_space' });
      // Compaction's bases first: a snapshot is its base merged with the fold of the events left.
      const entities = new Map<string, FileEntity>();
      for await (const page of allBases(tx, spaceId))
        for (const b of page) entities.set(b.entityId, b);
      for await (const page of eventPages(tx, spaceId, 20_000)) {
        for (const e of page)
          entities.set(
            e.entityId,
            (entities.get(e.entityId) ?? FileEntity.empty(e.entityId)).apply(e),
          );
      }
      await tx.query(q.DELETE_SNAPSHOTS_EXCEPT, [spaceId, JSON.stringify([...entities.keys()])], {
        name: 'ng_delete_snapshots_except',
      });
      await writeSnapshots(tx, spaceId, [...entities.values()], q.REWRITE_SNAPSHOTS);
      return entities;
    });
  }

  /**
   * Compacts the space's event log (`compaction.ts`): versions superseded before
   * `options.cutoffMs` are folded into their entity's base and their events deleted.
   */
  async compact(spaceId: string, options: CompactionOptions): Promise<CompactionReport> {
    return compactEventLog(this.client, spaceId, options);
  }

  /**
   * Per origin, the highest seq this store no longer holds as an event (compacted, or taken in
   * as a peer's snapshot): a peer whose frontier is below it catches up from the snapshots.
   */
  async compactedThrough(spaceId: string): Promise<Frontier> {
    const rows = await this.client.query<{ node_id: string; compacted_seq: string | number }>(
      q.SELECT_COMPACTED,
      [spaceId],
    );
    return Object.fromEntries(rows.map((r) => [r.node_id, Number(r.compacted_seq)]));
  }

  /**
   * A page of the space's entity states in entity id order, after `afterEntityId` (''
   * for the first page), in the snapshot's plain form: what a peer catching up merges.
   */
  async readSnapshotStates(
    spaceId: string,
    afterEntityId: string,
    limit: number,
  ): Promise<FileEntityJson[]> {
    const [row] = await this.client.query<{ rows: string }>(q.SELECT_SNAPSHOT_STATES_PAGE, [
      spaceId,
      afterEntityId,
      limit,
    ]);
    return (JSON.parse(row?.rows ?? '[]') as SnapshotStateRow[]).map((r) =>
      decodeSnapshotState(r.state, r.entity_id),
    );
  }

  /**
   * Merges a peer's entity states (validated by the caller) into this store's snapshots and
   * into their bases, in one transaction under the space lock; with `raiseTo` (the peer's
   * frontier, read before its first state), every origin's frontier is raised to it as well:
   * the states hold every event up to there, so they need not come as events. Events of an
   * origin held above the raised frontier then count towards it again. Returns what changed.
   */
  async mergeSnapshots(
    spaceId: string,
    states: readonly FileEntity[],
    raiseTo?: Frontier,
  ): Promise<EntityChange[]> {
    return this.client.transaction(async (tx) => {
      await tx.query(q.LOCK_SPACE, [spaceId], { name: 'ng_lock_space' });
      const changes: EntityChange[] = [];
      if (states.length > 0) {
        const [row] = await tx.query<{ rows: string }>(q.SELECT_SNAPSHOTS_BY_IDS, [
          spaceId,
          JSON.stringify(states.map((s) => s.entityId)),
        ]);
        const held = new Map(
          (JSON.parse(row?.rows ?? '[]') as SnapshotStateRow[]).map((r) => [
            r.entity_id,
            entityOf(r),
          ]),
        );
        for (const state of states) {
          const before = held.get(state.entityId);
          const after = before ? before.merge(state) : state;
          if (!before || !after.equals(before))
            changes.push({ entityId: state.entityId, before, after });
        }
        await writeSnapshots(
          tx,
          spaceId,
          changes.map((c) => c.after),
        );
        await mergeIntoBases(tx, spaceId, states);
      }
      if (raiseTo && Object.keys(raiseTo).length > 0) {
        await tx.query(q.RAISE_ORIGINS, [spaceId, JSON.stringify(raiseTo)]);
        await tx.query(q.ADVANCE_ORIGINS, [spaceId, JSON.stringify(Object.keys(raiseTo))]);
      }
      return changes;
    });
  }

  /**
   * Calls `onEvents(spaceId)` whenever any writer appends to this store; `onLost` once if the
   * listening connection dies (see `SqlClient.listen`).
   */
  async listen(
    onEvents: (spaceId: string) => void,
    onLost?: (error: Error) => void,
  ): Promise<Unlisten> {
    return this.client.listen(EVENTS_CHANNEL, onEvents, onLost);
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

/** `base` with an entity's stored events (rows without space and entity) applied. */
function foldOnto(
  base: FileEntity,
  spaceId: string,
  rows: readonly Omit<EventRow, 'space_id' | 'entity_id'>[],
): FileEntity {
  let entity = base;
  for (const r of rows)
    entity = entity.apply(trustedRowToEvent({ ...r, space_id: spaceId, entity_id: base.entityId }));
  return entity;
}

function toPage(rows: EventRow[], afterId: number): EventPage {
  return {
    events: rows.map(trustedRowToEvent),
    lastId: rows.length > 0 ? Number(rows[rows.length - 1]?.id) : afterId,
  };
}

/** Tells apart a re-sent event (no-op) from a different event reusing an origin's seq (a broken origin). */
async function classifyRejected(
  tx: SqlExecutor,
  spaceId: string,
  rejected: readonly CrdtEvent[],
  insertedIds: ReadonlySet<string>,
): Promise<{ duplicates: CrdtEvent[]; seqConflicts: CrdtEvent[] }> {
  if (rejected.length === 0) return { duplicates: [], seqConflicts: [] };
  const known = new Set(
    (
      await tx.query<{ event_id: string }>(q.SELECT_KNOWN_EVENT_IDS, [
        spaceId,
        JSON.stringify(rejected.map((e) => e.eventId)),
      ])
    ).map((r) => r.event_id),
  );
  const duplicates: CrdtEvent[] = [];
  const seqConflicts: CrdtEvent[] = [];
  for (const e of rejected) {
    if (known.has(e.eventId) || insertedIds.has(e.eventId)) duplicates.push(e);
    else seqConflicts.push(e);
  }
  return { duplicates, seqConflicts };
}

/** Folds `events` into their entities' snapshots (`before`: the stored ones) and writes them. */
async function applyToSnapshots(
  tx: SqlExecutor,
  spaceId: string,
  events: readonly CrdtEvent[],
  before: ReadonlyMap<string, FileEntity>,
): Promise<EntityChange[]> {
  const after = new Map<string, FileEntity>();
  for (const e of events) {
    const current = after.get(e.entityId) ?? before.get(e.entityId) ?? FileEntity.empty(e.entityId);
    after.set(e.entityId, current.apply(e));
  }
  await writeSnapshots(tx, spaceId, [...after.values()]);
  return [...after.values()].map((entity) => ({
    entityId: entity.entityId,
    before: before.get(entity.entityId),
    after: entity,
  }));
}

/** All events of a space in local ingestion order, a page at a time. */
async function* eventPages(
  x: SqlExecutor,
  spaceId: string,
  pageSize: number,
): AsyncGenerator<CrdtEvent[]> {
  let afterId = 0;
  for (;;) {
    const rows = parseRows(
      await x.query(q.SELECT_EVENTS_PAGE, [spaceId, afterId, pageSize], {
        name: 'ng_events_page',
      }),
    );
    if (rows.length === 0) return;
    afterId = Number(rows[rows.length - 1]?.id);
    yield rows.map(trustedRowToEvent);
    if (rows.length < pageSize) return;
  }
}
