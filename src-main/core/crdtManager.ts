import { randomUUID } from 'node:crypto';
import { FileEntity, type FileView } from '../../src-shared/crdt/fileEntity.js';
import { HybridLogicalClock, encodeHlc, parseHlc } from '../../src-shared/crdt/hlc.js';
import type { VectorClockJson } from '../../src-shared/crdt/vectorClock.js';
import type { ErrorInfo, NetGuardianError } from '../../src-shared/errors.js';
import type { CrdtEvent, EventData } from '../../src-shared/events/event.js';
import type { EventKind } from '../../src-shared/events/eventTypes.js';
import { parseEvent, toWire } from '../../src-shared/events/eventSchema.js';
import { normalizeEntityPath, validateId } from '../../src-shared/paths.js';
import { ok, type Result } from '../../src-shared/result.js';
import { childLogger, type Logger } from './log.js';
import { Mutex } from './mutex.js';
import { loadOrCreateDeviceIdentity } from './store/deviceIdentity.js';
import type { EventStore, EntityChange, Frontier, VersionedSnapshot } from './store/eventStore.js';
import { Quarantine } from './store/quarantine.js';
import { SnapshotCache } from './store/snapshotCache.js';
import { planResolution, type KeepChoice, type ResolutionPlan } from './crdt/conflictChoice.js';
import {
  decideLocalWrite,
  eventClock,
  seqTaken,
  type FileChange,
  type LocalWrite,
} from './crdt/localWrites.js';
import { screenPeerStates, stateKey } from './crdt/peerStates.js';
import { screenPeerRows } from './crdt/peerRows.js';

export type { FileChange, LocalWrite } from './crdt/localWrites.js';
export type { KeepChoice } from './crdt/conflictChoice.js';

/** Report of taking in a batch of events from a peer. */
export interface IngestReport {
  readonly received: number;
  readonly applied: number;
  readonly duplicates: number;
  /** Held aside with the reason; never dropped. */
  readonly quarantined: readonly ErrorInfo[];
  /** Entities whose state changed, before and after. */
  readonly changes: readonly EntityChange[];
}

export interface CrdtManagerOptions {
  readonly store: EventStore;
  readonly spaceId: string;
  /** Defaults to the store's device identity (created on first open). */
  readonly nodeId?: string;
  readonly deviceName?: string;
  /** Physical clock; tests and the convergence suite skew it. */
  readonly now?: () => number;
  readonly maxClockAheadMs?: number;
  readonly log?: Logger;
}

type WriteResult = Result<FileView, NetGuardianError>;

/** Snapshots the write cache remembers (a few MB at most). */
const WRITE_CACHE_ENTRIES = 10_000;
/** Guarded fast writes tried before a write falls back to the locked general append. */
const FAST_WRITE_ATTEMPTS = 3;

/** A snapshot a write starts from, and whether it was read from the store by this very write. */
interface WriteBase extends VersionedSnapshot {
  readonly fresh: boolean;
}

/** The guess for an entity the cache does not know: no snapshot yet (a new file). */
const GUESS_ABSENT: WriteBase = { entity: undefined, version: null, fresh: false };

/**
 * The seed's CRDTManager over an EventStore: turns local changes into events
 * (seq, HLC, version vector), takes in peers' events (validated, quarantined
 * when bad or from a clock too far ahead), and answers reads from snapshots.
 */
export class CRDTManager {
  readonly store: EventStore;
  readonly spaceId: string;
  readonly nodeId: string;
  readonly clock: HybridLogicalClock;
  readonly quarantine: Quarantine;
  private readonly writes = new Mutex();
  /**
   * The snapshots this manager's own writes left, so a local write needs no read first. Only
   * used under `writes`; every write built on an entry is guarded by the entry's row version.
   */
  private readonly cache = new SnapshotCache(WRITE_CACHE_ENTRIES);
  private readonly log: Logger;
  private readonly now: () => number;
  private lastSeq: number;
  /** Runs once, before the first local write (see `gateWrites`). */
  private writeGate: (() => Promise<void>) | undefined;
  private writeGateRun: Promise<void> | undefined;

