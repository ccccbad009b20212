import { z } from 'zod';
import { ERROR_CODES, type ErrorInfo } from '../errors.js';
import { isSyncInterval, SYNC_INTERVAL_RULE } from '../syncInterval.js';
import type { UnsyncableFiles } from '../unsyncable.js';
import type { WatcherProblem } from '../watcherProblems.js';

/**
 * The one contract between the device core and any UI: the Electron renderer (over
 * contextBridge + ipcMain) and a browser on the headless server (over WebSocket) speak
 * exactly this. Every request payload is validated against its schema on the core's side
 * before a handler sees it; responses and pushes are typed here and produced only by our
 * own code, so the renderer trusts their shape.
 *
 * To add a call: add an entry to `requests` (payload schema + response type); TypeScript
 * then demands a handler in the core and gives the renderer a typed client for it.
 */

// ---------------------------------------------------------------------------------------
// Values that cross the boundary
// ---------------------------------------------------------------------------------------

/** Where a file stands, as a person would say it. */
export type FileSyncState = 'synced' | 'pending-upload' | 'downloading' | 'conflict';

export interface FileRow {
  /** Path relative to the synced folder, `/`-separated, NFC. */
  readonly path: string;
  readonly kind: 'file' | 'dir';
  readonly size: number;
  /** Last modification (ms since epoch), from the winning version's metadata or the disk. */
  readonly modifiedAt: number | null;
  readonly state: FileSyncState;
  /** The device that made the latest change (its name when known, else its node id). */
  readonly lastDevice: string | null;
  readonly executable: boolean;
}

/** What the file list can be ordered by. */
export const FILE_SORT_KEYS = ['name', 'size', 'modified'] as const;
export type FileSortKey = (typeof FILE_SORT_KEYS)[number];

export interface FilePage {
  /** How many rows match the query in all (the list's scroll height). */
  readonly total: number;
  readonly offset: number;
  readonly rows: readonly FileRow[];
  /**
   * Where the next page starts: pass it back as `after` to read the rows that follow this page
   * without the store walking the ones before (an offset walks them). `null`: nothing follows,
   * or the listing is ordered by size or time, which pages by offset.
   */
  readonly next: string | null;
}

export interface VersionInfo {
  /** The event that wrote this version: the handle for preview, restore and resolve. */
  readonly eventId: string;
  readonly device: string;
  readonly nodeId: string;
  /**
   * When the version was edited (ms since epoch): the file's modification time its writer
   * recorded, held to the writer's clock, else when the change was recorded (its hybrid logical
   * clock). The winner is the newest by this time (`versionOrder.ts`).
   */
  readonly changedAt: number;
  readonly size: number;
  readonly hash: string;
  /** `mine` = written by this device, `theirs` = by another. */
  readonly side: 'mine' | 'theirs';
  /** The version every device shows at the path; the others live in conflict copies. */
  readonly winner: boolean;
  /** Where a losing version can be opened on disk (the deterministic conflict copy name). */
  readonly copyPath: string | null;
}

export interface ConflictInfo {
  readonly path: string;
  /** Winner first, then the losing versions. */
  readonly versions: readonly VersionInfo[];
  readonly preview: 'text' | 'image' | 'none';
  /**
   * The version `resolve --keep mine` and `--keep theirs` would keep (the core's
   * `chooseVersion`): `mine` this device's newest (the one on disk when this device wrote
   * none), `theirs` the newest from another device (null: none, the choice is refused). A
   * deletion that lost (`deleted`) is not among `versions`.
   */
  readonly keeps: {
    readonly mine: KeptVersion | null;
    readonly theirs: KeptVersion | null;
  };
}

/** A version a resolution would keep, named for a person. */
export interface KeptVersion {
  readonly eventId: string;
  readonly device: string;
  readonly side: 'mine' | 'theirs';
  /** The version is a deletion: keeping it deletes the file. */
  readonly deleted: boolean;
}

