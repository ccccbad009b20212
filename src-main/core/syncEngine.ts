import { trustedRowToEvent } from './store/eventRows.js';
import type { EntityChange, EventStore, Frontier } from './store/eventStore.js';
import type { EventRow } from './store/eventRows.js';
import type { SyncPeer } from './sync/syncPeer.js';
import { SyncLog, type SyncDirection, type SyncLogEntry } from './store/syncLog.js';
import type { BackoffPolicy } from './sync/backoff.js';
import { LiveChannel } from './sync/liveChannel.js';
import { catchUpPeerStore, needsCatchUp, takeStatesFromPeer } from './sync/snapshotCatchUp.js';
import { hubUnreachableSentence, isHubUnreachable } from '../../src-shared/hubProblems.js';
import type { CRDTManager, IngestReport, KeepChoice } from './crdtManager.js';
import type { CrdtEvent } from '../../src-shared/events/event.js';
import { childLogger, type Logger } from './log.js';
import type { FileView } from '../../src-shared/crdt/fileEntity.js';
import type { ErrorInfo } from '../../src-shared/errors.js';
import { NetGuardianError } from '../../src-shared/errors.js';
import type { Result } from '../../src-shared/result.js';

export interface SyncReport {
  readonly direction: SyncDirection;
  readonly sent: number;
  readonly received: number;
  readonly quarantined: readonly ErrorInfo[];
  readonly batches: number;
  readonly durationMs: number;
  /**
   * Entities the run changed here, in the order they came in: at most the first
   * MAX_REPORTED_CHANGES of them (an initial sync of a large folder would otherwise hold every
   * changed entity's before and after state in memory until the run ends). The materializer
   * does not depend on this list: it runs per pulled batch.
   */
  readonly changes: readonly EntityChange[];
  readonly error: string | null;
}

/** Changes a SyncReport carries at most (see `SyncReport.changes`). */
export const MAX_REPORTED_CHANGES = 1_000;

export interface SyncProgress {
  readonly direction: 'pull' | 'push';
  readonly done: number;
  /** Events known to be pending when the run started (an estimate: peers keep writing). */
  readonly total: number;
}

export interface SyncStatus {
  readonly spaceId: string;
  readonly nodeId: string;
  readonly peer: string;
  /** Whether the last attempt to reach the peer worked. */
  readonly online: boolean;
  /**
   * Why the peer can't be reached, in words ("can't reach the hub at 10.0.0.5:5433: nothing
   * answers there, is it running?"); null while it can.
   */
  readonly offlineReason: string | null;
  readonly running: boolean;
  readonly lastSync: SyncLogEntry | null;
  readonly lastError: SyncLogEntry | null;
  /**
   * This device's own events the peer lacks (as of the peer's last known frontier, recorded by
   * the sync log, so the count holds for a device that starts offline). Other devices' events
   * came from the peer: they are never pending here.
   */
  readonly pendingPush: number;
  readonly conflicts: number;
  readonly quarantined: number;
  /** Files and folders that exist. */
  readonly files: number;
  /** The folders among `files`. */
  readonly folders: number;
  readonly autoSyncIntervalMs: number | null;
  readonly live: boolean;
}

export interface SyncEngineOptions {
  readonly manager: CRDTManager;
  /** The peer: the hub's service, or another store (`SyncPeer`). */
  readonly remote: SyncPeer;
  /** Events per batch; each batch is one transaction on the receiving store. */
  readonly batchSize?: number;
  /** Upper bound of batches per run, so one run always ends (the next run continues). */
  readonly maxBatchesPerRun?: number;
  readonly log?: Logger;
  /**
   * Where the peer is, for sentences ("host:port"); a function when it can change (another
   * process of the hub after a failover); default: the peer store's description.
   */
  readonly peerAddress?: string | (() => string);
  /**
   * Runs at the start of every run, before the peer is read: the device checks there that the
   * hub is one it may use (schema, membership). Throwing fails the run with that error.
   */
  readonly prepareRemote?: () => Promise<void>;
  /** Retry delays of the live channel (default: 1 s doubling to 30 s). */
  readonly liveRetry?: BackoffPolicy;
  readonly onProgress?: (p: SyncProgress) => void;
  /** Called after every run (UI, tray, tests waiting for "sync idle"). */
  readonly onSynced?: (report: SyncReport) => void;
  /**
   * Runs before a batch of events is appended to the peer: the folder layer
   * uploads the chunks those events need, so no event becomes visible on the
   * peer before its content. Returns which events, from the first, may be
   * appended now (none returned: all); the run stops after those, and the rest
   * wait for the next run.
   */
  readonly beforePushBatch?: (events: readonly CrdtEvent[]) => Promise<PushGate | void>;
  /** Runs after a pulled batch is stored: the folder layer materializes the changed files. */
  readonly afterPullBatch?: (report: IngestReport) => Promise<void>;
}