  private constructor(options: CrdtManagerOptions, nodeId: string, lastSeq: number) {
    this.store = options.store;
    this.spaceId = options.spaceId;
    this.nodeId = nodeId;
    this.now = options.now ?? Date.now;
    this.clock = new HybridLogicalClock({
      nodeId,
      now: this.now,
      ...(options.maxClockAheadMs !== undefined ? { maxAheadMs: options.maxClockAheadMs } : {}),
    });
    this.quarantine = new Quarantine(options.store.client);
    this.log = childLogger(options.log, 'crdt-manager');
    this.lastSeq = lastSeq;
  }

  static async open(options: CrdtManagerOptions): Promise<CRDTManager> {
    const space = validateId('spaceId', options.spaceId);
    if (!space.ok) throw space.error;
    const identity =
      options.nodeId === undefined
        ? await loadOrCreateDeviceIdentity(
            options.store.client,
            options.deviceName ? { name: options.deviceName } : {},
          )
        : { nodeId: options.nodeId };
    const node = validateId('nodeId', identity.nodeId);
    if (!node.ok) throw node.error;
    const lastSeq = await options.store.maxSeq(options.spaceId, identity.nodeId);
    const manager = new CRDTManager(options, identity.nodeId, lastSeq);
    await manager.restoreClock();
    return manager;
  }

  /**
   * Makes the first local write (and every write after it) wait for `gate`, run once: the device
   * takes back there its own events that the hub holds and this store lacks (a store restored
   * from a backup), so it never issues a seq the hub already holds. A failing gate lets writes
   * go on: a device records local changes whatever its hub does. Read-only use never runs it.
   */
  gateWrites(gate: () => Promise<void>): void {
    this.writeGate = gate;
  }

  /**
   * Resolves once local writes may start (the gate of `gateWrites` has run, once). Callers that
   * prepare writes from what the store says (the scanner's bases) wait for it first.
   */
  writesReady(): Promise<void> {
    const gate = this.writeGate;
    if (!gate) return Promise.resolve();
    this.writeGateRun ??= gate().catch((e: unknown) =>
      this.log.warn({ error: (e as Error).message }, 'write gate failed; writing anyway'),
    );
    return this.writeGateRun;
  }

  /**
   * After a restart, the HLC continues after every event this store holds
   * (ours and peers'), so a new local event never sorts before one we had seen,
   * even if the physical clock went back while we were closed. No bound here:
   * these events were accepted already (events held as ClockAhead are not in the log).
   */
  private async restoreClock(): Promise<void> {
    for (const hlc of await this.store.originHeadHlcs(this.spaceId))
      this.clock.observe(parseHlc(hlc));
  }

  // ---- the seed's API ---------------------------------------------------

  /** Records a new file (or a file re-created after a delete). Refused if the file exists. */
  async createFileState(path: string, change: FileChange): Promise<WriteResult> {
    return this.write(
      path,
      (view) => decideLocalWrite({ op: 'create', path, change }, view),
      change.basis,
    );
  }

  /** New content and/or metadata for an existing file. */
  async updateFileState(path: string, change: FileChange): Promise<WriteResult> {
    return this.write(
      path,
      (view) => decideLocalWrite({ op: 'update', path, change }, view),
      change.basis,
    );
  }

  /** Deletes a file: a tombstone version, kept until every device has seen it. */
  async deleteFileState(
    path: string,
    options: { basis?: VectorClockJson } = {},
  ): Promise<WriteResult> {
    return this.write(
      path,
      (view) => decideLocalWrite({ op: 'delete', path }, view),
      options.basis,
    );
  }

  async getFileState(path: string): Promise<FileView | undefined> {
    const id = normalizeEntityPath(path);
    if (!id.ok) return undefined;
    return (await this.store.getSnapshot(this.spaceId, id.value))?.get();
  }