export type VersionContent =
  | { readonly kind: 'text'; readonly text: string; readonly truncated: boolean }
  | { readonly kind: 'image'; readonly mime: string; readonly base64: string }
  | { readonly kind: 'binary'; readonly size: number }
  | { readonly kind: 'unavailable'; readonly reason: string };

export interface HistoryEntry {
  readonly eventId: string;
  readonly device: string;
  /** The version was made on this device. Absent from cores before it was added. */
  readonly thisDevice?: boolean;
  /**
   * False when this device knows the version's bytes are nowhere it can reach (no hub, and no
   * copy in the folder or the trash): it can't be restored or compared. Absent: reachable, or
   * only the hub can say (asked when the version is opened).
   */
  readonly restorable?: boolean;
  readonly changedAt: number;
  /** `null` for a deletion. */
  readonly size: number | null;
  readonly hash: string | null;
  readonly deleted: boolean;
  /** This version is what the folder holds now. */
  readonly current: boolean;
  /**
   * What the version was: the file made, its content changed, deleted, or a conflict settled.
   * Absent from cores before it was added.
   */
  readonly kind?: 'created' | 'edited' | 'deleted' | 'resolved';
  /**
   * When this version's content is an earlier version's (a restore, or an edit undone by hand):
   * that earlier version's time.
   */
  readonly sameAsEarlier?: number;
}

export interface DeviceInfo {
  /** Internal: for `devices:remove` and a details tooltip, never shown as the device's name. */
  readonly nodeId: string;
  readonly name: string;
  /**
   * When it was last heard from (ms), null if never: from the hub, its last request there; from
   * this device's own knowledge, when its newest change reached this device (or, for this
   * device, its last sync).
   */
  readonly lastSeen: number | null;
  readonly thisDevice: boolean;
  /** Connected to the hub now (the hub's presence). Always false in a list the hub didn't give. */
  readonly online: boolean;
}

/** The devices of this space, and where that list comes from (`devices:list`, `devices:remove`). */
export interface DevicesView {
  /** This device first, then the others by name. */
  readonly devices: readonly DeviceInfo[];
  /**
   * `listed`: every device paired with the hub, with its presence. `none`: no hub, so the list is
   * the devices whose changes this device holds; `unlisted`: the hub could not list them (see
   * `problem`), the same fallback.
   */
  readonly hub: 'listed' | 'none' | 'unlisted';
  /** Why the hub's list is missing, in a sentence; null unless `hub` is `unlisted`. */
  readonly problem: string | null;
  /**
   * This device runs the hub it syncs through: it can invite devices and remove them (the hub
   * lets only the computer it runs on revoke a device; a device leaves by itself in Settings).
   */
  readonly manages: boolean;
}

export interface HubSettingsView {
  /** Where the hub is, `host:port`: never a URL, a password or the device credential. */
  readonly address: string;
  /**
   * This app runs the hub (created on this computer): it can invite other devices. A device
   * paired with it reaches it on loopback; `address` is where other devices reach it.
   */
  readonly runsHere: boolean;
}

/** An invite code to give another device, and when it stops working (ISO time). */
export interface HubInvite {
  readonly code: string;
  readonly expiresAt: string;
}

export interface SettingsView {
  readonly folder: string;
  readonly deviceName: string;
  readonly hub: HubSettingsView | null;
  readonly syncIntervalMs: number;
  readonly paused: boolean;
  /** The folder's `.netguardianignore`, gitignore syntax. */
  readonly ignoreRules: string;
  /** Null where the platform can't start the app at login (headless mode). */
  readonly startAtLogin: boolean | null;
}

/**
 * The state at a glance, what the tray icon and the status bar show. Exactly one phase,
 * in order of what a person must hear first: folder-missing > error > offline > conflicts >
 * unsyncable > paused > starting > syncing and scanning > watch-limited > synced (the core's
 * `summarizeState`).
 */
