import type { AppState, PushMessage } from '../../../src-shared/ipc/contract.js';
import type { ActivityDraft, ActivityLog } from './activityLog.js';
import type { LiveState } from './appState.js';
import type { NameBook } from './deviceNames.js';
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
  setLive(update: (live: LiveState) => LiveState): void;
  note(draft: ActivityDraft): void;
  publish(message: PushMessage): void;
  /** Re-reads counts and status soon (throttled) and pushes the new state. */
  refresh(): void;
  state(): Promise<AppState>;
  /** Whether the daemon runs (started: watching and syncing), not just opened for a command. */
  running(): boolean;
}
