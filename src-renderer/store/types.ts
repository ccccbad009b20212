import type {
  ActivityItem,
  AppState,
  ConflictInfo,
  ContractClient,
  DevicesView,
  FileRow,
  FileSortKey,
  HistoryEntry,
  HubInvite,
  ImportReport,
  PushMap,
  PushMessage,
  RequestOf,
  ResolveOutcome,
  SettingsView,
  TrashView,
  VersionContent,
} from '../../src-shared/ipc/contract.js';
import type {
  ConnectionStatus,
  DropPayload,
  Picker,
  UploadProgress,
  Uploader,
} from '../transport/types.js';
import type { UnsyncableFiles } from '../../src-shared/unsyncable.js';

/**
 * The renderer's one store, as typed slices. Each slice mirrors what the core pushes or answers;
 * no sync rule lives here. Interfaces are all in this file so slice implementations depend on it
 * and never on each other.
 */

export interface StatusSlice {
  status: {
    /** The core's state at a glance; null until the first answer. */
    readonly app: AppState | null;
    readonly connection: ConnectionStatus;
    readonly error: string | null;
  };
  loadState: () => Promise<void>;
  setConnection: (connection: ConnectionStatus) => void;
  syncNow: () => Promise<void>;
  setPaused: (paused: boolean) => Promise<void>;
  /** Routes one push to the slice that mirrors it. */
  applyPush: (message: PushMessage) => void;
}

export interface ActivitySlice {
  activity: { readonly items: readonly ActivityItem[] | null; readonly error: string | null };
  loadActivity: () => Promise<void>;
}

export interface FilesSlice {
  files: {
    /** What is typed in the search box. */
    readonly input: string;
    /** The query the cached pages answer (the input, debounced). */
    readonly query: string;
    /** Rows matching `query`; null while the first page is loading. */
    readonly total: number | null;
    /** Cached pages by page index (offset / PAGE_SIZE). */
    readonly pages: Readonly<Record<number, readonly FileRow[]>>;
    readonly error: string | null;
    /** The rows on screen (first, last index), so pushes refetch only those. */
    readonly visible: { readonly start: number; readonly end: number };
    readonly selected: { readonly path: string; readonly kind: FileRow['kind'] } | null;
    /** The folder shown ('' = the top of the synced folder). */
    readonly folder: string;
    /** Folders to go back to (the latest last) and forward to (the next first). */
    readonly back: readonly string[];
    readonly forward: readonly string[];
    /** The column the rows are ordered by, and whether from the largest/newest/Z. */
    readonly sort: FileSortKey;
    readonly descending: boolean;
  };
  /** Orders the list by a column; the same column again reverses it. */
  sortFiles: (by: FileSortKey) => void;
  browseFolder: (folder: string) => void;
  goBack: () => void;
  goForward: () => void;
  setFileSearch: (input: string) => void;
  showFileRange: (start: number, end: number) => void;
  refreshFiles: () => Promise<void>;
  selectFile: (row: Pick<FileRow, 'path' | 'kind'> | null) => void;
}

export interface HistorySlice {
  history: {
    readonly path: string | null;
    readonly entries: readonly HistoryEntry[] | null;
    readonly error: string | null;
    /** The version being restored, while its call runs and the history is read again. */
    readonly restoring: string | null;
    /** What the last restore did, once the history shows it. */
    readonly message: string | null;
    /** Why the last restore failed, as a sentence; null when it didn't. */
    readonly failure: string | null;
  };
  loadHistory: (path: string) => Promise<void>;
  restoreVersion: (eventId: string) => Promise<void>;
  /** Undoing deletions: everything deleted since then comes back (`history:restoreDeleted`). */
  restoreDeleted: {
    readonly running: boolean;
    /** What the last run did, in words; null before the first. */
    readonly message: string | null;
  };
  restoreDeletedSince: (sinceMs: number) => Promise<void>;
  /** This device's trash at a glance (`trash:list`); null until loaded. */
  trash: { readonly view: TrashView | null; readonly error: string | null };
  loadTrash: () => Promise<void>;
}

export type ResolveItem = RequestOf<'conflicts:resolve'>['items'][number];

export interface ConflictsSlice {
  conflicts: {
    readonly list: readonly ConflictInfo[] | null;
    readonly error: string | null;
    /** Paths ticked for the bulk action. */
    readonly selected: readonly string[];
    /** Paths whose resolution is running or done but not yet gone from the list. */
    readonly resolving: readonly string[];
    readonly results: readonly ResolveOutcome[] | null;
    readonly resolveError: string | null;
    /** What the person chose for each path (kept until another choice replaces it). */
    readonly choices: Readonly<Record<string, ResolveItem['keep']>>;
    /** Paths whose choice can still be undone: sent together when the undo window ends. */
    readonly waiting: readonly string[];
  };
  loadConflicts: () => Promise<void>;
  toggleConflict: (path: string) => void;
  selectAllConflicts: (selected: boolean) => void;
  /** Sends the resolutions now (no undo); `chooseResolutions` is the screen's way. */
  resolveConflicts: (items: readonly ResolveItem[]) => Promise<void>;
  /**
   * Records choices and (re)starts the undo window; when it ends, every waiting choice is sent
   * in one `conflicts:resolve`. Nothing reaches the core before, so an undo has nothing to revert.
   */
  chooseResolutions: (items: readonly ResolveItem[]) => void;
  /** Takes back a waiting choice (all of them without a path). */
  undoResolution: (path?: string) => void;
  /** Sends the waiting choices at once (the person leaves the screen or the app). */
  flushResolutions: () => Promise<void>;
  /** One version's content for the preview; failures come back as `unavailable`. */
  fetchVersionContent: (path: string, eventId: string) => Promise<VersionContent>;
}