export type AppPhase =
  | 'starting'
  | 'synced'
  | 'scanning'
  | 'syncing'
  | 'paused'
  | 'conflicts'
  | 'unsyncable'
  /** Synced, but some folders are not watched (the OS's limit): changes are found by rescans. */
  | 'watch-limited'
  | 'offline'
  | 'error'
  | 'folder-missing'
  /** No process runs the device (a CLI command opened it): the folder is not watched. */
  | 'stopped';

/**
 * The phase and the sentences that say it, computed once in the core (`summarizeState`) and
 * shown as they are by the app's header, the tray and `netguardian status`: "Synced" only when
 * nothing waits, runs or failed; otherwise what is going on ("Syncing 214 changes").
 */
export interface StateHeadline {
  readonly phase: AppPhase;
  /** A few words: "Synced", "Syncing 214 changes", "3 files can't sync". */
  readonly headline: string;
  /** One sentence under it: what it means, what waits, what to do. */
  readonly detail: string;
}

export interface Progress {
  readonly done: number;
  /** Null while the total is still unknown (a scan in progress). */
  readonly total: number | null;
  readonly bytes: number;
  readonly label: string;
}

export interface AppState extends StateHeadline {
  readonly deviceName: string;
  readonly folder: string;
  /** Null when the device is local only. */
  readonly hub: { readonly description: string; readonly connected: boolean } | null;
  readonly lastSyncAt: number | null;
  /** Files and folders that exist (as `device:status` counts them). */
  readonly files: number;
  /** The folders among `files`. */
  readonly folders: number;
  readonly conflicts: number;
  /**
   * Events not yet pushed to the hub, files whose content is still being fetched, and changes
   * the watcher noticed in the folder that are not recorded yet (a copy still under way).
   */
  readonly pending: {
    readonly upload: number;
    readonly download: number;
    readonly noticed: number;
  };
  /** Files this device can't sync (each listed with its reason). */
  readonly unsyncable: number;
  readonly progress: {
    readonly scan: Progress | null;
    readonly upload: Progress | null;
    readonly download: Progress | null;
  };
  /** The last failure in plain words, cleared by the next success. */
  readonly lastError: string | null;
  readonly paused: boolean;
}

/** The device at a glance for the CLI's `status` (and scripts, with `--json`). */
export interface DeviceStatusView {
  readonly deviceName: string;
  readonly nodeId: string;
  /** The synced folder's real path. */
  readonly folder: string;
  readonly spaceId: string;
  /**
   * Files and folders that exist (not deleted), as the store knows them: both, as it always
   * was (scripts read it); `folders` says how many of them are folders.
   */
  readonly files: number;
  /** The folders among `files`. */
  readonly folders: number;
  readonly conflicts: number;
  /** Events from other devices kept aside (invalid, or from a clock too far ahead). */
  readonly held: number;
  /** Files the store has that the folder does not hold yet (being written, or to be). */
  readonly pendingDownload: number;
  readonly paused: boolean;
  /**
   * False while the synced folder (or its marker file) is missing: nothing is recorded from it
   * or written into it until it is back.
   */
  readonly folderPresent: boolean;
  /** Why the folder is not used while `folderPresent` is false; null while it is there. */
  readonly folderProblem: FolderProblem | null;
  /** Why the folder is not watched whole (rescans stand in); null while it is. */
  readonly watcherProblem: WatcherProblem | null;
  /** Whether a daemon runs this device (watching and syncing), or it was opened for this answer. */
  readonly running: boolean;
  /** Null when the device is local only. */
  readonly hub: HubStatusView | null;
  /** The files this device can't sync, with why: the exact count and the first 1,000 by path. */
  readonly unsyncable: UnsyncableFiles;
  /**
   * The state the app shows, computed the same way. Without a running daemon it knows what the
   * store recorded (nothing watches the folder or runs meanwhile): see `summarizeState`.
   */
  readonly state: StateHeadline;
}