/** How much of a batch may be pushed now (see `SyncEngineOptions.beforePushBatch`). */
export interface PushGate {
  /** Events, from the first, that may be appended now. */
  readonly ready: number;
  /**
   * Why the others wait, when it needs the user (a file that cannot be read): the run then ends
   * as failed with this message, so that status and the UI show it. Without it the wait is
   * expected to end by itself (content being recorded right now).
   */
  readonly problem?: string;
}

/** What a run moved so far. */
interface Tally {
  sent: number;
  received: number;
  batches: number;
  quarantined: ErrorInfo[];
  changes: EntityChange[];
}

interface QueuedRun {
  direction: SyncDirection;
  promise: Promise<SyncReport>;
}

/**
 * Events per batch by default. A pulled batch's rows, entities, changes and the materializer's
 * work for it are all in memory at once: an earlier in-process bench peaked at 347 MiB with 2,000
 * against 283 MiB with 500. With each batch's fixed costs (queries, one flush of the written
 * files) 1,000 did better than 500 for two daemons on the folder bench's tree (B complete in
 * 19.3-20.1 s against 21.3-25.5 s, B's CPU 16-17 s against 18-23 s) at the same peaks.
 */
const DEFAULT_BATCH = 1000;
const DEFAULT_MAX_BATCHES = 10_000;

/**
 * Moves events between this device's store and a peer's, by frontier: push
 * sends our events above the peer's per-origin frontier, pull asks for the
 * peer's events above ours. Batches are transactions on the receiving side
 * and re-sending is a no-op, so a run killed halfway is simply run again.
 */
export class SyncEngine {
  readonly manager: CRDTManager;
  readonly remote: SyncPeer;
  private readonly local: EventStore;
  private readonly syncLog: SyncLog;
  private readonly batchSize: number;
  private readonly maxBatches: number;
  private readonly log: Logger;
  private readonly onProgress: ((p: SyncProgress) => void) | undefined;
  private readonly onSynced: ((r: SyncReport) => void) | undefined;
  private readonly beforePushBatch: SyncEngineOptions['beforePushBatch'];
  private readonly afterPullBatch: SyncEngineOptions['afterPullBatch'];
  private readonly prepareRemote: SyncEngineOptions['prepareRemote'];
  private readonly peerAddress: () => string;
  private readonly live: LiveChannel;
  private tail: Promise<unknown> = Promise.resolve();
  private queued: QueuedRun | undefined;
  private active = 0;
  private online = true;
  /** Why the peer was last unreachable, in words; null once it answered again. */
  private offlineReason: string | null = null;
  private lastKnownRemoteFrontier: Frontier = {};
  /** Whether `lastKnownRemoteFrontier` was read from the peer (in this process). */
  private remoteFrontierRead = false;
  private timer: NodeJS.Timeout | undefined;
  private intervalMs: number | null = null;
  private closed = false;

  constructor(options: SyncEngineOptions) {
    this.manager = options.manager;
    this.local = options.manager.store;
    this.remote = options.remote;
    this.syncLog = new SyncLog(this.local.client);
    this.batchSize = options.batchSize ?? DEFAULT_BATCH;
    this.maxBatches = options.maxBatchesPerRun ?? DEFAULT_MAX_BATCHES;
    this.log = childLogger(options.log, 'sync-engine');
    this.onProgress = options.onProgress;
    this.onSynced = options.onSynced;
    this.beforePushBatch = options.beforePushBatch;
    this.afterPullBatch = options.afterPullBatch;
    this.prepareRemote = options.prepareRemote;
    const peerAddress = options.peerAddress ?? options.remote.description;
    this.peerAddress = typeof peerAddress === 'function' ? peerAddress : () => peerAddress;
    this.live = new LiveChannel({
      spaceId: this.spaceId,
      listen: (onEvents, onLost) => this.remote.listen(onEvents, onLost),
      onAnnounce: () => {
        if (this.closed) return;
        this.pullSync().catch((e: unknown) =>
          this.log.error({ error: describeError(e) }, 'live pull failed'),
        );
      },
      // Open (again): what was announced meanwhile, and what was recorded offline, moves now.
      onConnected: () => {
        this.noteReachable();
        if (this.closed) return;
        this.bidirectionalSync().catch((e: unknown) =>
          this.log.error({ error: describeError(e) }, 'catch-up sync failed'),
        );
      },
      onProblem: (e) => this.noteFailure(e),
      ...(options.liveRetry ? { retry: options.liveRetry } : {}),
      log: this.log,
    });
  }

