import type { UnsyncableFiles } from '../../src-shared/unsyncable.js';
import type {
  ActivityItem,
  AppState,
  ConflictInfo,
  DeviceInfo,
  DevicesView,
  FileRow,
  HistoryEntry,
  SettingsView,
  VersionContent,
} from '../../src-shared/ipc/contract.js';

/** Realistic data for the fake core: a folder synced between a laptop, a desktop and a phone. */

export const NOW = Date.UTC(2025, 4, 14, 9, 30);
const MIN = 60_000;

export const appState = (over: Partial<AppState> = {}): AppState => ({
  phase: 'synced',
  headline: 'Synced',
  detail: 'All files are up to date.',
  deviceName: 'laptop',
  folder: '/home/ada/NetGuardian',
  hub: { description: 'hub.example.org:5432', connected: true },
  lastSyncAt: NOW - 2 * MIN,
  files: 1_204,
  folders: 0,
  conflicts: 0,
  pending: { upload: 0, download: 0, noticed: 0 },
  unsyncable: 0,
  progress: { scan: null, upload: null, download: null },
  lastError: null,
  paused: false,
  ...over,
});

const FOLDERS = [
  'Documents',
  'Documents/Taxes',
  'Photos',
  'Photos/2024',
  'Projects',
  'Projects/netguardian',
  'Music',
];
const STATES: FileRow['state'][] = ['synced', 'synced', 'synced', 'pending-upload', 'downloading'];
const DEVICES = ['laptop', 'desktop', 'phone'];