export interface HubStatusView {
  /** The hub's address without any password. */
  readonly address: string;
  readonly reachable: boolean;
  /** Why it can't be reached, in words; null while it can. */
  readonly problem: string | null;
  /** Whether the live channel (changes announced at once) is open. */
  readonly live: boolean;
  /** The last sync that worked (ms since epoch) and what it moved; null if none yet. */
  readonly lastSync: {
    readonly at: number;
    readonly sent: number;
    readonly received: number;
  } | null;
  /** Local changes the hub doesn't have yet. */
  readonly pendingUpload: number;
  /** The last sync run, if it failed. */
  readonly lastError: { readonly at: number; readonly message: string } | null;
}

/**
 * Why the synced folder is not used (nothing recorded from it, nothing written into it):
 * `missing`, nothing at its path; `marker-missing`, a folder is there without the marker file
 * that identifies the synced folder (a fresh folder, or a drive not mounted and its mount
 * point left); `marker-other`, its marker names another synced folder, or can't be read.
 */
export type FolderProblem = 'missing' | 'marker-missing' | 'marker-other';

/** What a `folder:attach` did (see `decideAttach` in the core). */
export interface FolderAttachReport {
  /** `attached` now, `already` attached (nothing done), or `refused` (nothing done either). */
  readonly outcome: 'attached' | 'already' | 'refused';
  /** Why it was refused; null unless refused. */
  readonly refusal: AttachRefusal | null;
  /** One sentence for a person: what was done, or why not and what to do. */
  readonly message: string;
  /** Files this device last saw in the folder (its file index). */
  readonly indexedFiles: number;
  /** Of those, the ones not in the folder now: written back from the store, never deleted. */
  readonly missingFiles: number;
}

/**
 * Why `folder:attach` refused without `force`: nothing at the path (`folder-missing`, force
 * can't help), an empty folder while there are files to sync (`folder-empty`), most files this
 * device saw there missing (`files-missing`), another synced folder's marker (`other-folder`).
 */
export type AttachRefusal = 'folder-missing' | 'folder-empty' | 'files-missing' | 'other-folder';

/** What a `sync:run` did: a scan, then (with a hub, not paused) a pull and a push. */
export interface SyncRunReport {
  readonly scanned: {
    readonly created: number;
    readonly updated: number;
    readonly deleted: number;
  };
  /** False when nothing was synced: no hub, or paused. */
  readonly synced: boolean;
  readonly sent: number;
  readonly received: number;
  /** Events from other devices kept aside in this run. */
  readonly held: number;
  /** Why the sync failed, in words; null if it worked (or did not run). */
  readonly error: string | null;
  /**
   * Why the folder was not scanned nor written (what was pulled waits in the store); null
   * when it was there.
   */
  readonly folderProblem: FolderProblem | null;
}

/** One item in the device's trash (replaced or deleted content, kept restorable for a while). */
export interface TrashItemView {
  readonly id: string;
  /** The path it had in the folder. */
  readonly path: string;
  readonly kind: 'file' | 'dir';
  /** Bytes it holds (a folder: its files'). */
  readonly bytes: number;
  readonly reason: 'replaced' | 'deleted' | 'displaced-by-restore';
  /** When it went to the trash (ms since the epoch). */
  readonly trashedAt: number;
}

/** `trash:list`: the trash's items, newest first, and how long and how much it keeps. */
export interface TrashView {
  /** The newest 1,000; `count` and `bytes` are for all of them. */
  readonly items: readonly TrashItemView[];
  readonly count: number;
  readonly bytes: number;
  readonly limits: {
    readonly maxAgeDays: number;
    readonly maxPercent: number;
    /** `maxPercent` of the folder's size, in bytes. */
    readonly maxBytes: number;
  };
}

