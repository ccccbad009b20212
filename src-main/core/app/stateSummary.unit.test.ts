import { describe, expect, it } from 'vitest';
import type { DeviceEvent } from '../device/device.js';
import { syncReport } from '../../../test/support/syncReports.js';
import {
  importStep,
  initialLive,
  reduceLive,
  type LiveState,
  type StateFacts,
} from './appState.js';
import { summarizeState, withoutDaemon } from './stateSummary.js';

/**
 * Issue 12 point 6: "Synced" only when nothing waits, runs or failed; otherwise the state says
 * what is going on. One case per condition; every expected sentence is written out by hand.
 */

/** A device with a hub where nothing waits, runs or failed, its facts read after every change. */
const idle: StateFacts = {
  deviceName: 'laptop',
  folder: '/home/ada/NetGuardian',
  paused: false,
  hub: { description: 'hub.example.org:5432', connected: true },
  lastSyncAt: 1_000,
  files: 10,
  folders: 0,
  conflicts: 0,
  pendingUpload: 0,
  pendingDownload: 0,
  unsyncable: 0,
  changesRead: 0,
};
const running: LiveState = { ...initialLive, started: true };
const fold = (live: LiveState, ...events: DeviceEvent[]) => events.reduce(reduceLive, live);
const report = syncReport;

describe('summarizeState: the folder not watched whole (issue 14 point 1)', () => {
  const limit = {
    type: 'watcher' as const,
    problem: { kind: 'limit' as const, message: 'ENOSPC: System limit', limit: 8192 },
  };

  it('says the files are synced but changes are noticed late, with the fix', () => {
    expect(summarizeState(idle, fold(running, limit))).toEqual({
      phase: 'watch-limited',
      headline: 'Synced — changes noticed only by a rescan every minute',
      detail:
        "The system's limit on file watches is reached (fs.inotify.max_user_watches = 8,192), so some folders are not watched: changes there are found by a full rescan every minute instead of at once. To watch them all, raise the limit: sudo sysctl fs.inotify.max_user_watches=524288 (add the setting to /etc/sysctl.d/ to keep it after a restart); NetGuardian watches everything again at its next rescan.",
    });
  });

  it('gives way to work under way, and is Synced again once every folder is watched', () => {
    const limited = fold(running, limit);
    expect(summarizeState({ ...idle, pendingUpload: 2 }, limited).phase).toBe('syncing');
    expect(summarizeState(idle, fold(limited, { type: 'watcher', problem: null })).phase).toBe(
      'synced',
    );
  });
});

describe('summarizeState: Synced', () => {
  it('is Synced when nothing waits, runs or failed', () => {
    expect(summarizeState(idle, running)).toEqual({
      phase: 'synced',
      headline: 'Synced',
      detail: 'All files are up to date.',
    });
  });

  it('says so differently for a device without a hub', () => {
    expect(summarizeState({ ...idle, hub: null }, running)).toEqual({
      phase: 'synced',
      headline: 'Synced',
      detail: 'All files are saved on this device (no hub set up).',
    });
  });

  it('stays Synced through a periodic sync run that moved nothing', () => {
    expect(summarizeState(idle, fold(running, { type: 'synced', report: report() }))).toEqual({
      phase: 'synced',
      headline: 'Synced',
      detail: 'All files are up to date.',
    });
  });
});

