import { errorInWords } from '../../../src-shared/errorWords.js';
import type {
  AppState,
  ContractHandlers,
  PushMessage,
  StateHeadline,
} from '../../../src-shared/ipc/contract.js';
import type { Device, DeviceEvent } from '../device/device.js';
import type { EventStore } from '../store/eventStore.js';
import type { Logger } from '../log.js';
import { childLogger } from '../log.js';
import { ActivityFile, readActivity } from './activityFile.js';
import {
  ActivityLog,
  describeDeviceEvent,
  describeReconnect,
  type ActivityDraft,
} from './activityLog.js';
import { IdleCompaction } from '../idleCompaction.js';
import { changed, initialLive, reduceLive, type LiveState, type StateFacts } from './appState.js';
import { createNameBook, type NameBook } from './deviceNames.js';
import { DeviceHost, type HubResolver } from './deviceHost.js';
import { readPendingDownloads } from './fileList.js';
import type { PendingDownloads } from './folderStates.js';
import { createHandlers } from './handlers.js';
import type { UploadResult } from './receiveUpload.js';
import type { DownloadSource } from '../files/fileDownload.js';
import type { OwnHub } from './ownHub.js';
import { ownHubSeen } from './hubHandlers.js';
import { isServiceHub, type DeviceConfig } from '../deviceConfig.js';
import type { ServiceCore } from './serviceCore.js';
import { buildAppState, summarizeState } from './stateSummary.js';
import { createThrottle } from './throttle.js';

/**
 * The core side of the app: everything a UI talks to. It opens the device
 * from a data directory, answers every channel of the IPC contract, and
 * pushes state, activity and change notices to subscribers. Transports
 * (Electron's utility process port, the headless WebSocket) sit on top.
 */

export interface AppServiceOptions {
  readonly dataDir: string;
  /** The device's store: the caller owns the data dir (its lock and server) and closes the store. */
  readonly store: EventStore;
  /** The hub connection for a config (the edge may add the environment's); default: the config's. */
  readonly resolveHub?: HubResolver;
  readonly log?: Logger;
  /** Watcher debounce (ms). */
  readonly quietMs?: number;
  /** State pushes are coalesced to at most one per this many ms (default 100). */
  readonly statePushMs?: number;
  /**
   * The hub this app may run on its computer (`hub:create`, `hub:invite`); the owner starts and
   * stops it. Without it the device can join hubs but not run one.
   */
  readonly ownHub?: OwnHub;
}

export interface AppService extends ContractHandlers {
  /** Pushes to a UI; returns the unsubscribe function. */
  subscribe(listener: (message: PushMessage) => void): () => void;
  /** Runs the daemon: first scan and sync, then the watcher, live and periodic sync. */
  start(): Promise<void>;
  /** The headless UI's upload: the body of one file into the folder. */
  receiveUpload(
    relPath: string,
    body: AsyncIterable<Uint8Array>,
    size: number | null,
  ): Promise<UploadResult>;
  /** The headless UI's download: one file of the folder, opened and checked. */
  openDownload(relPath: string): Promise<DownloadSource>;
  /** The synced folder's real path. */
  readonly root: string;
  close(): Promise<void>;
}

const PATHS_PER_NOTICE = 1_000;
/** Activity items kept (in memory and in the data dir): the latest, oldest dropped first. */
const ACTIVITY_KEPT = 500;