/** `files:trash`: what went to this device's trash (restorable by id), and what could not. */
export interface FilesTrashedReport {
  readonly trashed: readonly { readonly path: string; readonly id: string }[];
  readonly failed: readonly { readonly path: string; readonly reason: string }[];
}

/** `trash:restore`: the paths put back, and the items that could not be, with why. */
export interface TrashRestoreReport {
  readonly restored: readonly string[];
  readonly failed: readonly { readonly id: string; readonly reason: string }[];
}

/** `trash:empty`: what it removed and what is left. */
export interface TrashEmptyReport {
  readonly removed: number;
  readonly removedBytes: number;
  readonly left: number;
  readonly leftBytes: number;
}

export type ActivityKind = 'change' | 'sync' | 'conflict' | 'resolved' | 'upload' | 'error';

export interface ActivityItem {
  readonly id: number;
  readonly at: number;
  readonly kind: ActivityKind;
  /** One sentence for a person, e.g. "3 files from laptop reached this device". */
  readonly message: string;
  /** The file or folder it is about: the app links the item to it. */
  readonly path?: string;
  /** `path` is a folder (the link opens it rather than selecting a file in its parent). */
  readonly folder?: boolean;
  /**
   * The same failure again and again (a hub out of reach, retried): one item, `at` its latest
   * time, with how many times and since when (`activityText` says it in words).
   */
  readonly repeats?: { readonly count: number; readonly since: number };
}

// ---------------------------------------------------------------------------------------
// Request schemas (validated by the core before a handler runs)
// ---------------------------------------------------------------------------------------

/** A path inside the synced folder as the UI sends it; the core re-validates it fully. */
const relPath = z.string().min(1).max(4096);
const eventId = z.string().min(1).max(128);
const keep = z.enum(['mine', 'theirs', 'both']);
const noPayload = z.strictObject({});

const hubInput = z.strictObject({
  url: z.string().min(1).max(2048),
  ssl: z.enum(['off', 'require', 'verify-full']),
});

