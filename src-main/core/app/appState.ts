import type { AppPhase, AppState, Progress } from '../../../src-shared/ipc/contract.js';
import { saysHubUnreachable } from '../../../src-shared/hubProblems.js';
import type { DeviceErrorSource, DeviceEvent } from '../device/device.js';

/**
 * The app's state at a glance, derived without I/O: `reduceLive` folds the
 * device's events (progress, errors, whether a sync runs) into `LiveState`, and
 * `buildAppState` combines it with the facts read from the store (`StateFacts`).
 * The service pushes the result to every UI.
 */

/** What the device's events tell, between two reads of the store. */
export interface LiveState {
  /** False until the daemon's first scan and sync finished. */
  readonly started: boolean;
  readonly syncing: boolean;
  readonly scan: Progress | null;
  readonly upload: Progress | null;
  readonly download: Progress | null;
  /**
   * The last failure in plain words; `offline` when it was the hub being unreachable.
   * It holds until what failed (its `source`) later succeeds; see `clearedBy`.
   */
  readonly lastError: LastError | null;
  /** The synced folder (or its marker) is missing: nothing is recorded or written. */
  readonly folderMissing: boolean;
}

export interface LastError {
  readonly message: string;
  readonly offline: boolean;
  readonly source: DeviceErrorSource;
}

/**
 * The error left after a success: a completed scan clears a scan failure (a failed
 * watcher is replaced by rescans, so one that completes means changes are seen again);
 * a successful sync clears a sync failure and a failed start (the daemon syncs again).
 * A local-only device never syncs, so its scan failures must clear on a scan.
 */
function clearedBy(error: LastError | null, success: 'scan' | 'sync'): LastError | null {
  if (error === null) return null;
  const clears = success === 'scan' ? error.source === 'scan' : error.source !== 'scan';
  return clears ? null : error;
}

/** What the store and the config say (read after changes, throttled). */
export interface StateFacts {
  readonly deviceName: string;
  readonly folder: string;
  readonly paused: boolean;
  /** Null when the device is local only. */
  readonly hub: { readonly description: string; readonly connected: boolean } | null;
  readonly lastSyncAt: number | null;
  readonly files: number;
  readonly conflicts: number;
  readonly pendingUpload: number;
  readonly pendingDownload: number;
}

export const initialLive: LiveState = {
  started: false,
  syncing: false,
  scan: null,
  upload: null,
  download: null,
  lastError: null,
  folderMissing: false,
};

/** The next live state after a device event. Pure: same inputs, same output. */
export function reduceLive(live: LiveState, event: DeviceEvent): LiveState {
  switch (event.type) {
    case 'scan': {
      const p = event.progress;
      if (p.phase === 'done')
        return { ...live, scan: null, lastError: clearedBy(live.lastError, 'scan') };
      const hashing = p.phase === 'hashing';
      return {
        ...live,
        scan: {
          done: hashing ? p.hashed : p.filesSeen,
          total: hashing ? p.toHash : null,
          bytes: p.bytesHashed,
          label: hashing ? 'Checking changed files' : 'Looking for changes',
        },
      };
    }
    case 'sync-progress': {
      const progress: Progress = {
        done: event.done,
        total: event.total,
        bytes: 0,
        label: event.direction === 'push' ? 'Sending changes' : 'Receiving changes',
      };
      return event.direction === 'push'
        ? { ...live, syncing: true, upload: progress }
        : { ...live, syncing: true, download: progress };
    }
    case 'upload': {
      const before = live.upload;
      return {
        ...live,
        syncing: true,
        upload: {
          done: before?.done ?? 0,
          total: before?.total ?? null,
          bytes: (before?.bytes ?? 0) + event.bytes,
          label: 'Uploading file contents',
        },
      };
    }
    case 'download':
      return live;
    case 'synced': {
      const error = event.report.error;
      return {
        ...live,
        syncing: false,
        upload: null,
        download: null,
        lastError:
          error === null
            ? clearedBy(live.lastError, 'sync')
            : { message: `Sync failed: ${error}`, offline: looksOffline(error), source: 'sync' },
      };
    }
    case 'local-change':
      return { ...live, lastError: clearedBy(live.lastError, 'scan') };
    case 'error':
      return {
        ...live,
        lastError: { message: event.message, offline: false, source: event.source },
      };
    case 'folder':
      return { ...live, folderMissing: !event.present, scan: event.present ? live.scan : null };
    default: {
      const never: never = event;
      throw new Error(`unhandled device event ${JSON.stringify(never)}`);
    }
  }
}

const OFFLINE_HINTS = /ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EHOSTUNREACH|ECONNRESET|timeout|terminat/i;

/** Whether a sync error reads like the hub being unreachable (rather than a failure to fix). */
export const looksOffline = (message: string): boolean =>
  saysHubUnreachable(message) || OFFLINE_HINTS.test(message);

/**
 * Exactly one phase, in the order a person must hear it (contract): folder-missing > error >
 * offline > conflicts > paused > syncing > scanning > synced; `starting` until
 * the daemon's first round finished (unless something already went wrong).
 */
export function phaseOf(facts: StateFacts, live: LiveState): AppPhase {
  if (live.folderMissing) return 'folder-missing';
  if (live.lastError && !live.lastError.offline) return 'error';
  if (facts.hub && (!facts.hub.connected || live.lastError?.offline === true)) return 'offline';
  if (facts.conflicts > 0) return 'conflicts';
  if (facts.paused) return 'paused';
  if (!live.started) return 'starting';
  if (live.syncing) return 'syncing';
  if (live.scan) return 'scanning';
  return 'synced';
}

export function buildAppState(facts: StateFacts, live: LiveState): AppState {
  return {
    phase: phaseOf(facts, live),
    deviceName: facts.deviceName,
    folder: facts.folder,
    hub: facts.hub,
    lastSyncAt: facts.lastSyncAt,
    files: facts.files,
    conflicts: facts.conflicts,
    pending: { upload: facts.pendingUpload, download: facts.pendingDownload },
    progress: { scan: live.scan, upload: live.upload, download: live.download },
    lastError: live.lastError?.message ?? null,
    paused: facts.paused,
  };
}