describe('summarizeState: one condition at a time is not Synced', () => {
  it('changes waiting to be pushed (the 214 of the report)', () => {
    expect(summarizeState({ ...idle, pendingUpload: 214 }, running)).toEqual({
      phase: 'syncing',
      headline: 'Syncing 214 changes',
      detail: '214 changes to send.',
    });
  });

  it('files waiting to be written into the folder', () => {
    expect(summarizeState({ ...idle, pendingDownload: 12 }, running)).toEqual({
      phase: 'syncing',
      headline: 'Syncing 12 changes',
      detail: '12 files to receive.',
    });
  });

  it('both, with thousands written as people read them', () => {
    expect(summarizeState({ ...idle, pendingUpload: 1_500, pendingDownload: 1 }, running)).toEqual({
      phase: 'syncing',
      headline: 'Syncing 1,501 changes',
      detail: '1,500 changes to send, 1 file to receive.',
    });
  });

  it('a scan running', () => {
    const walking = fold(running, {
      type: 'scan',
      progress: {
        phase: 'walking',
        filesSeen: 1_234,
        toHash: 0,
        hashed: 0,
        bytesToHash: 0,
        bytesHashed: 0,
      },
    });
    expect(summarizeState(idle, walking)).toEqual({
      phase: 'scanning',
      headline: 'Looking for changes',
      detail: '1,234 files looked at so far.',
    });
    const hashing = fold(walking, {
      type: 'scan',
      progress: {
        phase: 'hashing',
        filesSeen: 1_234,
        toHash: 400,
        hashed: 120,
        bytesToHash: 0,
        bytesHashed: 0,
      },
    });
    expect(summarizeState(idle, hashing)).toEqual({
      phase: 'scanning',
      headline: 'Looking for changes',
      detail: 'Checking 120 of 400 changed files.',
    });
  });

  it('a file being copied in: noticed by the watcher, not recorded yet', () => {
    expect(summarizeState(idle, fold(running, { type: 'noticed', count: 1 }))).toEqual({
      phase: 'scanning',
      headline: 'Noticed 1 change',
      detail:
        'Recording them once the files stop changing (a copy or a save may still be under way).',
    });
    expect(
      summarizeState(
        idle,
        fold(running, { type: 'noticed', count: 3 }, { type: 'noticed', count: 0 }),
      ),
    ).toMatchObject({ phase: 'synced' });
  });

  it('file contents being uploaded', () => {
    const uploading = fold(running, { type: 'uploading', files: 3, bytes: 40 * 1024 * 1024 });
    expect(summarizeState(idle, uploading)).toEqual({
      phase: 'syncing',
      headline: 'Uploading 3 files (40 MB)',
      detail: 'Sending their contents to the hub.',
    });
    // Done uploading, the run still goes on (the events are being pushed).
    const uploaded = fold(uploading, { type: 'upload', bytes: 40 * 1024 * 1024, chunks: 9 });
    expect(summarizeState(idle, uploaded)).toEqual({
      phase: 'syncing',
      headline: 'Syncing',
      detail: 'Exchanging changes with the hub.',
    });
  });

  it('files being written into the folder (materialization)', () => {
    const writing = fold(running, { type: 'materialize', phase: 'start', files: 12 });
    expect(summarizeState(idle, writing)).toEqual({
      phase: 'syncing',
      headline: 'Receiving 12 files',
      detail: 'Writing them into the folder.',
    });
    const written = fold(writing, { type: 'materialize', phase: 'end', files: 12 });
    expect(written.writing).toBe(0);
    // Written: synced only once the counts were read again.
    expect(summarizeState(idle, written).phase).toBe('syncing');
    expect(summarizeState({ ...idle, changesRead: written.changes }, written).phase).toBe('synced');
  });

  it('an import running, with its progress', () => {
    const started = importStep(running, 'start');
    expect(summarizeState(idle, started)).toEqual({
      phase: 'syncing',
      headline: 'Importing files…',
      detail: 'Copying them into the folder; each is recorded once it is there.',
    });
    expect(summarizeState(idle, importStep(started, { done: 3, total: 10 })).headline).toBe(
      'Importing 3 of 10 files',
    );
    expect(summarizeState(idle, importStep(started, 'end')).phase).toBe('synced');
  });

  it('a change recorded after the facts were read (a restore): not Synced on the old count', () => {
    const restored = fold(running, {
      type: 'local-change',
      summary: {
        scanned: 1,
        hashed: 1,
        bytesHashed: 5,
        created: 0,
        updated: 1,
        deleted: 0,
        skippedSymlinks: 0,
        busy: 0,
        errors: [],
      },
    });
    expect(summarizeState(idle, restored)).toEqual({
      phase: 'syncing',
      headline: 'Syncing',
      detail: 'Counting what is left to send and receive.',
    });
    expect(summarizeState({ ...idle, hub: null }, restored)).toEqual({
      phase: 'scanning',
      headline: 'Recording changes',
      detail: 'Counting what changed.',
    });
    // Read again: the restored version is counted as waiting.
    expect(
      summarizeState({ ...idle, pendingUpload: 1, changesRead: restored.changes }, restored),
    ).toEqual({ phase: 'syncing', headline: 'Syncing 1 change', detail: '1 change to send.' });
  });

  it('a sync run that moved changes leaves the counts to be read again', () => {
    const moved = fold(running, { type: 'synced', report: report({ sent: 4 }) });
    expect(summarizeState(idle, moved).phase).toBe('syncing');
    expect(summarizeState({ ...idle, changesRead: moved.changes }, moved).phase).toBe('synced');
  });

  it('files that can’t sync', () => {
    expect(summarizeState({ ...idle, unsyncable: 3 }, running)).toEqual({
      phase: 'unsyncable',
      headline: "3 files can't sync",
      detail: 'Each is listed with what is wrong; everything else syncs.',
    });
    expect(summarizeState({ ...idle, unsyncable: 1 }, running).headline).toBe("1 file can't sync");
  });

  it('the folder missing: which path, and that it resumes by itself', () => {
    expect(
      summarizeState(
        idle,
        fold(running, {
          type: 'folder',
          present: false,
          problem: 'missing',
          folder: '/home/ada/NetGuardian',
        }),
      ),
    ).toEqual({
      phase: 'folder-missing',
      headline: 'Folder missing — nothing is recorded or written until it is back',
      detail:
        '/home/ada/NetGuardian is not there (moved, deleted, or a drive not mounted?). Syncing resumes by itself once it is back at that path.',
    });
  });

  it('the folder there without its marker: not recognized, and how to re-attach it', () => {
    const folder = (problem: 'marker-missing' | 'marker-other') =>
      summarizeState(
        idle,
        fold(running, { type: 'folder', present: false, problem, folder: '/home/ada/NetGuardian' }),
      );
    expect(folder('marker-missing')).toEqual({
      phase: 'folder-missing',
      headline: 'Folder not recognized — nothing is recorded or written until it is re-attached',
      detail:
        '/home/ada/NetGuardian is there, but its marker file .netguardian-folder is missing, so it is not recognized as the synced folder (another drive, or a fresh empty folder, mounted there?). If it is the synced folder, re-attach it: netguardian folder attach.',
    });
    expect(folder('marker-other')).toEqual({
      phase: 'folder-missing',
      headline: 'Folder not recognized — nothing is recorded or written until it is re-attached',
      detail:
        "/home/ada/NetGuardian is there, but its marker file .netguardian-folder names another synced folder (or can't be read), so it is not recognized as this one (another device's folder or drive there?). If it is the synced folder, re-attach it: netguardian folder attach.",
    });
  });

  it('the folder back: no longer said missing', () => {
    const away = fold(running, {
      type: 'folder',
      present: false,
      problem: 'missing',
      folder: '/f',
    });
    const back = fold(away, { type: 'folder', present: true, problem: null, folder: '/f' });
    expect(summarizeState(idle, back).phase).toBe('synced');
  });

  it('offline: the hub not reachable', () => {
    const down = { ...idle, hub: { description: 'hub.example.org:5432', connected: false } };
    expect(summarizeState(down, running)).toEqual({
      phase: 'offline',
      headline: 'Offline — changes are kept and sent when the hub is back',
      detail: 'Nothing waits to be sent.',
    });
    expect(summarizeState({ ...down, pendingUpload: 214 }, running).detail).toBe(
      '214 changes wait on this device.',
    );
    expect(summarizeState({ ...down, pendingUpload: 1 }, running).detail).toBe(
      '1 change waits on this device.',
    );
    // The last run failing to reach it says the same before the facts are read again.
    const failed = fold(running, {
      type: 'synced',
      report: report({ error: 'connect ECONNREFUSED 127.0.0.1:5432' }),
    });
    expect(summarizeState(idle, failed).phase).toBe('offline');
  });

  it('paused', () => {
    expect(summarizeState({ ...idle, paused: true }, running)).toEqual({
      phase: 'paused',
      headline: 'Paused',
      detail: 'Changes are kept on this device until you resume.',
    });
    expect(summarizeState({ ...idle, paused: true, pendingUpload: 2 }, running).detail).toBe(
      '2 changes wait on this device until you resume.',
    );
  });

  it('conflicts to review', () => {
    expect(summarizeState({ ...idle, conflicts: 2 }, running)).toEqual({
      phase: 'conflicts',
      headline: '2 conflicts to review',
      detail: 'Nothing is lost: both versions are kept until you choose.',
    });
  });

  it('an error', () => {
    expect(
      summarizeState(idle, fold(running, { type: 'error', source: 'scan', message: 'disk full' })),
    ).toEqual({
      phase: 'error',
      headline: 'Error: disk full',
      detail: 'NetGuardian tries again with the next change or sync.',
    });
  });

  it('starting, until the daemon’s first round finished', () => {
    expect(summarizeState(idle, initialLive)).toEqual({
      phase: 'starting',
      headline: 'Starting…',
      detail: 'Opening the folder and the local database.',
    });
  });
});