  /**
   * Takes in events from a peer (rows as the peer's store returned them).
   * Each is validated; a bad one is quarantined with its reason, and one from a
   * clock too far ahead is held and retried later. Never dropped.
   */
  async syncFromRemote(rows: readonly unknown[], source = 'remote'): Promise<IngestReport> {
    return this.writes.run(() => this.ingest(rows, source));
  }

  /**
   * Replaces this device's own events above `afterSeq` with the ones its hub holds for those
   * seqs, as one step no local write can come between: the device's store was restored from a
   * backup (or lost commits) while its hub was out of reach, and it numbered new changes with
   * seqs the hub already holds for others. Its events above `afterSeq` never left it (the hub
   * holds different ones there), so they are removed, the hub's are taken in (`readAbove` pages
   * them, in seq order, from a seq on), and numbering continues after them. Returns the entities
   * the removed events touched: their files are recorded again from the disk by the caller.
   */
  async replaceOwnEventsAbove(
    afterSeq: number,
    readAbove: (seq: number) => Promise<readonly { seq: number | string }[]>,
    options: {
      readonly source: string;
      /** Runs right after the removal, before the hub's events come in (the file index forgets). */
      readonly onDropped: (entityIds: readonly string[]) => Promise<void>;
    },
  ): Promise<{ readonly dropped: readonly string[]; readonly reclaimed: number }> {
    return this.writes.run(async () => {
      const dropped = await this.store.truncateOrigin(this.spaceId, this.nodeId, afterSeq);
      this.cache.clear();
      if (dropped.length > 0) await options.onDropped(dropped);
      let reclaimed = 0;
      let after = afterSeq;
      for (let round = 0; round < 1_000_000; round++) {
        const rows = await readAbove(after);
        if (rows.length === 0) break;
        reclaimed += (await this.ingest(rows, options.source)).applied;
        after = Math.max(after, ...rows.map((r) => Number(r.seq)));
      }
      this.lastSeq = await this.store.maxSeq(this.spaceId, this.nodeId);
      return { dropped, reclaimed };
    });
  }

  /** `syncFromRemote` without the write lock (its callers hold it). */
  private async ingest(rows: readonly unknown[], source: string): Promise<IngestReport> {
    const { accepted, held } = screenPeerRows(rows, this.spaceId, this.clock);
    const result = await this.store.append(accepted);
    for (const c of result.changes) this.cache.delete(c.entityId);
    for (const e of result.seqConflicts) {
      held.push({
        code: 'SeqConflict',
        message: `device ${e.nodeId} sent two different events with seq ${e.seq}; kept the first`,
        field: 'seq',
        payload: toWire(e),
      });
    }
    await this.quarantine.hold(
      held.map((h) => ({
        spaceId: this.spaceId,
        source,
        code: h.code,
        field: h.field,
        message: h.message,
        payload: h.payload,
      })),
    );
    if (held.length > 0)
      this.log.warn(
        { source, count: held.length, codes: [...new Set(held.map((h) => h.code))] },
        'events quarantined',
      );
    return {
      received: rows.length,
      applied: result.inserted.length,
      duplicates: result.duplicates.length,
      quarantined: held.map(({ code, message, field }) =>
        field === undefined ? { code, message } : { code, message, field },
      ),
      changes: result.changes,
    };
  }