  /** The peer answered: online, no reason to show. */
  private noteReachable(): void {
    this.online = true;
    this.offlineReason = null;
  }

  /** A failure: when it means the peer can't be reached, offline with the reason in words. */
  private noteFailure(e: unknown): void {
    const code = (e as { code?: unknown }).code;
    const message = describeError(e);
    if (!isHubUnreachable(typeof code === 'string' ? code : undefined, message)) return;
    this.online = false;
    this.offlineReason = hubUnreachableSentence(
      this.peerAddress(),
      typeof code === 'string' ? code : undefined,
      message,
    );
  }

  get spaceId(): string {
    return this.manager.spaceId;
  }

  /** Whether the peer answered the last time it was asked (false: offline, see `offlineReason`). */
  get reachable(): boolean {
    return this.online;
  }

  pushSync(): Promise<SyncReport> {
    return this.schedule('push');
  }

  pullSync(): Promise<SyncReport> {
    return this.schedule('pull');
  }

  /** Pull, then push: what a device does on every trigger. */
  bidirectionalSync(): Promise<SyncReport> {
    return this.schedule('bidirectional');
  }

  /**
   * One run at a time, in order. A request while a run is queued joins that
   * queued run (widening its direction if needed), so a burst of triggers
   * costs at most the run in progress plus one.
   */
  private schedule(direction: SyncDirection): Promise<SyncReport> {
    if (this.closed) return Promise.reject(new Error('sync engine is closed'));
    if (this.queued) {
      if (this.queued.direction !== direction) this.queued.direction = 'bidirectional';
      return this.queued.promise;
    }
    const slot: QueuedRun = {
      direction,
      promise: Promise.resolve(undefined as unknown as SyncReport),
    };
    slot.promise = this.tail.then(() => {
      this.queued = undefined;
      this.active += 1;
      return this.run(slot.direction).finally(() => {
        this.active -= 1;
      });
    });
    this.queued = slot;
    this.tail = slot.promise.catch(() => undefined);
    return slot.promise;
  }

  private async run(direction: SyncDirection): Promise<SyncReport> {
    const started = performance.now();
    // Counted as batches commit, so a run that fails halfway still reports (and logs) what it moved.
    const tally: Tally = { sent: 0, received: 0, batches: 0, quarantined: [], changes: [] };
    let error: string | null = null;
    try {
      await this.prepareRemote?.();
      if (direction !== 'push') {
        const retried = await this.manager.retryQuarantine();
        tally.received += retried.applied;
        keepChanges(tally, retried.changes);
        await this.pullBatches(tally);
      }
      if (direction !== 'pull') await this.pushBatches(tally);
      this.noteReachable();
    } catch (e) {
      this.noteFailure(e);
      // An unreachable hub is said in words; other failures keep their own message.
      error = this.online ? describeError(e) : (this.offlineReason ?? describeError(e));
      // Info, not a warning: the run's report carries the failure to status and the activity
      // list (a daemon prints it there, collapsed when it repeats); a warning would say it twice.
      this.log.info({ direction, code: (e as { code?: string }).code, error }, 'sync failed');
    }
    const durationMs = performance.now() - started;
    const { sent, received, batches, quarantined, changes } = tally;
    const report: SyncReport = {
      direction,
      sent,
      received,
      quarantined,
      batches,
      durationMs,
      changes,
      error,
    };
    await this.syncLog
      .record({
        spaceId: this.spaceId,
        nodeId: this.manager.nodeId,
        peer: this.remote.description,
        direction,
        eventsSent: sent,
        eventsReceived: received,
        eventsQuarantined: quarantined.length,
        durationMs,
        status: error ? 'error' : 'ok',
        error,
        peerFrontier: this.remoteFrontierRead ? this.lastKnownRemoteFrontier : null,
      })
      .catch((e: unknown) =>
        this.log.error({ error: describeError(e) }, 'could not write sync log'),
      );
    this.log.info(
      {
        direction,
        sent,
        received,
        quarantined: quarantined.length,
        ms: Math.round(durationMs),
        error,
      },
      'sync run',
    );
    this.onSynced?.(report);
    return report;
  }

