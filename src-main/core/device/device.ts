import { readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import type { FileView } from '../../../src-shared/crdt/fileEntity.js';
import type { NetGuardianError } from '../../../src-shared/errors.js';
import type { FolderAttachReport, FolderProblem } from '../../../src-shared/ipc/contract.js';
import type { WatcherProblem } from '../../../src-shared/watcherProblems.js';
import type { Result } from '../../../src-shared/result.js';
import { CRDTManager, type KeepChoice } from '../crdtManager.js';
import { diskLimitsOf, trashLimitsOf, type DeviceConfig } from '../deviceConfig.js';
import type { ChunkSource } from '../files/chunkStore.js';
import { DiskSpace } from '../files/diskSpace.js';
import { FileIndex } from '../files/fileIndex.js';
import { IGNORE_FILE, IgnoreRules } from '../files/ignoreRules.js';
import { createMaterializer, type Materializer } from '../files/materializer.js';
import { createScanner, type ScanSummary, type Scanner } from '../files/scanner.js';
import { UnsyncableList } from '../files/unsyncableList.js';
import type { UnsyncableFiles } from '../../../src-shared/unsyncable.js';
import { openHubAccess, type HubServiceAccess } from './hubAccess.js';
import { childLogger, type Logger } from '../log.js';
import type { EventStore } from '../store/eventStore.js';
import { PlannerStatistics } from '../store/plannerStatistics.js';
import type { PgClientOptions } from '../store/pgClient.js';
import type { SyncReport, SyncStatus } from '../syncEngine.js';
import { announceWrites } from './announcedWrites.js';
import type { DeviceEvent } from './deviceEvents.js';
import { createHubLink, type HubLink } from './hubLink.js';
import { attachFolder } from './folderAttach.js';
import { FolderGuard } from './folderIdentity.js';
import { reconcileOwnHistory } from './ownEvents.js';
import { NoticedChanges } from './noticedChanges.js';
import { DeferredRetry, retryDeferred } from './deferredRetry.js';
import { retryWhenSpace, SpaceWait } from './spaceWait.js';
import { entitiesOutOfStep, foldersFilesReplace, RECONCILE_PAGE } from './reconcile.js';
import { ScanPacer } from './scanPacer.js';
import { LogUpkeep } from './logUpkeep.js';
import { noticeTrashAdditions, TrashUpkeep } from './trashUpkeep.js';
import { WatcherControl } from './watcherControl.js';

export type { DeviceErrorSource, DeviceEvent } from './deviceEvents.js';

export interface DeviceOptions {
  readonly dataDir: string;
  readonly config: DeviceConfig;
  /**
   * The hub: its sync service (`hubService`, paired with an invite), or, until every device has
   * moved to the service, a PostgreSQL server the device logs in to (`hub`, direct SQL). Resolved
   * at the edge from the config; neither = local only.
   */
  readonly hub?: PgClientOptions | undefined;
  readonly hubService?: HubServiceAccess | undefined;
  /**
   * The device's own store. The device uses it and never closes it: its owner (the process that
   * holds the data dir's lock and runs its PostgreSQL server, see `deviceOwner.ts`) does.
   */
  readonly store: EventStore;
  readonly log?: Logger;
  readonly now?: () => number;
  readonly onEvent?: (event: DeviceEvent) => void;
  /** Debounce of the watcher (ms). */
  readonly quietMs?: number;
}

/** What one `syncNow` did. */
export interface SyncRound {
  readonly scanned: ScanSummary;
  /** Undefined when nothing was synced: no hub, or paused. */
  readonly sync: SyncReport | undefined;
  /** Why the folder was not scanned nor written (see `DeviceStatus`); null when it was there. */
  readonly folder: FolderProblem | null;
}

export interface DeviceStatus {
  readonly folder: string;
  /** False while the folder (or its marker) is missing. */
  readonly folderPresent: boolean;
  /** Why the folder is not used; null while it is there. */
  readonly folderProblem: FolderProblem | null;
  /** Why the folder is not watched whole; null while it is, or while nothing watches it. */
  readonly watcherProblem: WatcherProblem | null;
  readonly deviceName: string;
  readonly nodeId: string;
  readonly spaceId: string;
  readonly hub: string | null;
  readonly paused: boolean;
  readonly sync: SyncStatus | null;
  /** Files and folders the store has (not deleted). */
  readonly files: number;
  /** The folders among `files`. */
  readonly folders: number;
  readonly conflicts: number;
  readonly quarantined: number;
  readonly unsyncable: UnsyncableFiles;
}

/** How often a missing folder is looked for. */
const FOLDER_POLL_MS = 5_000;

const noChunks: ChunkSource = { getChunks: () => Promise.resolve(new Map()) };

/**
 * One synced folder on this device, wired: store, scanner, materializer, watcher and, with a hub,
 * the sync engine (`hubLink.ts`). `start()` runs it as a daemon; one-shot use calls `scan()` and
 * `syncNow()` without starting. Watching is `WatcherControl`'s job and pacing the first scan
 * against its pushes `ScanPacer`'s; this class decides when each runs.
 *
 * The hub is opened without being reached: a device opens, records local changes and answers
 * while its hub is down, and syncs once it is back (the engine retries its live channel).
 */
export class Device {
  private readonly log: Logger;
  private closed = false;
  /** Started as a daemon (`start`): syncs as changes are recorded. */
  private running = false;
  private syncRequested: NodeJS.Timeout | undefined;
  private rules: IgnoreRules;
  /** Why the folder is not used, as last checked (assumed there until then); see `checkFolder`. */
  private folderProblemNow: FolderProblem | null = null;
  private folderPoll: NodeJS.Timeout | undefined;
  /** The folder poll under way, if any (see `pollFolder`). */
  private folderPolling: Promise<void> | undefined;

  private constructor(
    readonly options: DeviceOptions,
    readonly root: string,
    readonly store: EventStore,
    readonly manager: CRDTManager,
    readonly index: FileIndex,
    readonly scanner: Scanner,
    readonly materializer: Materializer,
    readonly hub: HubLink | undefined,
    private readonly watcher: WatcherControl,
    private readonly statistics: PlannerStatistics,
    private readonly folder: FolderGuard,
    private readonly unsyncableFiles: UnsyncableList,
    private readonly noticed: NoticedChanges,
    private readonly trashUpkeep: TrashUpkeep,
    private readonly deferredRetry: DeferredRetry,
    private readonly spaceWait: SpaceWait,
    /**
     * The folder's disk: every write into the folder checks it first (the per-file maximum, the
     * free space it keeps; diskSpace.ts), and counts against it while under way.
     */
    readonly diskSpace: DiskSpace,
    rules: IgnoreRules,
  ) {
    this.log = childLogger(options.log, 'device');
    this.rules = rules;
  }

  static async open(options: DeviceOptions): Promise<Device> {
    const { config, store } = options;
    // The folder is never created here: one that is missing stays missing (see FolderGuard).
    const root = await realpath(config.folder).catch(() => path.resolve(config.folder));
    const folder = new FolderGuard(options.dataDir, config.spaceId, config.folder);
    const log = childLogger(options.log, 'device');
    const manager = await CRDTManager.open({
      store,
      spaceId: config.spaceId,
      deviceName: config.deviceName,
      ...(options.now ? { now: options.now } : {}),
      ...(options.log ? { log: options.log } : {}),
    });
    const index = new FileIndex(store.client, config.spaceId);
    const statistics = new PlannerStatistics(store.client);
    const unsyncable = new UnsyncableList(store.client, config.spaceId);
    // What earlier runs listed shows at once; scans and downloads keep it up to date.
    await unsyncable.refresh();
    const emit = options.onEvent ?? (() => undefined);
    const noticed = new NoticedChanges((count) => emit({ type: 'noticed', count }));
    // Parts below call back into the device, which exists only once they do.
    const late: { device?: Device } = {};
    const scanner = createScanner({
      root,
      spaceId: config.spaceId,
      index,
      manager,
      ignore: () => late.device?.rules ?? IgnoreRules.fromText(''),
      onProgress: (progress) => emit({ type: 'scan', progress }),
      onBatchRecorded: () => late.device?.pacer.onBatch(),
      folderPresent: () => folder.present(),
      unsyncable,
      ...(options.log ? { log: options.log } : {}),
    });
    const hubParts = await openHubAccess(options, config.spaceId);
    const chunks = hubParts?.chunks;
    // The limits as the config says now (a running device's config may change).
    const diskSpace = new DiskSpace({
      limits: () => diskLimitsOf(late.device?.options.config ?? config),
    });
    try {
      const writer = announceWrites(
        createMaterializer({
          root,
          spaceId: config.spaceId,
          dataDir: options.dataDir,
          index,
          manager,
          chunks: chunks ?? noChunks,
          scanner,
          ignore: () => late.device?.rules ?? IgnoreRules.fromText(''),
          folderPresent: () => folder.present(),
          unsyncable,
          space: diskSpace,
          ...(options.log ? { log: options.log } : {}),
        }),
        emit,
      );
      const trashUpkeep = new TrashUpkeep({
        trash: writer.trash,
        limits: () => trashLimitsOf(late.device?.options.config ?? config),
        folderBytes: () => index.totalFileBytes(),
        ...(options.now ? { now: options.now } : {}),
        log: options.log,
      });
      // Retried only while the device runs as a daemon (`start`); a command's device closes.
      const deferredRetry = new DeferredRetry(
        async () => {
          const device = late.device;
          if (device && device.running && !device.closed) await device.reconcile();
        },
        (e) =>
          emit({
            type: 'error',
            source: 'scan',
            message: `writing files left for later failed: ${e.message}`,
          }),
      );
      // Files that waited for free space: written once the disk has room (a running device only).
      const spaceWait = new SpaceWait({
        usable: (volume) => diskSpace.usable(volume),
        retry: async () => {
          const device = late.device;
          if (device && device.running && !device.closed) await device.reconcile();
        },
        onError: (e) =>
          emit({
            type: 'error',
            source: 'scan',
            message: `writing files that waited for free space failed: ${e.message}`,
          }),
      });
      const materializer = retryWhenSpace(
        retryDeferred(noticeTrashAdditions(writer, trashUpkeep), deferredRetry),
        spaceWait,
      );
      const watcher = new WatcherControl({
        root,
        quietMs: options.quietMs ?? 30,
        ignore: () => late.device?.rules ?? IgnoreRules.fromText(''),
        onPaths: (paths) => void late.device?.onLocalPaths(paths),
        fullScan: async () => {
          const device = late.device;
          if (!device || device.closed) return;
          await device.scan();
          device.requestSync();
        },
        onError: (message) => emit({ type: 'error', source: 'scan', message }),
        onProblem: (problem) => emit({ type: 'watcher', problem }),
        onPending: (count) => noticed.waitingNow(count),
      });
      // This device's own history agrees with the hub's before its first write, and before each
      // sync run pulls or pushes anything (the hub may be down at the first write).
      const agreeWithHub = hubParts
        ? async () => {
            await hubParts.ensureAccess();
            const report = await reconcileOwnHistory({
              manager,
              hub: hubParts.peer,
              index,
              log,
            });
            if (report.dropped.length > 0) late.device?.recordAgain(report.dropped);
          }
        : undefined;
      const hub =
        hubParts && chunks
          ? createHubLink({
              address: () => hubParts.address,
              peer: hubParts.peer,
              chunks,
              roster: hubParts.roster,
              prepareRemote: agreeWithHub ?? (() => hubParts.ensureAccess()),
              spaceId: config.spaceId,
              root,
              manager,
              index,
              materializer,
              emit,
              suspendWatcher: () => watcher.suspend(),
              reindex: (path) => late.device?.recordAgain([path]),
              afterRun: () => watcher.scheduleResume(),
              noteChanges: async (count) => {
                await statistics.noteChanges(count);
              },
              ...(options.log ? { log: options.log } : {}),
            })
          : undefined;
      if (agreeWithHub) manager.gateWrites(agreeWithHub);
      const device = new Device(
        options,
        root,
        store,
        manager,
        index,
        scanner,
        materializer,
        hub,
        watcher,
        statistics,
        folder,
        unsyncable,
        noticed,
        trashUpkeep,
        deferredRetry,
        spaceWait,
        diskSpace,
        await loadIgnoreRules(root),
      );
      late.device = device;
      return device;
    } catch (e) {
      await hubParts?.peer.close();
      throw e;
    }
  }

  /** The event log compacted every few hours while the device runs (`start`). */
  private logUpkeep: LogUpkeep | undefined;

  /** Pushes each batch a running device's first scan records (see `ScanPacer`). */
  private readonly pacer = new ScanPacer(
    () => (this.hub as HubLink).engine.pushSync(),
    () => this.running && this.hub !== undefined && !this.options.config.paused && !this.closed,
  );

  get spaceId(): string {
    return this.manager.spaceId;
  }

  /**
   * The files this device cannot sync, and why: found in the folder (symlinks, special files,
   * unreadable files, names that are not valid paths, files too large) and received from other
   * devices but not writable here (names this device does not allow, names that clash on this
   * folder, files over the per-file maximum, files waiting for free space). `total` is exact; `files` holds the first 1,000 by path. Synchronous: it is read
   * as it was after the last scan or download.
   */
  unsyncable(): UnsyncableFiles {
    return this.unsyncableFiles.current();
  }

  /** The folder's ignore rules as last read (at open, each full scan, each change of the file). */
  get ignoreRules(): IgnoreRules {
    return this.rules;
  }

  private emit(event: DeviceEvent): void {
    this.options.onEvent?.(event);
  }

  /**
   * After this device's own events on `paths` were replaced by the hub's (`ownEvents.ts`): the
   * files are recorded again from what the disk holds, and the disk brought in line with the rest.
   */
  private recordAgain(paths: readonly string[]): void {
    void (async () => {
      const summary = await this.scanner.scanPaths([...paths]);
      if (summary.created + summary.updated + summary.deleted > 0)
        this.emit({ type: 'local-change', summary });
      await this.reconcile();
      this.requestSync();
    })().catch((e: unknown) =>
      this.emit({
        type: 'error',
        source: 'scan',
        message: `recording files again after the hub's history was taken back failed: ${(e as Error).message}`,
      }),
    );
  }

  /**
   * Whether the folder is there (its marker, FolderGuard), noting a change: a running device
   * whose folder went away stops watching it (nothing recorded, nothing written; `pollFolder`
   * notices its return).
   */
  private async checkFolder(): Promise<boolean> {
    const problem = await this.folder.check();
    const present = problem === null;
    if (problem === this.folderProblemNow) return present;
    const wasPresent = this.folderProblemNow === null;
    this.folderProblemNow = problem;
    this.emit({ type: 'folder', present, problem, folder: this.options.config.folder });
    this.log.warn({ folder: this.options.config.folder, problem }, 'folder presence changed');
    if (!present && wasPresent && this.running && !this.closed) await this.watcher.stop();
    return present;
  }

  /**
   * A running device looks for its folder every few seconds (a moved-away folder or an
   * unmounted drive may tell its watcher nothing): gone, it stops watching; back, it is watched
   * and scanned again, and what arrived meanwhile is written.
   */
  private pollFolder(): Promise<void> {
    if (this.closed) return Promise.resolve();
    // One at a time: a poll asked for while one runs joins it.
    this.folderPolling ??= this.lookForFolder().finally(() => {
      this.folderPolling = undefined;
    });
    return this.folderPolling;
  }

  private async lookForFolder(): Promise<void> {
    try {
      const wasPresent = this.folderProblemNow === null;
      const present = await this.checkFolder();
      if (present && !wasPresent && !this.closed) {
        await this.watchFolder();
        this.requestSync();
      }
    } catch (e) {
      this.emit({
        type: 'error',
        source: 'scan',
        message: `watching the folder again failed: ${(e as Error).message}`,
      });
    }
  }

  /** Full scan of the folder against the index. */
  async scan(): Promise<ScanSummary> {
    if (!(await this.checkFolder())) return this.scanner.scanPaths([]);
    // The scanner's bases come from the index and the store: both final once writes may start.
    await this.manager.writesReady();
    this.rules = await loadIgnoreRules(this.root);
    const summary = await this.scanner.fullScan();
    this.noticed.fullScanEnded(summary.busy);
    const changed = summary.created + summary.updated + summary.deleted;
    if (changed > 0) this.emit({ type: 'local-change', summary });
    await this.statistics.noteChanges(changed);
    return summary;
  }

  /**
   * Makes the disk match the store wherever they disagree (after a crash, a failed download, …),
   * a page at a time in path order: each page starts after the last one's last path, so what a
   * page leaves out of step (a download still waiting for content) is not asked again in this
   * run, and the loop ends with the entities.
   */
  async reconcile(): Promise<void> {
    for (let after = ''; ;) {
      const ids = await entitiesOutOfStep(this.store.client, this.spaceId, { after });
      if (ids.length === 0) return;
      await this.materializer.apply(ids);
      if (ids.length < RECONCILE_PAGE) return;
      after = ids[ids.length - 1] as string;
    }
  }

  /** One round: scan, pull (and materialize), push, reconcile. Without a hub (or paused): no sync. */
  async syncNow(): Promise<SyncRound> {
    const scanned = await this.scan();
    const sync =
      this.hub && !this.options.config.paused
        ? await this.hub.engine.bidirectionalSync()
        : undefined;
    await this.reconcile();
    return { scanned, sync, folder: this.folderProblemNow };
  }

  /**
   * `folder attach`: takes the folder at the configured path for the synced folder again, when
   * it is refused for its marker (see `folderAttach.ts`: refused when it looks like another
   * folder, unless `force`; never records a deletion). A running device then finds it as it
   * finds a folder that came back; a device opened for the command scans it at its next sync.
   */
  async attachFolder(force: boolean): Promise<FolderAttachReport> {
    const report = await attachFolder(
      {
        folder: this.options.config.folder,
        guard: this.folder,
        index: this.index,
        rules: this.rules,
        storeEntries: async () => (await this.store.countSnapshots(this.spaceId)).files,
        hasHub: this.hub !== undefined,
      },
      force,
    );
    if (report.outcome === 'attached') {
      // A poll under way may have looked before the marker was written: a fresh one after it.
      if (this.running) {
        await this.folderPolling;
        await this.pollFolder();
      } else await this.checkFolder();
    }
    return report;
  }

  /**
   * Runs as a daemon: initial scan and sync, watcher, live pull, periodic sync and rescan, the
   * trash kept within its limits (`TrashUpkeep`: now, then hourly). With
   * the folder missing, it syncs (what arrives waits in the store) and watches for the folder.
   */
  async start(): Promise<void> {
    const { config } = this.options;
    this.running = true;
    // A folder missing now was reported by the check; `pollFolder` notices its return.
    if (await this.checkFolder()) await this.watchFolder();
    this.folderPoll = setInterval(() => void this.pollFolder(), FOLDER_POLL_MS);
    this.folderPoll.unref();
    if (this.hub && !config.paused) {
      // Never fails for an unreachable hub: the run reports it (offline) and the live channel
      // keeps trying, syncing as soon as the hub answers again.
      await this.hub.engine.bidirectionalSync();
      await this.hub.engine.startLive();
      this.hub.engine.startAutoSync(config.syncIntervalMs);
    }
    // Last: the folder's size (the size limit's basis) is known once it was scanned.
    await this.trashUpkeep.start();
    this.logUpkeep ??= new LogUpkeep({
      store: this.store,
      spaceId: this.manager.spaceId,
      nodeId: this.manager.nodeId,
      historyDays: () => this.options.config.historyDays,
      ...(this.options.now ? { now: this.options.now } : {}),
      log: this.options.log,
    });
    this.logUpkeep.start();
  }

  /** The watcher first, the scan, the disk brought in line, then rescans every so often. */
  private async watchFolder(): Promise<void> {
    // The watcher first: a file changed while the scan runs is seen, not left for the next
    // rescan, and the watcher's own walk of the folder (its folders only) overlaps the scan
    // rather than the pushes that follow it.
    const watching = this.watcher.start();
    // Awaited below; a failure meanwhile must not count as unhandled.
    watching.catch(() => undefined);
    await this.scan();
    await this.reconcile();
    await watching;
    this.watcher.scheduleRescans(this.options.config.rescanIntervalMs);
  }

  private async onLocalPaths(paths: string[]): Promise<void> {
    if (this.closed) return;
    // Counted before the first await: the watcher stops counting them as soon as this returns.
    this.noticed.scanStarted(paths.length);
    let busy = 0;
    try {
      if (!(await this.checkFolder())) return;
      if (paths.includes(IGNORE_FILE)) this.rules = await loadIgnoreRules(this.root);
      await this.manager.writesReady();
      const summary = await this.scanner.scanPaths(paths);
      busy = summary.busy;
      if (summary.created + summary.updated + summary.deleted > 0) {
        this.emit({ type: 'local-change', summary });
        this.requestSync();
      }
      // Files moved out of a folder that a file replaces elsewhere: it may be written now.
      const replaced = summary.deleted > 0 ? await foldersFilesReplace(this.manager, paths) : [];
      if (replaced.length > 0)
        this.emit({ type: 'download', report: await this.materializer.apply(replaced) });
    } catch (e) {
      this.emit({
        type: 'error',
        source: 'scan',
        message: `scanning changed files failed: ${(e as Error).message}`,
      });
    } finally {
      this.noticed.scanEnded(paths.length, busy);
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
  async applySettings(change: {
    paused?: boolean;
    syncIntervalMs?: number;
    /** Applies at once: the status names the device by its config (the node id stays). */
    deviceName?: string;
  }): Promise<void> {
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
    // A running device's poll keeps this current (and must be the one to see the folder come
    // back, to watch it again); one opened for a command has not looked since it opened.
    if (!this.running) await this.checkFolder();
    const folderProblem = this.folderProblemNow;
    // The sync status counts the snapshots and the quarantine already: one scan, not two.
    const sync: SyncStatus | null = this.hub ? await this.hub.engine.getSyncStatus() : null;
    const counts = sync ?? (await this.store.countSnapshots(this.spaceId));
    const quarantined = sync?.quarantined ?? (await this.manager.quarantine.count(this.spaceId));
    return {
      folder: this.root,
      folderPresent: folderProblem === null,
      folderProblem,
      watcherProblem: this.watcher.problemNow(),
      deviceName: this.options.config.deviceName,
      nodeId: this.manager.nodeId,
      spaceId: this.spaceId,
      // host:port, as the user gave it (the peer describes itself for logs: "hub host:port").
      hub: this.hub?.address ?? null,
      paused: this.options.config.paused,
      sync,
      files: counts.files,
      folders: counts.folders,
      conflicts: counts.conflicts,
      quarantined,
      unsyncable: this.unsyncable(),
    };
  }

  /** Stops the daemon's work and the hub connection; the store stays open (its owner closes it). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.syncRequested) clearTimeout(this.syncRequested);
    if (this.folderPoll) clearInterval(this.folderPoll);
    this.deferredRetry.stop();
    this.spaceWait.stop();
    await this.trashUpkeep.stop();
    await this.logUpkeep?.stop();
    await this.watcher.close();
    if (this.hub) {
      await this.hub.engine.close();
      await this.hub.peer.close();
    }
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