  /**
   * Takes in a page of a peer's entity states (a catch-up past the peer's compacted log,
   * `sync/snapshotCatchUp.ts`): each is validated and clock-checked like an event
   * (`screenPeerStates`), a bad one is held aside by reason, and the good ones are merged into the
   * snapshots in one transaction; `raiseTo` then raises the frontier to what the states hold.
   */
  async mergePeerStates(
    states: readonly unknown[],
    source: string,
    raiseTo?: Frontier,
  ): Promise<IngestReport> {
    return this.writes.run(async () => {
      const { accepted, held } = screenPeerStates(states, this.clock);
      const changes = await this.store.mergeSnapshots(this.spaceId, accepted, raiseTo);
      for (const c of changes) this.cache.delete(c.entityId);
      await this.quarantine.releaseKeys(
        source,
        accepted.map((e) => stateKey({ entityId: e.entityId })),
      );
      await this.quarantine.hold(held.map((h) => ({ spaceId: this.spaceId, source, ...h })));
      if (raiseTo) this.lastSeq = await this.store.maxSeq(this.spaceId, this.nodeId);
      return {
        received: states.length,
        applied: accepted.length,
        duplicates: 0,
        quarantined: held.map(({ code, message, field }) =>
          field === undefined ? { code, message } : { code, message, field },
        ),
        changes,
      };
    });
  }

  /**
   * Retries events held because their clock was ahead. Those now within the
   * bound are applied and released; the rest stay held.
   */
  async retryQuarantine(): Promise<IngestReport> {
    const pending = await this.quarantine.pending({ spaceId: this.spaceId, code: 'ClockAhead' });
    const ready = pending.filter((p) => {
      const parsed = parseEvent(p.payload);
      return parsed.ok && !this.clock.isTooFarAhead(parseHlc(parsed.value.hlc));
    });
    const total: IngestReport = {
      received: 0,
      applied: 0,
      duplicates: 0,
      quarantined: [],
      changes: [],
    };
    if (ready.length === 0) return total;
    // Released first: an event that fails again is held again by syncFromRemote (same source and id).
    await this.quarantine.release(ready.map((p) => p.id));
    const bySource = new Map<string, unknown[]>();
    for (const p of ready) bySource.set(p.source, [...(bySource.get(p.source) ?? []), p.payload]);
    const reports: IngestReport[] = [];
    for (const [source, payloads] of bySource)
      reports.push(await this.syncFromRemote(payloads, source));
    return reports.reduce(
      (a, r) => ({
        received: a.received + r.received,
        applied: a.applied + r.applied,
        duplicates: a.duplicates + r.duplicates,
        quarantined: [...a.quarantined, ...r.quarantined],
        changes: [...a.changes, ...r.changes],
      }),
      total,
    );
  }

  /** Events this store took in after `since`, in ingestion order (the seed's delta API). */
  async getChangesSince(since: Date): Promise<CrdtEvent[]> {
    const out: CrdtEvent[] = [];
    let afterId = 0;
    for (;;) {
      const page = await this.store.eventsIngestedSince(this.spaceId, since, {
        afterId,
        limit: 10_000,
      });
      out.push(...page.events);
      if (page.events.length < 10_000) return out;
      afterId = page.lastId;
    }
  }

  /**
   * Recomputes state from the log alone. With a path: that file's state (and
   * its snapshot is rewritten if it drifted). Without: every snapshot of the space.
   */
  async rebuildStateFromEvents(path?: string): Promise<Map<string, FileView>> {
    if (path === undefined) {
      // Every snapshot row is rewritten; forget them under the write lock, so no write in flight
      // repopulates an entry from before the rebuild (entries would only fail their guard anyway).
      const all = await this.writes.run(async () => {
        this.cache.clear();
        return this.store.rebuildSnapshots(this.spaceId);
      });
      return new Map([...all].map(([id, e]) => [id, e.get()]));
    }
    const id = normalizeEntityPath(path);
    if (!id.ok) throw id.error;
    const entity = await this.store.foldEntity(this.spaceId, id.value);
    return new Map([[id.value, entity.get()]]);
  }

  /** Files with more than one content version. */
  async listConflicts(limit = 10_000): Promise<FileView[]> {
    return (await this.store.listSnapshots(this.spaceId, { conflictsOnly: true, limit })).map((e) =>
      e.get(),
    );
  }