export const requestSchemas = {
  'state:get': noPayload,
  'device:status': noPayload,
  /** The files this device can't sync, and why (the same list `device:status` carries). */
  'files:unsyncable': noPayload,
  'files:list': z.strictObject({
    /** Case-insensitive substring of the path; empty = all. */
    query: z.string().max(1024),
    /** Rows to skip; ignored when `after` is given. */
    offset: z.number().int().min(0),
    limit: z.number().int().min(1).max(5_000),
    /**
     * One folder's children ('' = the top of the synced folder), folders first; with a query,
     * the matches anywhere under that folder. Absent: every path in path order.
     */
    folder: z.string().max(4096).optional(),
    /** A page's `next`: the rows after that page's last one (key paging). */
    after: z.string().min(1).max(4200).optional(),
    /** The column the rows are ordered by (default `name`); a folder's folders still come first. */
    sort: z.enum(FILE_SORT_KEYS).optional(),
    /** Largest, newest or Z first. */
    descending: z.boolean().optional(),
  }),
  'conflicts:list': noPayload,
  'conflicts:content': z.strictObject({ path: relPath, eventId }),
  'conflicts:resolve': z.strictObject({
    items: z
      .array(z.strictObject({ path: relPath, keep }))
      .min(1)
      .max(10_000),
  }),
  'history:get': z.strictObject({ path: relPath }),
  'history:restore': z.strictObject({ path: relPath, eventId }),
  /** Brings back every file and folder deleted at or after `since` (ms since epoch), as one change. */
  'history:restoreDeleted': z.strictObject({
    since: z.number().int().min(0).max(8_640_000_000_000_000),
  }),
  'devices:list': noPayload,
  /**
   * Removes another device from the hub this app runs (its credential revoked): it can't sync
   * any more; what it synced stays on every device. Answers the list as it is after.
   */
  'devices:remove': z.strictObject({ nodeId: z.string().min(1).max(64) }),
  'activity:list': noPayload,
  'settings:get': noPayload,
  /**
   * The app's settings, each field changed only when given. The hub is not among them: pairing
   * (`hub:join`, `hub:create`, `hub:leave`) pins it.
   */
  'settings:update': z.strictObject({
    /** The one rule of `src-shared/syncInterval.ts`, and its one sentence. */
    syncIntervalMs: z.number().refine(isSyncInterval, SYNC_INTERVAL_RULE).optional(),
    paused: z.boolean().optional(),
    ignoreRules: z
      .string()
      .max(256 * 1024)
      .optional(),
    startAtLogin: z.boolean().optional(),
    /** The name other devices see (`src-shared/deviceName.ts` checks it in the core). */
    deviceName: z.string().max(1024).optional(),
  }),
  /**
   * The older way's check of a PostgreSQL hub URL, kept for devices still configured so; the app
   * no longer asks for a URL (devices pair with `hub:join`).
   */
  'hub:test': hubInput,
  /** Pairs this device with the hub of an invite code (`ng1-…`) and syncs through it. */
  'hub:join': z.strictObject({ code: z.string().min(1).max(4096) }),
  /** Back to local only: the device forgets its hub and its credential. */
  'hub:leave': noPayload,
  /**
   * Runs a hub on this computer (the app's data dir, `hub/`) and pairs this device with it.
   * `listen` is `host:port`, default all interfaces port 7443.
   */
  'hub:create': z.strictObject({ listen: z.string().min(3).max(300).optional() }),
  /** A one-time invite code for another device, from the hub this app runs. */
  'hub:invite': z.strictObject({
    expiresInMs: z
      .number()
      .int()
      .min(60_000)
      .max(30 * 24 * 3600 * 1000),
  }),
  'sync:now': noPayload,
  /** Scans and syncs now, and answers when done (the CLI's `sync`); `sync:now` only starts one. */
  'sync:run': noPayload,
  'sync:pause': z.strictObject({ paused: z.boolean() }),
  /** Copies files and folders (absolute paths on this machine) into `targetDir` of the folder. */
  'files:import': z.strictObject({
    paths: z.array(z.string().min(1).max(4096)).min(1).max(10_000),
    targetDir: z.string().max(4096),
  }),
  /**
   * Moves the synced folder to `to`, an absolute path on this computer that is missing or an
   * empty folder (renamed on the same disk, else copied, checked and removed, with
   * `folder:moveProgress`), and syncs it there. Nothing is ever written over: a target that holds
   * anything is refused.
   */
  'folder:move': z.strictObject({ to: z.string().min(1).max(4096) }),
  /** Opens the synced folder (or a file in it) in the system's file manager, where there is one. */
  'folder:open': z.strictObject({ path: z.string().max(4096).optional() }),
  /**
   * Takes the folder at the configured path for the synced folder again (writes its marker),
   * when its marker is missing or names another folder. Refused, without `force`, when the
   * folder looks like another one (empty, most files missing, another folder's marker).
   */
  'folder:attach': z.strictObject({ force: z.boolean() }),
  'trash:list': noPayload,
  /** Removes trash items for good: all, or those trashed more than `olderThanMs` ago. */
  /**
   * The desktop app's "Add files…" / "Add folder…": the system's open dialog, then what was picked
   * is copied into `targetDir` as `files:import` copies (the shell answers it; nothing else can).
   */
  'files:pick': z.strictObject({ folders: z.boolean(), targetDir: z.string().max(4096) }),
  /**
   * Opens a file of the folder in the system's app for it (the desktop app's shell answers;
   * programs and scripts are never started). In a browser the file is downloaded instead.
   */
  'files:open': z.strictObject({ path: relPath }),
  /**
   * Renames a file or folder in place (same folder, new name). Nothing is written over: a name
   * already taken is refused. Answers the new path.
   */
  'files:rename': z.strictObject({ path: relPath, name: z.string().min(1).max(1024) }),
  /** Moves files or folders into this device's trash; every device deletes them as it syncs. */
  'files:trash': z.strictObject({ paths: z.array(relPath).min(1).max(1_000) }),
  /** Puts trashed items back where they were (what is there now goes to the trash first). */
  'trash:restore': z.strictObject({
    ids: z
      .array(z.string().regex(/^\d{8}-\d{6}-[0-9a-f]{8}$/, 'a trash item id (trash:list)'))
      .min(1)
      .max(1_000),
  }),
  'trash:empty': z.strictObject({
    olderThanMs: z
      .number()
      .int()
      .min(1)
      .max(100 * 365 * 24 * 3600 * 1000)
      .optional(),
  }),
} as const;

