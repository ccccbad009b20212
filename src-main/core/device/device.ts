import { mkdir, readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import type { FileView } from '../../../src-shared/crdt/fileEntity.js';
import type { NetGuardianError } from '../../../src-shared/errors.js';
import type { Result } from '../../../src-shared/result.js';
import { CRDTManager, type KeepChoice } from '../crdtManager.js';
import type { DeviceConfig } from '../deviceConfig.js';
import { dataPaths } from '../deviceConfig.js';
import { isDirectoryContent } from '../../../src-shared/fileKinds.js';
import { PgChunkStore, type ChunkSource } from '../files/chunkStore.js';
import { FileIndex } from '../files/fileIndex.js';
import { IGNORE_FILE, IgnoreRules } from '../files/ignoreRules.js';
import {
  createMaterializer,
  type MaterializeReport,
  type Materializer,
} from '../files/materializer.js';
import {
  createScanner,
  type ScanProgress,
  type ScanSummary,
  type Scanner,
} from '../files/scanner.js';
import { watchFolder, type FolderWatcher } from '../files/watcher.js';
import { openHubAsDevice } from '../hub/hubSchema.js';
import { childLogger, type Logger } from '../log.js';
import { EventStore } from '../store/eventStore.js';
import { PlannerStatistics } from '../store/plannerStatistics.js';
import type { PgClientOptions } from '../store/pgClient.js';
import { openPgliteClient } from '../store/pgliteClient.js';
import { SyncEngine, type SyncReport, type SyncStatus } from '../syncEngine.js';
import { uploadChunksFor } from './chunkUpload.js';
import { entitiesOutOfStep } from './reconcile.js';

/**
 * What failed, so that a later success of the same kind can clear it: `scan` (the watcher,
 * a rescan, scanning changed files), `sync` (a sync run), `start` (starting the daemon).
 */
export type DeviceErrorSource = 'scan' | 'sync' | 'start';

/** What a device reports while it works: the CLI prints it, the app pushes it to the UI. */
export type DeviceEvent =
  | { readonly type: 'scan'; readonly progress: ScanProgress }
  | { readonly type: 'upload'; readonly bytes: number; readonly chunks: number }
  | { readonly type: 'download'; readonly report: MaterializeReport }
  | {
      readonly type: 'sync-progress';
      readonly direction: 'pull' | 'push';
      readonly done: number;
      readonly total: number;
    }
  | { readonly type: 'synced'; readonly report: SyncReport }
  | { readonly type: 'local-change'; readonly summary: ScanSummary }
  | { readonly type: 'error'; readonly source: DeviceErrorSource; readonly message: string };

export interface DeviceOptions {
  readonly dataDir: string;
  readonly config: DeviceConfig;
  /** The hub connection, resolved at the edge from the config and the environment; none = local only. */
  readonly hub?: PgClientOptions | undefined;
  /** The device's own store; default PGlite in `<dataDir>/db`. */
  readonly store?: EventStore;
  readonly log?: Logger;
  readonly now?: () => number;
  readonly onEvent?: (event: DeviceEvent) => void;
  /** Debounce of the watcher (ms). */
  readonly quietMs?: number;
}

export interface DeviceStatus {
  readonly folder: string;
  readonly deviceName: string;
  readonly nodeId: string;
  readonly spaceId: string;
  readonly hub: string | null;
  readonly paused: boolean;
  readonly sync: SyncStatus | null;
  readonly files: number;
  readonly conflicts: number;
  readonly quarantined: number;
}

/** The longest a scan waits for the push of its batch before the last (see `onScanBatch`). */
const SCAN_AHEAD_WAIT_MS = 1_000;
/** A pulled batch changing this many entities stops the watcher while it is written. */
const WATCHER_SUSPEND_CHANGES = 200;
/**
 * The watcher comes back after this long without such a batch. Coming back costs a walk of the
 * whole folder (chokidar's, then our scan's), so a sender pausing between batches must not bring
 * it back each time: at 1.5 s a first sync of 10,000 files restarted it in the middle for about
 * 2 s of the receiver's time. Local edits made meanwhile wait at most this long, then the scan
 * finds them (Syncthing's watcher waits 10 s by default).
 */
const WATCHER_RESUME_QUIET_MS = 5_000;

const noChunks: ChunkSource = { getChunks: () => Promise.resolve(new Map()) };

/**
 * One synced folder on this device: store, scanner, materializer, watcher and,
 * with a hub, the sync engine with chunk upload before push and
 * materialization after pull. `start()` runs it as a daemon; the CLI's
 * one-shot commands use `scan()` and `syncNow()` without starting.
 */
export class Device {
  private watcher: FolderWatcher | undefined;
  private rescanTimer: NodeJS.Timeout | undefined;
  private readonly log: Logger;
  private closed = false;
  /** The watcher is stopped while large pulled batches are written (see `suspendWatcher`). */
  private watcherSuspended = false;
  /** The push started for the scan's last recorded batch (see `onScanBatch`). */
  private scanPush: Promise<void> | undefined;
  /** The last such push failed or overran its wait: the scan does not wait for pushes. */
  private scanPushStalled = false;
  private resumeTimer: NodeJS.Timeout | undefined;
  /** Started as a daemon (`start`): syncs as changes are recorded. */
  private running = false;
  private syncRequested: NodeJS.Timeout | undefined;

  private constructor(
    readonly options: DeviceOptions,
    readonly root: string,
    readonly store: EventStore,
    readonly manager: CRDTManager,
    readonly index: FileIndex,
    readonly scanner: Scanner,
    readonly materializer: Materializer,
    readonly hub:
      | { readonly store: EventStore; readonly chunks: PgChunkStore; readonly engine: SyncEngine }
      | undefined,
    private readonly ownsStore: boolean,
    ignoreHolder: { set(rules: IgnoreRules): void; get(): IgnoreRules },
    private readonly statistics: PlannerStatistics,
  ) {
    this.log = childLogger(options.log, 'device');
    this.ignoreHolder = ignoreHolder;
  }

  private readonly ignoreHolder: { set(rules: IgnoreRules): void; get(): IgnoreRules };

  static async open(options: DeviceOptions): Promise<Device> {
    const { config } = options;
    await mkdir(config.folder, { recursive: true });
    const root = await realpath(config.folder);
    const ownsStore = options.store === undefined;
    const store =
      options.store ??
      (await EventStore.open(await openPgliteClient(dataPaths(options.dataDir).db)));
    try {
      const manager = await CRDTManager.open({
        store,
        spaceId: config.spaceId,
        deviceName: config.deviceName,
        ...(options.now ? { now: options.now } : {}),
        ...(options.log ? { log: options.log } : {}),
      });
      const index = new FileIndex(store.client, config.spaceId);
      const statistics = new PlannerStatistics(store.client);
      let rules = await loadIgnoreRules(root);
      const ignoreHolder = { set: (r: IgnoreRules) => (rules = r), get: () => rules };
      const emit = options.onEvent ?? (() => undefined);
      // The device, once built: the scanner reports committed batches to it.
      const built: { device?: Device } = {};
      const scanner = createScanner({
        root,
        spaceId: config.spaceId,
        index,
        manager,
        ignore: () => rules,
        onProgress: (progress) => emit({ type: 'scan', progress }),
        onBatchRecorded: () => built.device?.onScanBatch(),
        ...(options.log ? { log: options.log } : {}),
      });
      let hub: Device['hub'];
      let chunkSource: ChunkSource = noChunks;
      if (options.hub) {
        const hubStore = await openHubAsDevice({ ...options.hub, spaceId: config.spaceId });
        const chunks = new PgChunkStore(hubStore.client);
        chunkSource = chunks;
        hub = { store: hubStore, chunks, engine: undefined as unknown as SyncEngine };
      }
      const materializer = createMaterializer({
        root,
        spaceId: config.spaceId,
        dataDir: options.dataDir,
        index,
        manager,
        chunks: chunkSource,
        scanner,
        ignore: () => rules,
        ...(options.log ? { log: options.log } : {}),
      });
      if (hub) {
        const hubChunks = hub.chunks;
        const engine = new SyncEngine({
          manager,
          remote: hub.store,
          ...(options.log ? { log: options.log } : {}),
          onProgress: (p) => emit({ type: 'sync-progress', ...p }),
          onSynced: (report) => {
            emit({ type: 'synced', report });
            built.device?.scheduleWatcherResume();
          },
          beforePushBatch: async (events) => {
            const up = await uploadChunksFor(events, {
              spaceId: config.spaceId,
              root,
              index,
              hub: hubChunks,
              currentHash: async (entityId) => {
                const view = await manager.getFileState(entityId);
                const content = view?.exists ? view.content : null;
                return content && !isDirectoryContent(content) ? content.hash : undefined;
              },
            });
            if (up.chunks > 0) emit({ type: 'upload', bytes: up.bytes, chunks: up.chunks });
            return { ready: up.ready, ...(up.problem ? { problem: up.problem } : {}) };
          },
          afterPullBatch: async (report) => {
            if (report.changes.length === 0) return;
            if (report.changes.length >= WATCHER_SUSPEND_CHANGES)
              await built.device?.suspendWatcher();
            const applied = await materializer.apply(report.changes.map((c) => c.entityId));
            emit({ type: 'download', report: applied });
            await statistics.noteChanges(report.changes.length);
          },
        });
        hub = { ...hub, engine };
      }
      const self = new Device(
        options,
        root,
        store,
        manager,
        index,
        scanner,
        materializer,
        hub,
        ownsStore,
        ignoreHolder,
        statistics,
      );
      built.device = self;
      return self;
    } catch (e) {
      if (ownsStore) await store.close();
      throw e;
    }
  }

  get spaceId(): string {
    return this.manager.spaceId;
  }

  /** The folder's ignore rules as last read (at open, each full scan, each change of the file). */
  get ignoreRules(): IgnoreRules {
    return this.ignoreHolder.get();
  }

  private emit(event: DeviceEvent): void {
    this.options.onEvent?.(event);
  }

  /** Full scan of the folder against the index. */
  async scan(): Promise<ScanSummary> {
    this.ignoreHolder.set(await loadIgnoreRules(this.root));
    const summary = await this.scanner.fullScan();
    const changed = summary.created + summary.updated + summary.deleted;
    if (changed > 0) this.emit({ type: 'local-change', summary });
    await this.statistics.noteChanges(changed);
    return summary;
  }

  /** Makes the disk match the store wherever they disagree (after a crash, a failed download, …). */
  async reconcile(): Promise<MaterializeReport | undefined> {
    const ids = await entitiesOutOfStep(this.store.client, this.spaceId);
    if (ids.length === 0) return undefined;
    return this.materializer.apply(ids);
  }

  /** One round: scan, pull (and materialize), push. Without a hub: scan only. */
  async syncNow(): Promise<SyncReport | undefined> {
    await this.scan();
    if (!this.hub || this.options.config.paused) return undefined;
    const report = await this.hub.engine.bidirectionalSync();
    await this.reconcile();
    return report;
  }

  /**
   * A scan committed a batch of changes. A running device pushes it at once, and the scan hashes
   * on only once the push of the batch before it is done (at most `SCAN_AHEAD_WAIT_MS`): one
   * batch ahead, never more. Scanning and pushing share this process's one thread; left to run
   * ahead, a first scan of 10,000 files took the thread for seconds while its pushes crawled, and
   * other devices received their first files after the whole scan rather than within a second or
   * two. A push that fails or overruns the wait stops the waiting until a push succeeds again, so
   * an unreachable hub never slows the scan by more than one wait. The one-shot commands (`init`,
   * `sync`) sync after their scan, if at all.
   */
  private onScanBatch(): Promise<void> | undefined {
    const hub = this.hub;
    if (!this.running || !hub || this.options.config.paused || this.closed) return undefined;
    const previous = this.scanPush;
    this.scanPush = hub.engine.pushSync().then(
      (report) => {
        this.scanPushStalled = report.error !== null;
      },
      () => {
        this.scanPushStalled = true;
      },
    );
    if (!previous || this.scanPushStalled) return undefined;
    let timer: NodeJS.Timeout | undefined;
    const overrun = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.scanPushStalled = true;
        resolve();
      }, SCAN_AHEAD_WAIT_MS);
    });
    return Promise.race([previous, overrun]).finally(() => clearTimeout(timer));
  }

  /** Runs as a daemon: initial scan and sync, watcher, live pull, periodic sync and rescan. */
  async start(): Promise<void> {
    const { config } = this.options;
    this.running = true;
    // The watcher first: a file changed while the scan runs is seen, not left for the next
    // rescan, and chokidar's own walk of the folder (as long as the scan's) overlaps the scan
    // rather than the pushes that follow it.
    const watching = this.startWatcher();
    // Awaited below; a failure meanwhile must not count as unhandled.
    watching.catch(() => undefined);
    await this.scan();
    await this.reconcile();
    await watching;
    this.scheduleRescans(config.rescanIntervalMs);
    if (this.hub && !config.paused) {
      await this.hub.engine.bidirectionalSync();
      await this.hub.engine.startLive();
      this.hub.engine.startAutoSync(config.syncIntervalMs);
    }
  }

  private async startWatcher(): Promise<void> {
    const watcher = watchFolder({
      root: this.root,
      quietMs: this.options.quietMs ?? 30,
      isIgnored: (rel, isDir) =>
        isDir ? this.ignoreHolder.get().ignoresDir(rel) : this.ignoreHolder.get().ignoresFile(rel),
      onPaths: (paths) => void this.onLocalPaths(paths),
      onError: (e) => {
        // The rescans stand in for the watcher: the next one that completes clears this.
        this.emit({
          type: 'error',
          source: 'scan',
          message: `file watcher failed (${e.message}); falling back to a rescan every minute`,
        });
        this.scheduleRescans(60_000);
      },
    });
    this.watcher = watcher;
    await watcher.ready;
  }

  /**
   * Before the materializer writes a large pulled batch: the watcher stops until pulls go quiet.
   * chokidar re-reads (and stats every entry of) a folder each second while files land in it,
   * which cost more than the writes themselves during a first sync of 10,000 files. Files the
   * materializer replaces are re-checked on disk first either way; a local edit elsewhere while
   * the watcher is off is found by the full scan that runs when it is back (`resumeWatcher`).
   */
  private async suspendWatcher(): Promise<void> {
    if (this.resumeTimer) clearTimeout(this.resumeTimer);
    this.resumeTimer = undefined;
    const watcher = this.watcher;
    if (!watcher) return;
    this.watcher = undefined;
    this.watcherSuspended = true;
    await watcher.close();
  }

  /** After a sync run: a suspended watcher comes back once no large batch has arrived for a while. */
  private scheduleWatcherResume(): void {
    if (!this.watcherSuspended || this.closed) return;
    if (this.resumeTimer) clearTimeout(this.resumeTimer);
    this.resumeTimer = setTimeout(() => {
      this.resumeTimer = undefined;
      this.resumeWatcher().catch((e: unknown) =>
        this.emit({
          type: 'error',
          source: 'scan',
          message: `restarting the file watcher failed: ${(e as Error).message}`,
        }),
      );
    }, WATCHER_RESUME_QUIET_MS);
    this.resumeTimer.unref();
  }

  /** The watcher again, then a full scan for what changed locally while it was off. */
  private async resumeWatcher(): Promise<void> {
    if (!this.watcherSuspended || this.closed) return;
    this.watcherSuspended = false;
    await this.startWatcher();
    if (this.closed) return;
    await this.scan();
    this.requestSync();
  }

  private scheduleRescans(intervalMs: number): void {
    if (this.rescanTimer) clearInterval(this.rescanTimer);
    this.rescanTimer = setInterval(() => {
      this.scan()
        .then(() => this.requestSync())
        .catch((e: unknown) =>
          this.emit({
            type: 'error',
            source: 'scan',
            message: `rescan failed: ${(e as Error).message}`,
          }),
        );
    }, intervalMs);
    this.rescanTimer.unref();
  }

  private async onLocalPaths(paths: string[]): Promise<void> {
    if (this.closed) return;
    try {
      if (paths.includes(IGNORE_FILE)) this.ignoreHolder.set(await loadIgnoreRules(this.root));
      const summary = await this.scanner.scanPaths(paths);
      if (summary.created + summary.updated + summary.deleted > 0) {
        this.emit({ type: 'local-change', summary });
        this.requestSync();
      }
    } catch (e) {
      this.emit({
        type: 'error',
        source: 'scan',
        message: `scanning changed files failed: ${(e as Error).message}`,
      });
    }
  }

  /** Pushes soon; many requests in a burst become one sync. */
  requestSync(): void {
    if (!this.hub || this.options.config.paused || this.closed || this.syncRequested) return;
    const engine = this.hub.engine;
    this.syncRequested = setTimeout(() => {
      this.syncRequested = undefined;
      engine
        .bidirectionalSync()
        .catch((e: unknown) =>
          this.emit({ type: 'error', source: 'sync', message: (e as Error).message }),
        );
    }, 0);
  }

  /**
   * Applies settings live (the app's settings screen): pause stops the sync triggers and
   * resume restarts them with a sync at once; a new interval replaces the periodic sync.
   * A different hub needs the device reopened. The caller persists the config.
   */
  async applySettings(change: { paused?: boolean; syncIntervalMs?: number }): Promise<void> {
    const config: DeviceConfig = { ...this.options.config, ...change };
    (this.options as { config: DeviceConfig }).config = config;
    // Not started (one-shot use) or local only: nothing runs that the change affects.
    if (!this.hub || !this.running || this.closed) return;
    if (config.paused) {
      if (this.syncRequested) clearTimeout(this.syncRequested);
      this.syncRequested = undefined;
      this.hub.engine.stopAutoSync();
      await this.hub.engine.stopLive();
      return;
    }
    this.hub.engine.startAutoSync(config.syncIntervalMs);
    await this.hub.engine.startLive();
    this.requestSync();
  }

  async resolveConflict(
    entityPath: string,
    keep: KeepChoice | { eventId: string },
  ): Promise<Result<FileView, NetGuardianError>> {
    const result = await this.manager.resolveConflict(entityPath, keep);
    if (result.ok) {
      await this.materializer.apply([result.value.entityId]);
      // Copies created (keep both) or discarded (keep mine/theirs) by the resolution.
      await this.reconcile();
      this.requestSync();
    }
    return result;
  }

  async status(): Promise<DeviceStatus> {
    // The sync status counts the snapshots and the quarantine already: one scan, not two.
    const sync: SyncStatus | null = this.hub ? await this.hub.engine.getSyncStatus() : null;
    const counts = sync ?? (await this.store.countSnapshots(this.spaceId));
    const quarantined = sync?.quarantined ?? (await this.manager.quarantine.count(this.spaceId));
    return {
      folder: this.root,
      deviceName: this.options.config.deviceName,
      nodeId: this.manager.nodeId,
      spaceId: this.spaceId,
      hub: this.hub?.store.description ?? null,
      paused: this.options.config.paused,
      sync,
      files: counts.files,
      conflicts: counts.conflicts,
      quarantined,
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.syncRequested) clearTimeout(this.syncRequested);
    if (this.rescanTimer) clearInterval(this.rescanTimer);
    if (this.resumeTimer) clearTimeout(this.resumeTimer);
    await this.watcher?.close();
    if (this.hub) {
      await this.hub.engine.close();
      await this.hub.store.close();
    }
    if (this.ownsStore) await this.store.close();
    this.log.info({ folder: this.root }, 'device closed');
  }
}

async function loadIgnoreRules(root: string): Promise<IgnoreRules> {
  try {
    return IgnoreRules.fromText(await readFile(path.join(root, IGNORE_FILE), 'utf8'));
  } catch {
    return IgnoreRules.fromText('');
  }
}