/** `count` files spread over a few folders, sorted by path like the core answers. */
export function makeFiles(count: number): FileRow[] {
  const rows: FileRow[] = FOLDERS.map((path) => ({
    path,
    kind: 'dir',
    size: 0,
    modifiedAt: NOW - 3 * 24 * 60 * MIN,
    state: 'synced',
    lastDevice: 'laptop',
    executable: false,
  }));
  for (let i = 0; i < count - FOLDERS.length; i++) {
    const folder = FOLDERS[i % FOLDERS.length] ?? '';
    rows.push({
      path: `${folder}/file-${String(i).padStart(6, '0')}.txt`,
      kind: 'file',
      size: 1_000 + ((i * 7_919) % 5_000_000),
      modifiedAt: NOW - (i % 600) * MIN,
      state: STATES[i % STATES.length] ?? 'synced',
      lastDevice: DEVICES[i % DEVICES.length] ?? null,
      executable: false,
    });
  }
  return rows.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * `count` files all at the top of the folder (their folders' names folded into theirs:
 * `Documents-Taxes-file-000007.txt`), sorted: one long folder, for the list's paging and
 * virtualization.
 */
export function makeFlatFiles(count: number): FileRow[] {
  return makeFiles(count + FOLDERS.length)
    .filter((f) => f.kind === 'file')
    .map((f) => ({ ...f, path: f.path.replace(/\//g, '-') }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export const conflicts = (): ConflictInfo[] => [
  {
    path: 'Documents/notes.md',
    preview: 'text',
    versions: [
      {
        eventId: 'ev-notes-desktop',
        device: 'desktop',
        nodeId: 'node-desktop',
        changedAt: NOW - 10 * MIN,
        size: 812,
        hash: 'h1',
        side: 'theirs',
        winner: true,
        copyPath: null,
      },
      {
        eventId: 'ev-notes-laptop',
        device: 'laptop',
        nodeId: 'node-laptop',
        changedAt: NOW - 12 * MIN,
        size: 790,
        hash: 'h2',
        side: 'mine',
        winner: false,
        copyPath: 'Documents/notes (conflict from laptop 2025-05-14).md',
      },
    ],
    keeps: {
      mine: { eventId: 'ev-notes-laptop', device: 'laptop', side: 'mine', deleted: false },
      theirs: { eventId: 'ev-notes-desktop', device: 'desktop', side: 'theirs', deleted: false },
    },
  },
  {
    path: 'Photos/2024/beach.png',
    preview: 'image',
    versions: [
      {
        eventId: 'ev-beach-laptop',
        device: 'laptop',
        nodeId: 'node-laptop',
        changedAt: NOW - 60 * MIN,
        size: 2_400_000,
        hash: 'h3',
        side: 'mine',
        winner: true,
        copyPath: null,
      },
      {
        eventId: 'ev-beach-phone',
        device: 'phone',
        nodeId: 'node-phone',
        changedAt: NOW - 61 * MIN,
        size: 2_100_000,
        hash: 'h4',
        side: 'theirs',
        winner: false,
        copyPath: 'Photos/2024/beach (conflict from phone 2025-05-14).png',
      },
    ],
    keeps: {
      mine: { eventId: 'ev-beach-laptop', device: 'laptop', side: 'mine', deleted: false },
      theirs: { eventId: 'ev-beach-phone', device: 'phone', side: 'theirs', deleted: false },
    },
  },
];

export const contents: Record<string, VersionContent> = {
  'ev-notes-desktop': {
    kind: 'text',
    text: 'Shopping\n- milk\n- bread\n- coffee\n',
    truncated: false,
  },
  'ev-notes-laptop': {
    kind: 'text',
    text: 'Shopping\n- milk\n- eggs\n- coffee\n',
    truncated: false,
  },
  // A 1×1 PNG.
  'ev-beach-laptop': {
    kind: 'image',
    mime: 'image/png',
    base64:
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  },
  'ev-beach-phone': { kind: 'binary', size: 2_100_000 },
};

export const history = (path: string): HistoryEntry[] => [
  {
    eventId: `${path}#3`,
    device: 'laptop',
    thisDevice: true,
    changedAt: NOW - 5 * MIN,
    size: 2_048,
    hash: 'a',
    deleted: false,
    current: true,
    kind: 'edited',
    sameAsEarlier: NOW - 2 * 24 * 60 * MIN,
  },
  {
    eventId: `${path}#2`,
    device: 'desktop',
    thisDevice: false,
    changedAt: NOW - 90 * MIN,
    size: 1_900,
    hash: 'b',
    deleted: false,
    current: false,
    kind: 'edited',
  },
  {
    eventId: `${path}#1`,
    device: 'laptop',
    thisDevice: true,
    changedAt: NOW - 2 * 24 * 60 * MIN,
    size: 2_048,
    hash: 'a',
    deleted: false,
    current: false,
    kind: 'created',
  },
];

/** As the hub lists them: this device, one online, one seen 5 minutes ago, one never. */
export const deviceList = (): DeviceInfo[] => [
  { nodeId: 'node-laptop', name: 'laptop', lastSeen: NOW, thisDevice: true, online: true },
  { nodeId: 'node-tablet', name: 'tablet', lastSeen: NOW - MIN, thisDevice: false, online: true },
  {
    nodeId: 'node-desktop',
    name: 'desktop',
    lastSeen: NOW - 5 * MIN,
    thisDevice: false,
    online: false,
  },
  { nodeId: 'node-phone', name: 'phone', lastSeen: null, thisDevice: false, online: false },
];

export const devices = (over: Partial<DevicesView> = {}): DevicesView => ({
  devices: deviceList(),
  hub: 'listed',
  problem: null,
  manages: true,
  ...over,
});

/** A well-formed invite to 192.168.1.20:7443, space "default" (base64url of its JSON, made by hand). */
export const INVITE_CODE =
  'ng1-eyJhIjoiMTkyLjE2OC4xLjIwOjc0NDMiLCJmIjoiYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYSIsImsiOiJzZWNyZXRzZWNyZXRzZWNyZXQxMjMiLCJzIjoiZGVmYXVsdCJ9';

export const settings = (over: Partial<SettingsView> = {}): SettingsView => ({
  folder: '/home/ada/NetGuardian',
  deviceName: 'laptop',
  hub: { address: '192.168.1.5:7443', runsHere: false },
  syncIntervalMs: 60_000,
  paused: false,
  ignoreRules: 'node_modules/\n*.tmp\n',
  startAtLogin: false,
  ...over,
});

export const activity = (): ActivityItem[] => [
  {
    id: 3,
    at: NOW - 1 * MIN,
    kind: 'sync',
    message: '3 files from desktop reached this device',
  },
  {
    id: 2,
    at: NOW - 10 * MIN,
    kind: 'conflict',
    message: 'notes.md was changed on two devices at once',
    path: 'Documents/notes.md',
  },
  {
    id: 1,
    at: NOW - 30 * MIN,
    kind: 'error',
    message: 'The hub could not be reached; will retry in 1 minute',
  },
];

/** Files that can't sync, one of each side (empty lists are made by the tests that need them). */
export const unsyncable = (): UnsyncableFiles => ({
  total: 2,
  files: [
    {
      path: 'Projects/latest',
      reason: 'symlink',
      message:
        'it is a symbolic link: links are not followed or synced (put a copy of what it points to in the folder to sync that)',
      side: 'local',
    },
    {
      path: 'notes/what?.txt',
      reason: 'name-not-allowed',
      message:
        'its name has "?", which this device does not allow in file names: it is not written here, and stays on the devices that can hold it (rename it there to have it here too)',
      side: 'remote',
    },
  ],
});