export type Channel = keyof typeof requestSchemas;
export type RequestOf<C extends Channel> = z.infer<(typeof requestSchemas)[C]>;

export interface ResolveOutcome {
  readonly path: string;
  readonly ok: boolean;
  readonly error?: string;
}

/** What `history:restoreDeleted` brought back, and what it could not, with why in words. */
export interface RestoreDeletedReport {
  readonly restored: readonly string[];
  readonly skipped: readonly { readonly path: string; readonly reason: string }[];
}

export interface ImportReport {
  readonly files: number;
  readonly folders: number;
  readonly bytes: number;
}

/** What each request answers. */
export interface ResponseMap {
  'state:get': AppState;
  'device:status': DeviceStatusView;
  'files:list': FilePage;
  'files:unsyncable': UnsyncableFiles;
  'conflicts:list': readonly ConflictInfo[];
  'conflicts:content': VersionContent;
  'conflicts:resolve': { readonly results: readonly ResolveOutcome[] };
  'history:get': readonly HistoryEntry[];
  'history:restore': { readonly restored: boolean };
  'history:restoreDeleted': RestoreDeletedReport;
  'devices:list': DevicesView;
  'devices:remove': DevicesView;
  'activity:list': readonly ActivityItem[];
  'settings:get': SettingsView;
  'settings:update': SettingsView;
  'hub:test': { readonly ok: boolean; readonly message: string; readonly latencyMs: number | null };
  'hub:join': SettingsView;
  'hub:leave': SettingsView;
  'hub:create': SettingsView;
  'hub:invite': HubInvite;
  'sync:now': { readonly started: boolean };
  'sync:run': SyncRunReport;
  'sync:pause': { readonly paused: boolean };
  'files:import': ImportReport;
  'folder:move': SettingsView;
  'folder:open': { readonly opened: boolean; readonly path: string };
  'folder:attach': FolderAttachReport;
  'trash:list': TrashView;
  'trash:empty': TrashEmptyReport;
  'files:pick': ImportReport & { readonly canceled: boolean };
  /** `message`: why the system could not open it, in its words. */
  'files:open': { readonly opened: boolean; readonly message: string | null };
  'files:rename': { readonly path: string };
  'files:trash': FilesTrashedReport;
  'trash:restore': TrashRestoreReport;
}

export type ResponseOf<C extends Channel> = ResponseMap[C];

// ---------------------------------------------------------------------------------------
// Pushed updates (core -> UI), no reply
// ---------------------------------------------------------------------------------------

export interface PushMap {
  /** The whole state, sent on every change (small, so no diffing). */
  state: AppState;
  activity: ActivityItem;
  /** Files changed: refetch the visible rows. `paths` empty = anything may have changed. */
  'files:changed': { readonly paths: readonly string[] };
  'conflicts:changed': { readonly count: number };
  /** Progress of a `files:import` or an upload in the headless UI. */
  'import:progress': {
    readonly done: number;
    readonly total: number;
    readonly bytes: number;
    readonly totalBytes: number;
  };
  /** Progress of a `folder:move` that copies (another disk): files and bytes copied so far. */
  'folder:moveProgress': {
    readonly done: number;
    readonly total: number;
    readonly bytes: number;
    readonly totalBytes: number;
  };
}

