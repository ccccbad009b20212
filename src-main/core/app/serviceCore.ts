import type { AppState, PushMessage, StateHeadline } from '../../../src-shared/ipc/contract.js';
import type { ActivityDraft, ActivityLog } from './activityLog.js';
import type { LiveState } from './appState.js';
import type { NameBook } from './deviceNames.js';
import type { PendingDownloads } from './folderStates.js';
import type { DeviceHost } from './deviceHost.js';

/** What the handlers need from the service's shared state. */
export interface ServiceCore {
  readonly host: DeviceHost;
  readonly names: NameBook;
  readonly activity: ActivityLog;
  /** This device's seq the hub holds (push frontier); null without a hub. */
  pushedSeq(): Promise<number | null>;
  /** Files the store has that the folder does not hold yet (still to be written). */
  pendingDownload(): Promise<number>;
  /** The same, with the folders they wait in (folderStates.ts). */
  pendingDownloads(): Promise<PendingDownloads>;
  setLive(update: (live: LiveState) => LiveState): void;
  note(draft: ActivityDraft): void;
  publish(message: PushMessage): void;
  /**
   * Something changed what the store says: counts and status are re-read soon (throttled) and
   * the new state pushed; until then the state is not "Synced".
   */
  refresh(): void;
  /** The same, read before it resolves (a request's answer then matches the pushed state). */
  refreshNow(): Promise<void>;
  state(): Promise<AppState>;
  /** The state's phase and sentences for `device:status` (a CLI command's device too). */
  headline(): Promise<StateHeadline>;
  /** Whether the daemon runs (started: watching and syncing), not just opened for a command. */
  running(): boolean;
}
