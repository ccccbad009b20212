import { FileEntity, type FileEntityJson } from '../../../src-shared/crdt/fileEntity.js';
import type { CrdtEvent } from '../../../src-shared/events/event.js';
import type { EventKind } from '../../../src-shared/events/eventTypes.js';
import { toStoredType } from '../../../src-shared/events/eventTypes.js';
import * as q from './eventQueries.js';
import { eventToRow, trustedRowToEvent, type EventRow } from './eventRows.js';
import { migrate } from './migrate.js';
import type { SqlClient, SqlExecutor, Unlisten } from './sqlClient.js';

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

export interface EventPage {
  readonly events: readonly CrdtEvent[];
  /** Local id of the last event, to continue from. */
  readonly lastId: number;
}

export interface SnapshotCounts {
  readonly entities: number;
  readonly files: number;
  readonly conflicts: number;
}

const parseRows = (rows: { rows: string }[]): EventRow[] =>
  JSON.parse(rows[0]?.rows ?? '[]') as EventRow[];

/**
 * The append-only event log and its snapshots, over any `SqlClient`. One class
 * for device stores and the hub: sync is the exchange of events between two
 * EventStores.
 *
 * Invariants: an event is stored at most once (by event_id, and by origin+seq);
 * snapshots, the frontier and the log change in the same transaction; a
 * snapshot always equals the fold of its entity's events.
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
      await tx.query(q.LOCK_SPACE, [spaceId]);
      const insertedIds = new Set(
        (
          await tx.query<{ event_id: string }>(q.INSERT_EVENTS, [
            JSON.stringify(events.map(eventToRow)),
          ])
        ).map((r) => r.event_id),
      );
      const inserted: CrdtEvent[] = [];
      const rejected: CrdtEvent[] = [];
      const seenInBatch = new Set<string>();
      for (const e of events) {
        if (insertedIds.has(e.eventId) && !seenInBatch.has(e.eventId)) inserted.push(e);
        else rejected.push(e);
        seenInBatch.add(e.eventId);
      }
      const { duplicates, seqConflicts } = await classifyRejected(tx, rejected, insertedIds);
      const changes = inserted.length > 0 ? await applyToSnapshots(tx, spaceId, inserted) : [];
      if (inserted.length > 0) {
        await advanceOrigins(tx, spaceId, inserted);
        await tx.query(q.NOTIFY_EVENTS, [EVENTS_CHANNEL, spaceId]);
      }
      return { inserted, duplicates, seqConflicts, changes };
    });
  }

  async getFrontier(spaceId: string): Promise<Frontier> {
    const rows = await this.client.query<{ node_id: string; contiguous_seq: string | number }>(
      q.SELECT_FRONTIER,
      [spaceId],
    );
    return Object.fromEntries(rows.map((r) => [r.node_id, Number(r.contiguous_seq)]));
  }

  /**
   * Raw rows above a peer's frontier, in (origin, seq) order, at most `limit`.
   * Rows are returned unvalidated: the receiving side validates what it takes in.
   */
  async readAboveFrontier(spaceId: string, frontier: Frontier, limit: number): Promise<EventRow[]> {
    return parseRows(
      await this.client.query(q.SELECT_EVENTS_ABOVE_FRONTIER, [
        spaceId,
        JSON.stringify(frontier),
        limit,
      ]),
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
    return (await this.client.query<{ hlc: string }>(q.SELECT_ORIGIN_HEAD_HLCS, [spaceId])).map((r) => r.hlc);
  }

  async getEvent(eventId: string): Promise<CrdtEvent | undefined> {
    const rows = await this.client.query<EventRow & { timestamp: Date | string }>(
      q.SELECT_EVENT_BY_ID,
      [eventId],
    );
    const row = rows[0];
    if (!row) return undefined;
    return trustedRowToEvent({ ...row, timestamp: new Date(row.timestamp).toISOString() });
  }

  /** Every event of an entity, in local ingestion order. */
  async eventsForEntity(spaceId: string, entityId: string): Promise<CrdtEvent[]> {
    return parseRows(await this.client.query(q.SELECT_EVENTS_BY_ENTITY, [spaceId, entityId])).map(
      trustedRowToEvent,
    );
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
    let afterId = 0;
    for (;;) {
      const rows = parseRows(
        await this.client.query(q.SELECT_EVENTS_PAGE, [spaceId, afterId, pageSize]),
      );
      if (rows.length === 0) return;
      afterId = Number(rows[rows.length - 1]?.id);
      yield rows.map(trustedRowToEvent);
      if (rows.length < pageSize) return;
    }
  }

  async getSnapshot(spaceId: string, entityId: string): Promise<FileEntity | undefined> {
    const rows = await this.client.query<{ state: FileEntityJson }>(q.SELECT_SNAPSHOT, [
      spaceId,
      entityId,
    ]);
    const row = rows[0];
    return row ? FileEntity.fromJSON(row.state) : undefined;
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
    const parsed = JSON.parse(rows[0]?.rows ?? '[]') as { state: FileEntityJson }[];
    return parsed.map((r) => FileEntity.fromJSON(r.state));
  }

  async countSnapshots(spaceId: string): Promise<SnapshotCounts> {
    const rows = await this.client.query<SnapshotCounts>(q.COUNT_SNAPSHOTS, [spaceId]);
    const r = rows[0];
    return {
      entities: Number(r?.entities ?? 0),
      files: Number(r?.files ?? 0),
      conflicts: Number(r?.conflicts ?? 0),
    };
  }

  async countEvents(spaceId: string): Promise<number> {
    const rows = await this.client.query<{ n: number }>(q.COUNT_EVENTS, [spaceId]);
    return Number(rows[0]?.n ?? 0);
  }

  /**
   * Recomputes every snapshot of a space from the log alone, in one
   * transaction, and returns the rebuilt entities. The log is the source of
   * truth; this is how a damaged or outdated snapshot table is repaired.
   */
  async rebuildSnapshots(spaceId: string): Promise<Map<string, FileEntity>> {
    const entities = new Map<string, FileEntity>();
    for await (const page of this.allEvents(spaceId)) {
      for (const e of page)
        entities.set(
          e.entityId,
          (entities.get(e.entityId) ?? FileEntity.empty(e.entityId)).apply(e),
        );
    }
    await this.client.transaction(async (tx) => {
      await tx.query(q.LOCK_SPACE, [spaceId]);
      await tx.query(q.DELETE_SNAPSHOTS, [spaceId]);
      await writeSnapshots(tx, spaceId, [...entities.values()]);
    });
    return entities;
  }

  /** Calls `onEvents(spaceId)` whenever any writer appends to this store. */
  async listen(onEvents: (spaceId: string) => void): Promise<Unlisten> {
    return this.client.listen(EVENTS_CHANNEL, onEvents);
  }

  async close(): Promise<void> {
    await this.client.close();
  }
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
  rejected: readonly CrdtEvent[],
  insertedIds: ReadonlySet<string>,
): Promise<{ duplicates: CrdtEvent[]; seqConflicts: CrdtEvent[] }> {
  if (rejected.length === 0) return { duplicates: [], seqConflicts: [] };
  const known = new Set(
    (
      await tx.query<{ event_id: string }>(q.SELECT_KNOWN_EVENT_IDS, [
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

/**
 * Advances the frontier of every origin in `inserted`. An origin whose new seqs form one gap-free run
 * is tried with the cheap ADVANCE_ORIGINS_IF_NEXT first (the usual case: a local write, a sync batch
 * in seq order); whatever it did not advance goes through the general ADVANCE_ORIGINS. Both give the
 * same frontier: the fast path only fires when the run starts right after the frontier and no event
 * of that origin was held above it.
 */
async function advanceOrigins(
  tx: SqlExecutor,
  spaceId: string,
  inserted: readonly CrdtEvent[],
): Promise<void> {
  const seqs = new Map<string, { first: number; last: number; count: number }>();
  for (const e of inserted) {
    const s = seqs.get(e.nodeId);
    if (!s) seqs.set(e.nodeId, { first: e.seq, last: e.seq, count: 1 });
    else {
      s.first = Math.min(s.first, e.seq);
      s.last = Math.max(s.last, e.seq);
      s.count += 1;
    }
  }
  // Inserted seqs of one origin are distinct (unique index), so count = span means no gap.
  const runs = [...seqs]
    .filter(([, s]) => s.last - s.first + 1 === s.count)
    .map(([node_id, s]) => ({ node_id, first_seq: s.first, last_seq: s.last }));
  const advanced = new Set(
    runs.length === 0
      ? []
      : (
          await tx.query<{ node_id: string }>(q.ADVANCE_ORIGINS_IF_NEXT, [
            spaceId,
            JSON.stringify(runs),
          ])
        ).map((r) => r.node_id),
  );
  const rest = [...seqs.keys()].filter((node) => !advanced.has(node));
  if (rest.length > 0) await tx.query(q.ADVANCE_ORIGINS, [spaceId, JSON.stringify(rest)]);
}

async function applyToSnapshots(
  tx: SqlExecutor,
  spaceId: string,
  events: readonly CrdtEvent[],
): Promise<EntityChange[]> {
  const ids = [...new Set(events.map((e) => e.entityId))];
  const rows = await tx.query<{ rows: string }>(q.SELECT_SNAPSHOT_STATES, [
    spaceId,
    JSON.stringify(ids),
  ]);
  const before = new Map<string, FileEntity>();
  for (const r of JSON.parse(rows[0]?.rows ?? '[]') as {
    entity_id: string;
    state: FileEntityJson;
  }[]) {
    before.set(r.entity_id, FileEntity.fromJSON(r.state));
  }
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

async function writeSnapshots(
  tx: SqlExecutor,
  spaceId: string,
  entities: readonly FileEntity[],
): Promise<void> {
  const BATCH = 5_000;
  for (let i = 0; i < entities.length; i += BATCH) {
    const rows = entities.slice(i, i + BATCH).map((entity) => {
      const view = entity.get();
      return {
        entity_id: entity.entityId,
        state: entity.toJSON(),
        vector_clock: view.clock,
        file_exists: view.exists,
        has_conflict: view.conflicts.length > 0,
        content_hash: view.content?.hash ?? null,
        size: view.content?.size ?? null,
        last_hlc: view.lastChange?.hlc ?? null,
        last_node_id: view.lastChange?.nodeId ?? null,
      };
    });
    await tx.query(q.UPSERT_SNAPSHOTS, [spaceId, JSON.stringify(rows)]);
  }
}