  /**
   * Pull in batches. The cursor advances by what was *fetched*, not by what
   * was stored, so events held in quarantine are not fetched again in the
   * same run (the next run asks again from the stored frontier: that is the retry).
   */
  private async pullBatches(tally: Tally): Promise<void> {
    const caughtUp = await this.catchUpIfCompacted(tally);
    const cursor: Record<string, number> = { ...(await this.local.getFrontier(this.spaceId)) };
    const total = await this.pendingTotal(this.remote, cursor);
    let batches = 0;
    let fetched = 0;
    // A batch's files are written (afterPullBatch) while the next batch is read and stored: the
    // writes wait on the hub (chunk downloads) and the disk (flushes), the store on neither, so
    // one fills the other's waits. At most one batch is written at a time, in order; the
    // materializer writes what the store holds when it runs, so a file changed again by the
    // next batch is written at its newer version, then found current.
    let writing: Promise<void> | undefined;
    /** Whether the loop read everything the peer had (not cut by `maxBatches`). */
    let readAll = false;
    try {
      while (batches < this.maxBatches) {
        const rows = await this.remote.readAboveFrontier(this.spaceId, cursor, this.batchSize);
        readAll = rows.length < this.batchSize;
        if (rows.length === 0) break;
        batches += 1;
        const report = await this.manager.syncFromRemote(rows, this.remote.description);
        tally.batches += 1;
        tally.received += report.applied;
        tally.quarantined.push(...report.quarantined);
        keepChanges(tally, report.changes);
        await writing;
        fetched += rows.length;
        const progress = {
          direction: 'pull' as const,
          done: fetched,
          total: Math.max(total, fetched),
        };
        writing = this.afterPullBatch?.(report).then(() => this.onProgress?.(progress));
        // Awaited above or below; a failure meanwhile must not count as unhandled.
        writing?.catch(() => undefined);
        if (!writing) this.onProgress?.(progress);
        for (const r of rows) cursor[r.node_id] = Math.max(cursor[r.node_id] ?? 0, Number(r.seq));
        if (rows.length < this.batchSize) break;
      }
    } finally {
      // A failure storing the next batch still waits for the files being written.
      await writing?.catch(() => undefined);
    }
    await writing;
    // After a catch-up from states: the events still held above the old frontier are in, so
    // the frontier goes to what the states covered (unless a state was held: next run again).
    if (caughtUp && readAll && caughtUp.held === 0)
      await this.manager.mergePeerStates([], this.remote.description, caughtUp.frontier);
  }

  /**
   * The peer's log was compacted below this store's frontier: the events it lacks can't come as
   * events any more, so this store first takes the peer's states (`snapshotCatchUp.ts`), the
   * materializer writing each page's changes as it would a pulled batch's. Returns the frontier
   * those states cover, which the pull raises this store to once it has read the events the peer
   * still holds.
   */
  private async catchUpIfCompacted(
    tally: Tally,
  ): Promise<{ readonly frontier: Frontier; readonly held: number } | undefined> {
    const compacted = await this.remote.compactedThrough(this.spaceId);
    if (!needsCatchUp(await this.local.getFrontier(this.spaceId), compacted)) return undefined;
    this.log.info(
      { compacted },
      'the peer compacted its log below this store: catching up from its file states',
    );
    const result = await takeStatesFromPeer({
      manager: this.manager,
      peer: this.remote,
      onPage: async (report) => {
        tally.batches += 1;
        tally.received += report.applied;
        tally.quarantined.push(...report.quarantined);
        keepChanges(tally, report.changes);
        await this.afterPullBatch?.(report);
      },
    });
    this.log.info({ merged: result.merged, held: result.held }, 'merged the peer’s file states');
    return result;
  }

