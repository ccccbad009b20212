import type { MaterializeReport } from '../files/materializer.js';
import type { ScanProgress, ScanSummary } from '../files/scanner.js';
import type { SyncReport } from '../syncEngine.js';

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
  | { readonly type: 'error'; readonly source: DeviceErrorSource; readonly message: string }
  /** The folder went missing (moved away, unmounted, its marker gone) or came back. */
  | { readonly type: 'folder'; readonly present: boolean; readonly folder: string };