describe('summarizeState: precedence', () => {
  const everything: StateFacts = {
    ...idle,
    hub: { description: 'hub.example.org:5432', connected: false },
    conflicts: 2,
    unsyncable: 3,
    paused: true,
    pendingUpload: 5,
  };
  const busy = fold(
    importStep(running, 'start'),
    { type: 'noticed', count: 2 },
    { type: 'uploading', files: 1, bytes: 10 },
    { type: 'materialize', phase: 'start', files: 4 },
    {
      type: 'scan',
      progress: {
        phase: 'walking',
        filesSeen: 1,
        toHash: 0,
        hashed: 0,
        bytesToHash: 0,
        bytesHashed: 0,
      },
    },
  );
  const missing = fold(
    busy,
    { type: 'error', source: 'sync', message: 'permission denied' },
    { type: 'folder', present: false, problem: 'missing', folder: '/f' },
  );

  it('folder missing > error > offline > conflicts > can’t sync > paused > under way > starting > waiting', () => {
    const headlines = [
      summarizeState(everything, missing),
      summarizeState(everything, { ...missing, folderProblem: null }),
      summarizeState(everything, busy),
      summarizeState({ ...everything, hub: idle.hub }, busy),
      summarizeState({ ...everything, hub: idle.hub, conflicts: 0 }, busy),
      summarizeState({ ...everything, hub: idle.hub, conflicts: 0, unsyncable: 0 }, busy),
      // Before the first round ends: what is under way is said, else "starting", never the
      // counts (read before the round, they may be anything).
      summarizeState({ ...idle, pendingUpload: 5 }, { ...busy, started: false, scan: null }),
      summarizeState({ ...idle, pendingUpload: 5 }, { ...initialLive, changes: 3 }),
    ].map((s) => s.phase);
    expect(headlines).toEqual([
      'folder-missing',
      'error',
      'offline',
      'conflicts',
      'unsyncable',
      'paused',
      'syncing',
      'starting',
    ]);
  });

  it('shows the first upload as it goes, not as starting (a big folder’s first round)', () => {
    const firstUpload = fold(initialLive, { type: 'uploading', files: 300, bytes: 191_889_408 });
    expect(summarizeState({ ...idle, pendingUpload: 300 }, firstUpload)).toEqual({
      phase: 'syncing',
      headline: 'Uploading 300 files (183 MB)',
      detail: 'Sending their contents to the hub.',
    });
  });

  it('shows the first scan as it goes, not as starting', () => {
    const firstScan = fold(initialLive, {
      type: 'scan',
      progress: {
        phase: 'walking',
        filesSeen: 45_000,
        toHash: 0,
        hashed: 0,
        bytesToHash: 0,
        bytesHashed: 0,
      },
    } as const);
    expect(firstScan.started).toBe(false);
    expect(summarizeState(idle, firstScan)).toEqual({
      phase: 'scanning',
      headline: 'Looking for changes',
      detail: '45,000 files looked at so far.',
    });
  });

  it('busy: importing > receiving > uploading > scanning > noticed > waiting', () => {
    const facts = { ...idle, pendingUpload: 5 };
    const imported = importStep(busy, 'end');
    const steps: LiveState[] = [
      busy,
      imported,
      { ...imported, writing: 0 },
      { ...imported, writing: 0, contents: null },
      { ...imported, writing: 0, contents: null, scan: null },
      { ...imported, writing: 0, contents: null, scan: null, noticed: 0 },
    ];
    expect(steps.map((live) => summarizeState(facts, live).headline)).toEqual([
      'Importing files…',
      'Receiving 4 files',
      'Uploading 1 file (10 bytes)',
      'Looking for changes',
      'Noticed 2 changes',
      'Syncing 5 changes',
    ]);
  });
});

describe('withoutDaemon (a CLI command opened the device: nobody watches the folder)', () => {
  it('never says Synced: edits since the last scan are unknown', () => {
    expect(
      withoutDaemon({ phase: 'synced', headline: 'Synced', detail: 'All files are up to date.' }),
    ).toEqual({
      phase: 'stopped',
      headline: 'Not running — the folder is not watched',
      detail:
        'Changes made in the folder since the last scan are found and synced when `netguardian start` (or `netguardian sync`) runs.',
    });
  });

  it('keeps every other answer as it is', () => {
    const offline = {
      phase: 'offline',
      headline: 'Offline — changes are kept and sent when the hub is back',
      detail: '2 changes wait on this device.',
    } as const;
    expect(withoutDaemon(offline)).toBe(offline);
  });
});
