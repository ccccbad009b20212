import type { FolderProblem } from '../../../src-shared/ipc/contract.js';
import type { WatcherProblem } from '../../../src-shared/watcherProblems.js';
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
  /** File contents about to be uploaded (the chunks the hub lacks) before a batch is pushed. */
  | { readonly type: 'uploading'; readonly files: number; readonly bytes: number }
  /** File contents uploaded for a pushed batch. */
  | { readonly type: 'upload'; readonly bytes: number; readonly chunks: number }
  | { readonly type: 'download'; readonly report: MaterializeReport }
  /**
   * The materializer starts (`start`) or finished (`end`) writing `files` entities into the
   * folder: a pulled batch, a restore, a resolution, the disk brought in line with the store.
   */
  | { readonly type: 'materialize'; readonly phase: 'start' | 'end'; readonly files: number }
  /**
   * Changes the watcher noticed in the folder that are not recorded yet: waiting for the folder
   * to be quiet, being scanned, or found still changing by the scan (a copy under way).
   */
  | { readonly type: 'noticed'; readonly count: number }
  | {
      readonly type: 'sync-progress';
      readonly direction: 'pull' | 'push';
      readonly done: number;
      readonly total: number;
    }
  | { readonly type: 'synced'; readonly report: SyncReport }
  | { readonly type: 'local-change'; readonly summary: ScanSummary }
  | { readonly type: 'error'; readonly source: DeviceErrorSource; readonly message: string }
  /**
   * The folder went missing (moved away, unmounted), stopped being recognized (its marker gone
   * or another folder's), or came back: `problem` says which, null when it is there.
   */
  | {
      readonly type: 'folder';
      readonly present: boolean;
      readonly problem: FolderProblem | null;
      readonly folder: string;
    }
  /**
   * The folder stopped being watched whole (the OS's limit on watches reached: rescans every
   * minute stand in), or is watched whole again (`problem` null).
   */
  | { readonly type: 'watcher'; readonly problem: WatcherProblem | null };
