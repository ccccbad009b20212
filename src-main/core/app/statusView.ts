import type {
  DeviceStatusView,
  FolderProblem,
  StateHeadline,
  SyncRunReport,
} from '../../../src-shared/ipc/contract.js';
import type { DeviceStatus } from '../device/device.js';
import type { SyncReport } from '../syncEngine.js';
import type { ScanSummary } from '../files/scanner.js';

/** The CLI's status from the device's (`device:status`) and the app's computed state. */
export function deviceStatusView(
  status: DeviceStatus,
  app: {
    readonly running: boolean;
    readonly pendingDownload: number;
    readonly state: StateHeadline;
  },
): DeviceStatusView {
  const { running, pendingDownload, state } = app;
  const sync = status.sync;
  return {
    state,
    pendingDownload,
    folderPresent: status.folderPresent,
    folderProblem: status.folderProblem,
    watcherProblem: status.watcherProblem,
    deviceName: status.deviceName,
    nodeId: status.nodeId,
    folder: status.folder,
    spaceId: status.spaceId,
    files: status.files,
    folders: status.folders,
    conflicts: status.conflicts,
    held: status.quarantined,
    paused: status.paused,
    running,
    unsyncable: status.unsyncable,
    hub: sync
      ? {
          address: status.hub ?? sync.peer,
          reachable: sync.online,
          problem: sync.offlineReason,
          live: sync.live,
          lastSync: sync.lastSync
            ? {
                at: Date.parse(sync.lastSync.at),
                sent: sync.lastSync.eventsSent,
                received: sync.lastSync.eventsReceived,
              }
            : null,
          pendingUpload: sync.pendingPush,
          lastError: sync.lastError
            ? { at: Date.parse(sync.lastError.at), message: sync.lastError.error ?? 'failed' }
            : null,
        }
      : null,
  };
}

/**
 * What a `sync:run` did, from the scan's summary, the sync's report (none: not synced) and why
 * the folder was not used (null: it was).
 */
export function syncRunReport(
  scan: ScanSummary,
  sync: SyncReport | undefined,
  folderProblem: FolderProblem | null,
): SyncRunReport {
  return {
    scanned: { created: scan.created, updated: scan.updated, deleted: scan.deleted },
    synced: sync !== undefined,
    sent: sync?.sent ?? 0,
    received: sync?.received ?? 0,
    held: sync?.quarantined.length ?? 0,
    error: sync?.error ?? null,
    folderProblem,
  };
}