export type PushChannel = keyof PushMap;
export { PUSH_CHANNELS } from './pushChannels.js';

export type PushMessage = { [C in PushChannel]: { channel: C; payload: PushMap[C] } }[PushChannel];

// ---------------------------------------------------------------------------------------
// Envelopes
// ---------------------------------------------------------------------------------------

export const CHANNELS = Object.keys(requestSchemas) as Channel[];

export const isChannel = (name: unknown): name is Channel =>
  typeof name === 'string' && Object.prototype.hasOwnProperty.call(requestSchemas, name);

export type Reply<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ErrorInfo };

const errorCode = z.enum(ERROR_CODES);
export const errorInfoSchema = z.strictObject({
  code: errorCode,
  message: z.string(),
  field: z.string().optional(),
});

/**
 * Checks a request before any handler runs: the channel must exist and the payload must
 * match its schema. The error names the channel and the first offending field.
 */
export function parseRequest(
  channel: unknown,
  payload: unknown,
): { ok: true; channel: Channel; payload: RequestOf<Channel> } | { ok: false; error: ErrorInfo } {
  if (!isChannel(channel))
    return {
      ok: false,
      error: {
        code: 'InvalidArgument',
        message: `unknown channel ${JSON.stringify(String(channel)).slice(0, 80)}`,
        field: 'channel',
      },
    };
  const parsed = requestSchemas[channel].safeParse(payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'payload';
    return {
      ok: false,
      error: {
        code: 'InvalidArgument',
        message: `${channel}: ${where}: ${issue?.message ?? 'invalid request'}`,
        field: where,
      },
    };
  }
  return { ok: true, channel, payload: parsed.data };
}

/** The handlers a core offers: one per channel, typed by the contract. */
export type ContractHandlers = {
  [C in Channel]: (payload: RequestOf<C>) => Promise<ResponseOf<C>>;
};

/** The client a UI holds: the same calls, plus a subscription to pushes. */
export interface ContractClient {
  call<C extends Channel>(channel: C, payload: RequestOf<C>): Promise<ResponseOf<C>>;
  /** Returns the unsubscribe function. */
  listen(listener: (message: PushMessage) => void): () => void;
}

// Wire format of the headless mode (WebSocket, JSON text frames).
export type WireClientMessage = {
  readonly type: 'request';
  readonly id: number;
  readonly channel: string;
  readonly payload: unknown;
};
export type WireServerMessage =
  | ({ readonly type: 'response'; readonly id: number } & Reply<unknown>)
  | ({ readonly type: 'push' } & PushMessage);

export const wireClientMessageSchema = z.strictObject({
  type: z.literal('request'),
  id: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  channel: z.string().max(64),
  payload: z.unknown(),
});

/** Electron IPC channel names (ipcMain.handle / webContents.send). */
export const IPC_REQUEST_CHANNEL = 'netguardian:request';
export const IPC_PUSH_CHANNEL = 'netguardian:push';

/** Headless mode: the HTTP header / WebSocket subprotocol prefix that carries the token. */
export const TOKEN_HEADER = 'x-netguardian-token';
export const WS_PATH = '/api/ws';
/** Headless mode: PUT `${UPLOAD_PATH}?path=<rel path>` with the file's bytes as the body. */
export const UPLOAD_PATH = '/api/upload';
/** Headless mode: GET `${DOWNLOAD_PATH}?path=<rel path>` answers the file's bytes (TOKEN_HEADER). */
export const DOWNLOAD_PATH = '/api/download';
/**
 * Headless mode: GET with TOKEN_HEADER answers 204 while the token is this server's, 401 when it
 * is not (a page whose WebSocket keeps failing asks: a browser doesn't say why an upgrade failed).
 */
export const SESSION_PATH = '/api/session';