  /** A peer store lacking events this store compacted takes this store's states first. */
  private async catchUpPeerIfNeeded(remoteFrontier: Frontier): Promise<Frontier> {
    if (this.remote.acceptsOwnEventsOnly) return remoteFrontier;
    const compacted = await this.local.compactedThrough(this.spaceId);
    if (!needsCatchUp(remoteFrontier, compacted)) return remoteFrontier;
    const peer = this.remote;
    if (!peer.mergeSnapshots)
      throw new NetGuardianError(
        'StoreError',
        `${peer.description} lacks changes this device has compacted, and can't take file states`,
      );
    await catchUpPeerStore(this.local, this.spaceId, (states, raiseTo) =>
      Promise.resolve(peer.mergeSnapshots?.(this.spaceId, states, raiseTo)),
    );
    return this.remote.getFrontier(this.spaceId);
  }

  private async pushBatches(tally: Tally): Promise<void> {
    const remoteFrontier = await this.catchUpPeerIfNeeded(
      await this.remote.getFrontier(this.spaceId),
    );
    this.lastKnownRemoteFrontier = remoteFrontier;
    this.remoteFrontierRead = true;
    const cursor: Record<string, number> = { ...remoteFrontier };
    const ownOnly = this.remote.acceptsOwnEventsOnly === true;
    const self = this.manager.nodeId;
    const total = this.onProgress
      ? ownOnly
        ? await this.local.countOriginAbove(this.spaceId, self, cursor[self] ?? 0)
        : await this.local.countAboveFrontier(this.spaceId, cursor)
      : 0;
    let done = 0;
    let batches = 0;
    while (batches < this.maxBatches) {
      const rows = await this.readToPush(cursor, ownOnly);
      if (rows.length === 0) break;
      batches += 1;
      // Our own store's rows were validated when they came in.
      const events = rows.map(trustedRowToEvent);
      const gate = (this.beforePushBatch && (await this.beforePushBatch(events))) || undefined;
      const ready = gate?.ready ?? rows.length;
      const sent = rows.slice(0, ready);
      if (sent.length > 0) {
        const result = await this.remote.append(events.slice(0, ready));
        tally.batches += 1;
        tally.sent += result.inserted.length;
        const taken = result.seqConflicts[0];
        // The peer holds another event under one of ours (origin, seq): this store lost events
        // the peer has (a restored backup) and numbered new ones again. Never silent: the run
        // fails, and status shows it, until someone looks.
        if (taken)
          throw new NetGuardianError(
            'SeqConflict',
            `the hub already holds a different change of ${taken.nodeId} numbered ${taken.seq}: this device's store lost changes it had sent (restored from a backup?); ${result.seqConflicts.length} change(s) can't be sent`,
            'seq',
          );
        // The hub checked each event and stored none of these: the run fails with its reason,
        // so status shows it, and the next run offers them again (a quota raised, a fixed hub).
        const refused = result.refused ?? [];
        const first = refused[0];
        if (first)
          throw new NetGuardianError(
            first.code,
            `the hub refused ${refused.length} change(s) of this device: ${first.message}`,
            first.field,
          );
      }
      done += sent.length;
      for (const r of sent) cursor[r.node_id] = Math.max(cursor[r.node_id] ?? 0, Number(r.seq));
      this.onProgress?.({ direction: 'push', done, total: Math.max(total, done) });
      if (sent.length < rows.length) {
        this.lastKnownRemoteFrontier = cursor;
        if (gate?.problem) throw new NetGuardianError('FileSystemError', gate.problem, 'push');
        this.log.info(
          { waiting: rows.length - sent.length },
          'push waits for content not yet readable',
        );
        break;
      }
      if (rows.length < this.batchSize) break;
    }
    this.lastKnownRemoteFrontier = cursor;
  }

  /** The next rows to push: every origin's above the peer's frontier, or only ours for a hub. */
  private readToPush(cursor: Frontier, ownOnly: boolean): Promise<EventRow[]> {
    if (!ownOnly) return this.local.readAboveFrontier(this.spaceId, cursor, this.batchSize);
    const self = this.manager.nodeId;
    return this.local.readOriginAbove(this.spaceId, self, cursor[self] ?? 0, this.batchSize);
  }

  /** Events above `frontier` on `store`, for progress reports only: not counted when nobody listens. */
  private async pendingTotal(store: SyncPeer, frontier: Frontier): Promise<number> {
    return this.onProgress ? store.countAboveFrontier(this.spaceId, frontier) : 0;
  }