export interface UnsyncableSlice {
  /** The files this device can't sync, with why (`files:unsyncable`); null until first read. */
  unsyncable: { readonly list: UnsyncableFiles | null; readonly error: string | null };
  loadUnsyncable: () => Promise<void>;
}

export interface DevicesSlice {
  /** The space's devices (`devices:list`); null until first read. */
  devices: { readonly view: DevicesView | null; readonly error: string | null };
  loadDevices: () => Promise<void>;
  /** Removes another device from the hub; an error sentence, or null once it is gone. */
  removeDevice: (nodeId: string) => Promise<string | null>;
}

export interface SettingsSlice {
  settings: { readonly view: SettingsView | null; readonly error: string | null };
  loadSettings: () => Promise<void>;
  /** Saves a change; resolves to an error sentence, or null when saved. */
  updateSettings: (patch: RequestOf<'settings:update'>) => Promise<string | null>;
  /** Pairs with the hub of an invite code; resolves to an error sentence, or null when joined. */
  joinHub: (code: string) => Promise<string | null>;
  /** Back to local only; an error sentence, or null. */
  leaveHub: () => Promise<string | null>;
  /** Runs a hub on this computer and pairs with it; an error sentence, or null. */
  createHub: () => Promise<string | null>;
  /** An invite code for another device (from the hub this app runs), or an error sentence. */
  inviteDevice: (
    expiresInMs: number,
  ) => Promise<{ readonly invite: HubInvite } | { readonly error: string }>;
  openFolder: (path?: string) => Promise<string | null>;
  /** A `folder:move` that copies: how far it got (`folder:moveProgress`); null when none runs. */
  folderMove: { readonly progress: PushMap['folder:moveProgress'] | null };
  /** Moves the synced folder to an absolute path; an error sentence, or null once moved. */
  moveFolder: (to: string) => Promise<string | null>;
}

export interface UploadSlice {
  upload: {
    readonly active: boolean;
    readonly progress: UploadProgress | null;
    readonly result: string | null;
    readonly error: string | null;
  };
  /**
   * Copies a drop into `targetDir`, showing progress and the outcome; `copied`, when given, is
   * the copy already made another way (the system's picker), only to be reported.
   */
  startUpload: (
    drop: DropPayload,
    targetDir: string,
    copied?: () => Promise<ImportReport>,
  ) => Promise<void>;
  /** The desktop app's "Add files…" / "Add folder…": the system's dialog, then the copy. */
  startPick: (folders: boolean, targetDir: string) => Promise<void>;
  dismissUpload: () => void;
}

export interface NoticeSlice {
  /** The outcome of the last button pressed in the header, in plain words. */
  notice: { readonly kind: 'info' | 'error'; readonly text: string } | null;
  notify: (kind: 'info' | 'error', text: string) => void;
  dismissNotice: () => void;
}

export interface FileActionsSlice {
  fileActions: {
    /** The path whose name is being edited, null when none. */
    readonly renaming: string | null;
    readonly busy: boolean;
    /** What the last action did, in words; `undo`: the trash ids that put it back. */
    readonly result: {
      readonly kind: 'info' | 'error';
      readonly text: string;
      readonly undo?: readonly string[];
    } | null;
    /** The desktop app: the file manager and the system's apps are there to open files with. */
    readonly desktop: boolean;
  };
  startRename: (path: string) => void;
  cancelRename: () => void;
  renameFile: (path: string, name: string) => Promise<void>;
  trashFiles: (paths: readonly string[]) => Promise<void>;
  undoTrash: () => Promise<void>;
  revealFile: (path: string) => Promise<void>;
  /** In the desktop app, opens the file in its app; in a browser, downloads it. */
  openFile: (path: string) => Promise<void>;
  dismissFileResult: () => void;
}

export type AppStore = StatusSlice &
  FileActionsSlice &
  ActivitySlice &
  FilesSlice &
  HistorySlice &
  ConflictsSlice &
  UnsyncableSlice &
  DevicesSlice &
  SettingsSlice &
  UploadSlice &
  NoticeSlice;

export type SetStore = (
  partial: Partial<AppStore> | ((state: AppStore) => Partial<AppStore>),
) => void;
export type GetStore = () => AppStore;

/** What the store needs from outside: the contract client and the uploader of this transport. */
export interface StoreDeps {
  readonly client: ContractClient;
  readonly upload: Uploader;
  /** The system's open dialog and a copy of what was picked; only in the desktop app. */
  readonly pick?: Picker;
  /** Saves a file of the folder with the browser's download; only in a browser. */
  readonly download?: (path: string) => Promise<void>;
  /** Search waits this long after the last keystroke (ms). */
  readonly searchDebounceMs?: number;
  /** Rows per files:list page. */
  readonly pageSize?: number;
  /** Runs in the desktop app (Electron), not in a browser: files can be opened and shown there. */
  readonly desktop?: boolean;
}

export type SliceCreator<S> = (deps: StoreDeps, set: SetStore, get: GetStore) => S;