  /**
   * Settles a conflict with a version whose vector clock dominates every
   * sibling, so the resolution converges on every device. `mine` keeps this
   * device's newest version (or, if it wrote none, the current winner);
   * `theirs` keeps the newest version from another device; `both` keeps the
   * winner at the path and every losing content as a conflict-copy file.
   * `{ eventId }` keeps one specific version.
   */
  async resolveConflict(
    path: string,
    keep: KeepChoice | { eventId: string },
  ): Promise<WriteResult> {
    let plan: ResolutionPlan | undefined;
    const result = await this.write(path, (view) => {
      // `decide` runs again when a write retries on a fresher snapshot.
      const planned = planResolution(view, path, keep, this.nodeId);
      if (!planned.ok) return planned;
      plan = planned.value;
      return ok(plan.event);
    });
    if (!result.ok) return result;
    const { copies, discarded } = plan as ResolutionPlan;
    for (const copy of copies) {
      const existing = await this.getFileState(copy.path);
      if (existing?.exists && existing.content?.hash === copy.content.hash) continue;
      const change = {
        content: copy.content,
        ...(copy.mtimeMs !== undefined ? { fields: { mtimeMs: copy.mtimeMs } } : {}),
      };
      const created = existing?.exists
        ? await this.updateFileState(copy.path, change)
        : await this.createFileState(copy.path, change);
      if (!created.ok) return created;
    }
    for (const copy of discarded) {
      const existing = await this.getFileState(copy.path);
      // Only a copy that still holds the discarded content: one the user edited is theirs now.
      if (existing?.exists && existing.content?.hash === copy.hash) {
        const removed = await this.deleteFileState(copy.path);
        if (!removed.ok && removed.error.code !== 'NotFound') return removed;
      }
    }
    return result;
  }

  /**
   * Many local changes in one transaction: what a scan of a new or much-changed tree records.
   * Each item is decided exactly as createFileState / updateFileState / deleteFileState would
   * decide it (in order, so later items see earlier ones); a refused item gets its error and
   * writes nothing, and the accepted ones are appended together.
   */
  async writeBatch(items: readonly LocalWrite[]): Promise<WriteResult[]> {
    await this.writesReady();
    return this.writes.run(async () => {
      const ids = items.map((item) => normalizeEntityPath(item.path));
      const wanted = [...new Set(ids.flatMap((id) => (id.ok ? [id.value] : [])))];
      const working = new Map<string, FileEntity | undefined>(
        await this.store.getSnapshots(this.spaceId, wanted),
      );
      const results: (WriteResult | undefined)[] = [];
      const events: CrdtEvent[] = [];
      const eventOf: (CrdtEvent | undefined)[] = [];
      items.forEach((item, i) => {
        const id = ids[i] as Result<string, NetGuardianError>;
        if (!id.ok) return void (results[i] = id);
        const entity = working.get(id.value);
        const decision = decideLocalWrite(item, entity?.get());
        if (!decision.ok) return void (results[i] = decision);
        const stamped: CrdtEvent = {
          ...this.stamp(
            id.value,
            entity,
            decision.value,
            item.basis ?? (item.op === 'delete' ? undefined : item.change.basis),
          ),
          seq: this.lastSeq + 1 + events.length,
        };
        const event = parseEvent(toWire(stamped));
        if (!event.ok) return void (results[i] = event);
        events.push(event.value);
        eventOf[i] = event.value;
        working.set(id.value, (entity ?? FileEntity.empty(id.value)).apply(event.value));
      });
      if (events.length > 0) {
        const appended = await this.store.append(events);
        const taken = appended.seqConflicts[0];
        if (taken) throw seqTaken(taken);
        this.lastSeq += events.length;
        for (const e of events) this.cache.delete(e.entityId);
      }
      return items.map((_, i) => {
        const done = results[i];
        if (done) return done;
        const e = eventOf[i] as CrdtEvent;
        return ok((working.get(e.entityId) as FileEntity).get());
      });
    });
  }