export async function createAppService(options: AppServiceOptions): Promise<AppService> {
  const log = childLogger(options.log, 'app');
  const listeners = new Set<(message: PushMessage) => void>();
  // The activity kept across restarts, in the data dir (activityFile.ts).
  const activityFile = new ActivityFile(options.dataDir, log);
  const activity = new ActivityLog(ACTIVITY_KEPT, Date.now, {
    restored: await readActivity(options.dataDir, log),
    onChange: (items) => activityFile.save(items),
  });
  let live: LiveState = initialLive;
  let facts: StateFacts | undefined;
  let pushedSeq: number | null = null;
  let lastConflicts: number | undefined;
  let closed = false;
  /** The daemon was started (`start`), not only opened to answer a command. */
  let started = false;
  // Pending downloads as last counted, and whether an event or a request may have changed them.
  let downloadsStale = true;
  let pendingDownload: PendingDownloads = { count: 0, folders: new Set() };

  const publish = (message: PushMessage) => {
    for (const listener of listeners) {
      try {
        listener(message);
      } catch (e) {
        log.warn({ error: (e as Error).message }, 'push listener failed');
      }
    }
  };
  const note = (draft: ActivityDraft) =>
    publish({ channel: 'activity', payload: activity.add(draft) });
  const filesChanged = (paths: readonly string[]) =>
    publish({
      channel: 'files:changed',
      payload: { paths: paths.length > PATHS_PER_NOTICE ? [] : [...paths] },
    });

  // Events arrive from the device's first open on, before `host` is assigned.
  const opened: { host?: DeviceHost; names?: NameBook } = {};
  const idleCompaction = new IdleCompaction();
  const onEvent = (event: DeviceEvent) => {
    if (closed) return;
    idleCompaction.activity();
    // The watcher's count of unrecorded changes moves with every file it hears of; it changes
    // nothing in the store.
    if (event.type !== 'noticed') downloadsStale = true;
    const before = live;
    live = reduceLive(live, event);
    statePush.request();
    for (const draft of describeReconnect(before, live)) note(draft);
    if (opened.names) for (const draft of describeDeviceEvent(event, opened.names)) note(draft);
    switch (event.type) {
      case 'local-change':
        filesChanged([]);
        factsRefresh.request();
        break;
      case 'download': {
        const r = event.report;
        filesChanged([
          ...r.written,
          ...r.removed,
          ...r.dirsCreated,
          ...r.conflictCopies,
          ...r.modeChanged,
        ]);
        factsRefresh.request();
        break;
      }
      case 'synced':
        syncRuns++;
        // What this run sent is on the hub now: rows that said "Waiting to upload" are synced,
        // and the list must read them again (their paths aren't kept; the rows on screen are).
        if (event.report.sent > 0) filesChanged([]);
        else if (event.report.changes.length > 0)
          filesChanged(event.report.changes.map((c) => c.entityId));
        factsRefresh.request();
        break;
      case 'scan':
        if (event.progress.phase === 'done') factsRefresh.request();
        break;
      case 'materialize':
        if (event.phase === 'end') factsRefresh.request();
        break;
      default:
        break;
    }
  };

  /**
   * This device's push frontier on the hub, re-read after every sync run (`syncRuns` counts
   * them), so a file list never calls a pushed change pending because of a stale value.
   */
  let syncRuns = 0;
  let pushedSeqRun = -1;
  async function readPushedSeq(): Promise<number | null> {
    const device = await (opened.host as DeviceHost).device();
    if (!device.hub) return (pushedSeq = null);
    if (pushedSeqRun === syncRuns && pushedSeq !== null) return pushedSeq;
    // A hub known to be down is not asked (a dropped connection attempt takes seconds).
    if (!device.hub.engine.reachable) return pushedSeq;
    const run = syncRuns;
    try {
      const frontier = await device.hub.peer.getFrontier(device.spaceId);
      pushedSeq = frontier[device.manager.nodeId] ?? 0;
      pushedSeqRun = run;
    } catch {
      // Unreachable: keep what we last knew.
    }
    return pushedSeq;
  }

  /**
   * Pending downloads join every snapshot with the file index (about 500 ms at 100,000 files on
   * PGlite), and only a device event (a change, download, sync or scan) or a request that changes
   * something (which refreshes) can change them: they are recounted then, not on every read.
   */
  async function pendingDownloads(device: Device): Promise<PendingDownloads> {
    if (!downloadsStale) return pendingDownload;
    downloadsStale = false;
    try {
      pendingDownload = await readPendingDownloads(
        device.store.client,
        device.spaceId,
        device.ignoreRules,
      );
    } catch (e) {
      downloadsStale = true;
      throw e;
    }
    return pendingDownload;
  }

  /**
   * Where the hub is, as the header says it: the hub this app runs is named where the other
   * devices reach it (as Settings and the invite name it), not by the loopback address this
   * device itself uses.
   */
  const hubWhere = (hub: DeviceConfig['hub'], reachedAt: string): string => {
    const own = ownHubSeen(options.ownHub);
    return own && hub && isServiceHub(hub) && hub.hubId === own.hubId ? own.address : reachedAt;
  };

  async function readFacts(): Promise<StateFacts> {
    // Taken first: whatever happens while this read runs is newer than these facts.
    const changesRead = live.changes;
    const h = opened.host as DeviceHost;
    const device = await h.device();
    const status = await device.status();
    await readPushedSeq();
    const lastSyncAt = status.sync?.lastSync ? Date.parse(status.sync.lastSync.at) : null;
    return {
      deviceName: h.config.deviceName,
      folder: status.folder,
      paused: h.config.paused,
      hub:
        status.sync && status.hub
          ? { description: hubWhere(h.config.hub, status.hub), connected: status.sync.online }
          : null,
      lastSyncAt,
      files: status.files,
      folders: status.folders,
      conflicts: status.conflicts,
      pendingUpload: status.sync?.pendingPush ?? 0,
      pendingDownload: (await pendingDownloads(device)).count,
      unsyncable: device.unsyncable().total,
      changesRead,
    };
  }

  // Reads may overlap (a request's and a throttled one): only a newer read replaces the facts.
  let reads = 0;
  let appliedRead = 0;
  const refreshNow = async () => {
    if (closed || !opened.host) return;
    const read = ++reads;
    try {
      const fresh = await readFacts();
      if (read < appliedRead) return;
      appliedRead = read;
      facts = fresh;
    } catch (e) {
      log.warn({ error: (e as Error).message }, 'reading the state failed');
      return;
    }
    if (lastConflicts !== undefined && facts.conflicts !== lastConflicts)
      publish({ channel: 'conflicts:changed', payload: { count: facts.conflicts } });
    lastConflicts = facts.conflicts;
    statePush.request();
  };
  const factsRefresh = createThrottle(refreshNow, 250);
  // A request reads fresh facts; pushes between requests use the throttled refresh.
  const state = async (): Promise<AppState> => {
    await refreshNow();
    if (!facts) throw new Error('the device state could not be read');
    return buildAppState(facts, live);
  };
  /**
   * The state as `device:status` tells it: a device no daemon runs (a CLI command opened it) has
   * no first round to wait for, so it is never "starting"; see `summarizeState`.
   */
  const headline = async (): Promise<StateHeadline> => {
    await refreshNow();
    if (!facts) throw new Error('the device state could not be read');
    return summarizeState(facts, started ? live : { ...live, started: true });
  };
  /** Something changed what the store says: the facts are re-read soon, "Synced" waits for them. */
  const markChanged = () => {
    live = changed(live);
    downloadsStale = true;
  };
  const statePush = createThrottle(() => {
    if (facts && listeners.size > 0)
      publish({ channel: 'state', payload: buildAppState(facts, live) });
  }, options.statePushMs ?? 100);

  const host = await DeviceHost.open({
    dataDir: options.dataDir,
    store: options.store,
    onEvent,
    ...(options.resolveHub ? { resolveHub: options.resolveHub } : {}),
    ...(options.log ? { log: options.log } : {}),
    ...(options.quietMs !== undefined ? { quietMs: options.quietMs } : {}),
  });
  const firstDevice = await host.device();
  const names = createNameBook(firstDevice.manager.nodeId, () => host.config.deviceName, {
    // Other devices' names as the hub keeps them: a device renamed in its Settings told it.
    peers: async () => (await host.device()).hub?.roster,
  });
  opened.host = host;
  opened.names = names;
  await refreshNow();

  const core: ServiceCore = {
    host,
    names,
    activity,
    pushedSeq: readPushedSeq,
    pendingDownload: async () => (await pendingDownloads(await host.device())).count,
    pendingDownloads: async () => pendingDownloads(await host.device()),
    setLive: (update) => {
      live = update(live);
      statePush.request();
    },
    note,
    publish,
    refresh: () => {
      markChanged();
      factsRefresh.request();
    },
    refreshNow: async () => {
      markChanged();
      await refreshNow();
    },
    state,
    headline,
    running: () => started,
  };
  const handlers = createHandlers(core, options.ownHub);

  return {
    ...handlers,
    root: firstDevice.root,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async start() {
      started = true;
      try {
        await host.start();
      } catch (e) {
        // In the catalogue's words, as the activity item is (src-shared/errorWords.ts).
        const message = errorInWords(`Starting the sync failed: ${(e as Error).message}`);
        live = { ...live, lastError: { message, offline: false, source: 'start' } };
        note({ kind: 'error', message });
        throw e;
      } finally {
        live = { ...live, started: true };
        await refreshNow();
      }
    },
    receiveUpload: (relPath, body, size) => handlers.receiveUpload(relPath, body, size),
    openDownload: (relPath) => handlers.openDownload(relPath),
    async close() {
      if (closed) return;
      closed = true;
      idleCompaction.dispose();
      statePush.cancel();
      factsRefresh.cancel();
      listeners.clear();
      await host.close();
      await activityFile.flush();
    },
  };
}
