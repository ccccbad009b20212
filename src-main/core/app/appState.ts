import type { FolderProblem, Progress } from '../../../src-shared/ipc/contract.js';
import { errorInWords } from '../../../src-shared/errorWords.js';
import { saysHubUnreachable } from '../../../src-shared/hubProblems.js';
import type { WatcherProblem } from '../../../src-shared/watcherProblems.js';
import type { DeviceErrorSource, DeviceEvent } from '../device/device.js';

/**
 * The app's state at a glance, derived without I/O: `reduceLive` folds the
 * device's events (progress, errors, whether a sync runs) into `LiveState`, and
 * `summarizeState` (`stateSummary.ts`) combines it with the facts read from the
 * store (`StateFacts`). The service pushes the result to every UI.
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
  /**
   * Why the synced folder is not used (missing, or its marker missing or another folder's):
   * nothing is recorded or written. Null while it is there.
   */
  readonly folderProblem: FolderProblem | null;
  /** Why the folder is not watched whole (rescans stand in); null while it is. */
  readonly watcherProblem: WatcherProblem | null;
  /** Changes the watcher noticed that are not recorded yet (see the `noticed` device event). */
  readonly noticed: number;
  /** Entities the materializer is writing into the folder now (summed over its runs). */
  readonly writing: number;
  /** File contents being uploaded to the hub now; null when none. */
  readonly contents: { readonly files: number; readonly bytes: number } | null;
  /** Imports into the folder running now (the app's import and upload), with the latest progress. */
  readonly importing: { readonly running: number; readonly done: number; readonly total: number };
  /**
   * Counts what may have changed the facts (a recorded change, a written or synced batch, a
   * request that changed something). Facts read before the latest count (`changesRead`) may
   * miss it: they can't vouch for "Synced" (a restore must never read as synced on the old
   * count of pending changes).
   */
  readonly changes: number;
}

export interface LastError {
  readonly message: string;
  readonly offline: boolean;
  readonly source: DeviceErrorSource;
}

/**
 * The hub answered in the middle of a run (which contents it lacks, a batch sent or received,
 * contents uploaded): an "offline" from an earlier run is no longer true. Without this the state
 * said Offline through a whole long first upload after a hub process failed over, until the run
 * ended.
 */
const hubAnswered = (live: LiveState): LiveState =>
  live.lastError?.offline === true ? { ...live, lastError: null } : live;

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
  /** The folders among `files`. */
  readonly folders: number;
  readonly conflicts: number;
  readonly pendingUpload: number;
  readonly pendingDownload: number;
  /** Files listed as unable to sync. */
  readonly unsyncable: number;
  /** `LiveState.changes` when this read began: the changes these facts include. */
  readonly changesRead: number;
}

export const initialLive: LiveState = {
  started: false,
  syncing: false,
  scan: null,
  upload: null,
  download: null,
  lastError: null,
  folderProblem: null,
  watcherProblem: null,
  noticed: 0,
  writing: 0,
  contents: null,
  importing: { running: 0, done: 0, total: 0 },
  changes: 0,
};

/** Something may have changed what the store says: facts read before now are out of date. */
export const changed = (live: LiveState): LiveState => ({ ...live, changes: live.changes + 1 });

/** An import into the folder started, progressed or ended (the app's, not a device event). */
export function importStep(
  live: LiveState,
  step: 'start' | 'end' | { readonly done: number; readonly total: number },
): LiveState {
  const { running, done, total } = live.importing;
  if (step === 'start') return { ...live, importing: { running: running + 1, done, total } };
  if (step === 'end') {
    const left = Math.max(0, running - 1);
    return {
      ...live,
      importing: left === 0 ? { running: 0, done: 0, total: 0 } : { running: left, done, total },
    };
  }
  return { ...live, importing: { running, done: step.done, total: step.total } };
}

/** The next live state after a device event. Pure: same inputs, same output. */
export function reduceLive(live: LiveState, event: DeviceEvent): LiveState {
  switch (event.type) {
    case 'scan': {
      const p = event.progress;
      // A finished scan may have listed files that can't sync: counted again before "Synced".
      if (p.phase === 'done')
        return changed({ ...live, scan: null, lastError: clearedBy(live.lastError, 'scan') });
      const hashing = p.phase === 'hashing';
      return {
        ...live,
        scan: {
          done: hashing ? p.hashed : p.filesSeen,
          // Files found changing again while hashed are hashed twice: the total grows with
          // them, so progress never reads past 100%.
          total: hashing ? Math.max(p.toHash, p.hashed) : null,
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
      const reached = hubAnswered(live);
      return event.direction === 'push'
        ? { ...reached, syncing: true, upload: progress }
        : { ...reached, syncing: true, download: progress };
    }
    case 'uploading':
      // Said once the hub answered which contents it lacks.
      return {
        ...hubAnswered(live),
        syncing: true,
        contents: { files: event.files, bytes: event.bytes },
      };
    case 'upload': {
      const before = live.upload;
      return {
        ...hubAnswered(live),
        syncing: true,
        contents: null,
        upload: {
          done: before?.done ?? 0,
          total: before?.total ?? null,
          bytes: (before?.bytes ?? 0) + event.bytes,
          label: 'Uploading file contents',
        },
      };
    }
    case 'download':
      return changed(hubAnswered(live));
    case 'materialize':
      return event.phase === 'start'
        ? { ...live, writing: live.writing + event.files }
        : changed({ ...live, writing: Math.max(0, live.writing - event.files) });
    case 'noticed':
      return { ...live, noticed: event.count };
    case 'synced': {
      const { error, sent, received } = event.report;
      // A run that moved nothing changed no count (a periodic run must not unsettle "Synced").
      const next = sent + received > 0 ? changed(live) : live;
      return {
        ...next,
        syncing: false,
        upload: null,
        download: null,
        contents: null,
        lastError:
          error === null
            ? clearedBy(live.lastError, 'sync')
            : {
                // In words for people (src-shared/errorWords.ts); offline is read from the raw text.
                message: errorInWords(`Sync failed: ${error}`),
                offline: looksOffline(error),
                source: 'sync',
              },
      };
    }
    case 'local-change':
      return changed({ ...live, lastError: clearedBy(live.lastError, 'scan') });
    case 'error':
      return {
        ...live,
        lastError: { message: errorInWords(event.message), offline: false, source: event.source },
      };
    case 'folder':
      return { ...live, folderProblem: event.problem, scan: event.present ? live.scan : null };
    case 'watcher':
      return { ...live, watcherProblem: event.problem };
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