  // ---- internals ----------------------------------------------------------

  /**
   * The one path for local writes: under the write lock, take the entity's snapshot (from the
   * write cache, or guessed absent for a file the cache does not know), let `decide` refuse or
   * describe the event, stamp it (seq, HLC, a version vector that dominates everything this
   * device has seen of the entity), validate it with the same schema as a peer's event, and
   * append it with its new snapshot in one guarded statement (`EventStore.appendLocal`).
   *
   * Nothing unverified decides an outcome: a refusal is returned only when `decide` made it on a
   * snapshot this write read from the store, and an accepted event is written only if the
   * snapshot row is still the one it was built on; otherwise the write re-reads and starts over
   * (a bounded number of times, then it takes the locked general append path).
   */
  private async write(
    path: string,
    decide: (
      view: FileView | undefined,
    ) => Result<{ kind: EventKind; data: EventData }, NetGuardianError>,
    basis?: VectorClockJson,
  ): Promise<WriteResult> {
    const id = normalizeEntityPath(path);
    if (!id.ok) return id;
    const entityId = id.value;
    await this.writesReady();
    return this.writes.run(async () => {
      const cached = this.cache.get(entityId);
      let base: WriteBase = cached ? { ...cached, fresh: false } : GUESS_ABSENT;
      for (let attempt = 0; ; attempt++) {
        const decision = decide(base.entity?.get());
        if (!decision.ok) {
          if (base.fresh) return decision;
          base = await this.readForWrite(entityId);
          continue;
        }
        const event = parseEvent(toWire(this.stamp(entityId, base.entity, decision.value, basis)));
        if (!event.ok) return event;
        if (attempt >= FAST_WRITE_ATTEMPTS) return ok(await this.appendLocked(event.value));
        const result = await this.store.appendLocal(event.value, base);
        switch (result.status) {
          case 'applied':
            this.lastSeq = event.value.seq;
            this.cache.set(entityId, { entity: result.change.after, version: result.version });
            return ok(result.change.after.get());
          case 'stale':
            base = await this.readForWrite(entityId);
            continue;
          case 'duplicate':
            throw new Error(`event ${event.value.eventId} was not applied: its id is taken`);
          case 'seqConflict':
            throw seqTaken(event.value);
          default: {
            const never: never = result;
            throw new Error(`unhandled append status ${String(never)}`);
          }
        }
      }
    });
  }

  /** The entity's snapshot as the store holds it now (and forgets the cached one). */
  private async readForWrite(entityId: string): Promise<WriteBase> {
    this.cache.delete(entityId);
    return { ...(await this.store.getSnapshotVersioned(this.spaceId, entityId)), fresh: true };
  }

  /** The next local event on `entity` (undefined: it has none yet). */
  private stamp(
    entityId: string,
    entity: FileEntity | undefined,
    decision: { kind: EventKind; data: EventData },
    basis: VectorClockJson | undefined,
  ): CrdtEvent {
    return {
      eventId: randomUUID(),
      spaceId: this.spaceId,
      entityId,
      kind: decision.kind,
      data: decision.data,
      timestamp: new Date(this.now()).toISOString(),
      hlc: encodeHlc(this.clock.tick()),
      nodeId: this.nodeId,
      seq: this.lastSeq + 1,
      vectorClock: eventClock(entity ?? FileEntity.empty(entityId), basis, this.nodeId).toJSON(),
    };
  }

  /**
   * The general append (lock, transaction) for a write whose entity kept changing under the
   * guarded fast path. The event was built on the snapshot read just before.
   */
  private async appendLocked(event: CrdtEvent): Promise<FileView> {
    const result = await this.store.append([event]);
    if (result.seqConflicts.length > 0) throw seqTaken(event);
    const after = result.changes[0]?.after;
    if (!after) throw new Error(`event ${event.eventId} was not applied`);
    this.lastSeq = event.seq;
    this.cache.delete(event.entityId);
    return after.get();
  }
}