  /** The newest successful sync run on record, without the counts `getSyncStatus` adds. */
  async lastSync(): Promise<SyncLogEntry | null> {
    return (await this.syncLog.recent(this.spaceId, 50)).find((r) => r.status === 'ok') ?? null;
  }

  async getSyncStatus(): Promise<SyncStatus> {
    // Ask the peer for its frontier; when it is unreachable, answer from what we last knew. A
    // peer known to be down is not asked: a dropped connection attempt takes seconds, and a status
    // must answer at once. The live channel's retries tell when it is back.
    if (this.online) {
      try {
        this.lastKnownRemoteFrontier = await this.remote.getFrontier(this.spaceId);
        this.remoteFrontierRead = true;
      } catch (e) {
        this.noteFailure(e);
      }
    }
    // Not read since this process started (the peer was out of reach): what the last run that
    // read it recorded, so the count of unsent changes stays true offline.
    if (!this.remoteFrontierRead) {
      const recorded = await this.syncLog.lastPeerFrontier(this.spaceId);
      if (recorded) this.lastKnownRemoteFrontier = recorded;
    }
    const [recent, counts, quarantined, pendingPush] = await Promise.all([
      this.syncLog.recent(this.spaceId, 50),
      this.local.countSnapshots(this.spaceId),
      this.manager.quarantine.count(this.spaceId),
      this.local.countOriginAbove(
        this.spaceId,
        this.manager.nodeId,
        this.lastKnownRemoteFrontier[this.manager.nodeId] ?? 0,
      ),
    ]);
    return {
      spaceId: this.spaceId,
      nodeId: this.manager.nodeId,
      peer: this.remote.description,
      online: this.online,
      offlineReason: this.online ? null : this.offlineReason,
      running: this.active > 0,
      lastSync: recent.find((r) => r.status === 'ok') ?? null,
      lastError: recent[0]?.status === 'error' ? recent[0] : null,
      pendingPush,
      conflicts: counts.conflicts,
      quarantined,
      files: counts.files,
      folders: counts.folders,
      autoSyncIntervalMs: this.intervalMs,
      live: this.live.connected,
    };
  }

  /** Resolves a conflict locally and pushes the resolution at once, so other devices converge. */
  async resolveConflicts(
    path: string,
    keep: KeepChoice | { eventId: string },
  ): Promise<Result<FileView, NetGuardianError>> {
    const result = await this.manager.resolveConflict(path, keep);
    if (result.ok) await this.pushSync();
    return result;
  }

  /** Runs a bidirectional sync every `intervalMs` (the seed's auto-sync), until stopped. */
  startAutoSync(intervalMs: number): void {
    if (!Number.isFinite(intervalMs) || intervalMs < 100) {
      throw new NetGuardianError(
        'InvalidArgument',
        `auto-sync interval must be at least 100 ms, got ${intervalMs}`,
        'intervalMs',
      );
    }
    this.stopAutoSync();
    this.intervalMs = intervalMs;
    this.timer = setInterval(() => {
      this.bidirectionalSync().catch((e: unknown) =>
        this.log.error({ error: describeError(e) }, 'auto-sync failed'),
      );
    }, intervalMs);
    this.timer.unref();
  }

  stopAutoSync(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.intervalMs = null;
  }

  /**
   * Pulls at once whenever the peer announces new events in our space (LISTEN/NOTIFY). Never
   * fails: while the peer can't be reached the channel is retried with backoff (see
   * `LiveChannel`), and each time it opens a sync catches up. Resolves after the first attempt.
   */
  async startLive(): Promise<void> {
    if (this.closed) return;
    await this.live.start();
  }

  async stopLive(): Promise<void> {
    await this.live.stop();
  }

  /** Stops triggers and waits for a run in progress to finish. */
  async close(): Promise<void> {
    this.stopAutoSync();
    await this.stopLive();
    this.closed = true;
    await this.tail;
  }
}

/** Adds a batch's changes to the run's report, up to MAX_REPORTED_CHANGES. */
function keepChanges(tally: Tally, changes: readonly EntityChange[]): void {
  const room = MAX_REPORTED_CHANGES - tally.changes.length;
  if (room > 0) tally.changes.push(...changes.slice(0, room));
}

function describeError(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
