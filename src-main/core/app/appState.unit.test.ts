import { describe, expect, it } from 'vitest';
import type { DeviceErrorSource, DeviceEvent } from '../device/device.js';
import { syncReport } from '../../../test/support/syncReports.js';
import { initialLive, reduceLive, type LiveState, type StateFacts } from './appState.js';
import { buildAppState, summarizeState } from './stateSummary.js';

/** The phase once the facts were read again after the events (stateSummary's tests cover stale facts). */
const phaseOf = (facts: StateFacts, live: LiveState) =>
  summarizeState({ ...facts, changesRead: live.changes }, live).phase;

const facts: StateFacts = {
  deviceName: 'laptop',
  folder: '/home/a/NetGuardian',
  paused: false,
  hub: { description: 'postgres://hub/db', connected: true },
  lastSyncAt: 1_000,
  files: 10,
  folders: 3,
  conflicts: 0,
  pendingUpload: 0,
  pendingDownload: 0,
  unsyncable: 0,
  changesRead: 0,
};
const started = { ...initialLive, started: true };
const synced = (error: string | null) => syncReport({ error });

describe('the phase', () => {
  it('is starting until the first round finished, then synced', () => {
    expect(phaseOf(facts, initialLive)).toBe('starting');
    expect(phaseOf(facts, started)).toBe('synced');
  });

  it('orders phases as a person must hear them: error > offline > conflicts > paused > scanning > syncing', () => {
    const scanning = reduceLive(started, {
      type: 'scan',
      progress: {
        phase: 'walking',
        filesSeen: 5,
        toHash: 0,
        hashed: 0,
        bytesToHash: 0,
        bytesHashed: 0,
      },
    });
    expect(phaseOf(facts, scanning)).toBe('scanning');
    const syncing = reduceLive(scanning, {
      type: 'sync-progress',
      direction: 'push',
      done: 1,
      total: 3,
    });
    // The scan is said first (its progress tells how much is left to look at).
    expect(phaseOf(facts, syncing)).toBe('scanning');
    expect(phaseOf(facts, { ...syncing, scan: null })).toBe('syncing');
    expect(phaseOf({ ...facts, paused: true }, syncing)).toBe('paused');
    expect(phaseOf({ ...facts, paused: true, conflicts: 2 }, syncing)).toBe('conflicts');
    const offline = {
      ...facts,
      paused: true,
      conflicts: 2,
      hub: { description: 'h', connected: false },
    };
    expect(phaseOf(offline, syncing)).toBe('offline');
    const failed = reduceLive(syncing, { type: 'error', source: 'scan', message: 'disk full' });
    expect(phaseOf(offline, failed)).toBe('error');
  });

  it('reads an unreachable hub as offline, not as an error, and the next success clears it', () => {
    const down = reduceLive(started, {
      type: 'synced',
      report: synced('connect ECONNREFUSED 127.0.0.1:5432'),
    });
    expect(phaseOf(facts, down)).toBe('offline');
    expect(buildAppState(facts, down).lastError).toBe(
      "Can't reach the hub at 127.0.0.1:5432. NetGuardian keeps trying; check that the hub is running.",
    );
    const up = reduceLive(down, { type: 'synced', report: synced(null) });
    expect(phaseOf(facts, up)).toBe('synced');
    expect(buildAppState(facts, up).lastError).toBeNull();
  });

  it('leaves offline as soon as the hub answers during a run, not when the run ends', () => {
    // A run failed on a hub process that died; the next run reaches another and uploads for
    // minutes: every batch the hub takes or gives is proof it is reachable.
    const down = reduceLive(started, {
      type: 'synced',
      report: synced('connect ECONNREFUSED 127.0.0.1:7443'),
    });
    const answered: DeviceEvent[] = [
      // The hub said which contents it lacks: a 300 MB upload starts, for minutes.
      { type: 'uploading', files: 1, bytes: 314_572_800 },
      { type: 'sync-progress', direction: 'push', done: 1, total: 40 },
      { type: 'sync-progress', direction: 'pull', done: 1, total: 40 },
      { type: 'upload', bytes: 4_194_304, chunks: 2 },
    ];
    for (const event of answered) {
      expect(phaseOf(facts, down)).toBe('offline');
      const live = reduceLive(down, event);
      expect(phaseOf(facts, live), event.type).toBe('syncing');
      expect(live.lastError, event.type).toBeNull();
    }
    // An error that is not the hub being away stays until a run succeeds.
    const failed = reduceLive(started, { type: 'synced', report: synced('quota exceeded') });
    const still = reduceLive(failed, { type: 'upload', bytes: 1, chunks: 1 });
    expect(phaseOf(facts, still)).toBe('error');
  });

  it('reads the engine’s sentence for an unreachable hub as offline, in the catalogue’s words', () => {
    const reason = "can't reach the hub at 10.0.0.5:5433: nothing answers there, is it running?";
    const down = reduceLive(started, { type: 'synced', report: synced(reason) });
    expect(phaseOf(facts, down)).toBe('offline');
    expect(buildAppState(facts, down).lastError).toBe(
      "Can't reach the hub at 10.0.0.5:5433. NetGuardian keeps trying; check that the hub is running.",
    );
  });

  it('without a hub is never offline', () => {
    expect(phaseOf({ ...facts, hub: null }, started)).toBe('synced');
  });
});

describe('an error clears when what failed later succeeds', () => {
  const localOnly: StateFacts = { ...facts, hub: null, pendingUpload: 0, pendingDownload: 0 };
  const scanDone: DeviceEvent = {
    type: 'scan',
    progress: {
      phase: 'done',
      filesSeen: 3,
      toHash: 0,
      hashed: 0,
      bytesToHash: 0,
      bytesHashed: 0,
    },
  };
  const localChange: DeviceEvent = {
    type: 'local-change',
    summary: {
      scanned: 3,
      hashed: 1,
      bytesHashed: 10,
      created: 1,
      updated: 0,
      deleted: 0,
      skippedSymlinks: 0,
      busy: 0,
      errors: [],
    },
  };
  const error = (source: DeviceErrorSource, message = 'boom'): DeviceEvent => ({
    type: 'error',
    source,
    message,
  });

  it('lets a local-only device leave the error state: a failed watcher, then a rescan that completes', () => {
    const failed = reduceLive(started, error('scan', 'file watcher failed (EMFILE)'));
    expect(phaseOf(localOnly, failed)).toBe('error');
    // In words: the system's code is never shown (src-shared/errorWords.ts).
    expect(buildAppState(localOnly, failed).lastError).toBe(
      'This computer has too many files open at once. Close some programs; NetGuardian tries again at the next sync.',
    );
    const rescanned = reduceLive(failed, scanDone);
    expect(phaseOf(localOnly, rescanned)).toBe('synced');
    expect(buildAppState(localOnly, rescanned).lastError).toBeNull();
  });

  it('clears a failed rescan on a local change that was scanned', () => {
    const failed = reduceLive(started, error('scan', 'rescan failed: EACCES'));
    expect(phaseOf(localOnly, failed)).toBe('error');
    expect(phaseOf(localOnly, reduceLive(failed, localChange))).toBe('synced');
  });

  it('keeps a sync failure through scans, and clears it on the next successful sync', () => {
    const failed = reduceLive(started, error('sync', 'relation "x" does not exist'));
    const scanned = reduceLive(reduceLive(failed, scanDone), localChange);
    expect(phaseOf(facts, scanned)).toBe('error');
    expect(phaseOf(facts, reduceLive(scanned, { type: 'synced', report: synced(null) }))).toBe(
      'synced',
    );
    const reported = reduceLive(started, { type: 'synced', report: synced('permission denied') });
    expect(phaseOf(facts, reduceLive(reported, scanDone))).toBe('error');
    expect(phaseOf(facts, reduceLive(reported, { type: 'synced', report: synced(null) }))).toBe(
      'synced',
    );
  });

  it('keeps a scan failure through a sync, which says nothing of the folder', () => {
    const failed = reduceLive(started, error('scan'));
    expect(phaseOf(facts, reduceLive(failed, { type: 'synced', report: synced(null) }))).toBe(
      'error',
    );
  });

  it('keeps a failed start through scans; a successful sync clears it', () => {
    const failed = reduceLive(started, error('start', 'Starting the sync failed: x'));
    expect(phaseOf(facts, reduceLive(failed, scanDone))).toBe('error');
    expect(phaseOf(facts, reduceLive(failed, { type: 'synced', report: synced(null) }))).toBe(
      'synced',
    );
  });
});

describe('reduceLive', () => {
  it('reports scan progress with an unknown total while walking, a known one while hashing, none when done', () => {
    const walking = reduceLive(started, {
      type: 'scan',
      progress: {
        phase: 'walking',
        filesSeen: 7,
        toHash: 0,
        hashed: 0,
        bytesToHash: 0,
        bytesHashed: 0,
      },
    });
    expect(walking.scan).toMatchObject({ done: 7, total: null });
    const hashing = reduceLive(walking, {
      type: 'scan',
      progress: {
        phase: 'hashing',
        filesSeen: 7,
        toHash: 4,
        hashed: 1,
        bytesToHash: 100,
        bytesHashed: 25,
      },
    });
    expect(hashing.scan).toMatchObject({ done: 1, total: 4, bytes: 25 });
    // A file that changed while hashed is hashed again: 5 hashed of 4 reads 5 of 5, never 125%.
    const again = reduceLive(walking, {
      type: 'scan',
      progress: {
        phase: 'hashing',
        filesSeen: 7,
        toHash: 4,
        hashed: 5,
        bytesToHash: 100,
        bytesHashed: 130,
      },
    });
    expect(again.scan).toMatchObject({ done: 5, total: 5 });
    const done = reduceLive(hashing, {
      type: 'scan',
      progress: {
        phase: 'done',
        filesSeen: 7,
        toHash: 4,
        hashed: 4,
        bytesToHash: 100,
        bytesHashed: 100,
      },
    });
    expect(done.scan).toBeNull();
  });

  it('adds uploaded bytes to the upload progress and clears transfers when the sync ends', () => {
    const a = reduceLive(started, { type: 'sync-progress', direction: 'push', done: 1, total: 2 });
    const b = reduceLive(a, { type: 'upload', bytes: 500, chunks: 2 });
    const c = reduceLive(b, { type: 'upload', bytes: 300, chunks: 1 });
    expect(c.upload).toMatchObject({ done: 1, total: 2, bytes: 800 });
    const d = reduceLive(c, { type: 'synced', report: synced(null) });
    expect(d).toMatchObject({ syncing: false, upload: null, download: null });
  });

  it('builds the whole AppState from facts and live state', () => {
    const waiting = { ...facts, pendingUpload: 2, pendingDownload: 1 };
    expect(buildAppState(waiting, started)).toEqual({
      phase: 'syncing',
      headline: 'Syncing 3 changes',
      detail: '2 changes to send, 1 file to receive.',
      deviceName: 'laptop',
      folder: '/home/a/NetGuardian',
      hub: { description: 'postgres://hub/db', connected: true },
      lastSyncAt: 1_000,
      files: 10,
      folders: 3,
      conflicts: 0,
      pending: { upload: 2, download: 1, noticed: 0 },
      unsyncable: 0,
      progress: { scan: null, upload: null, download: null },
      lastError: null,
      paused: false,
    });
  });
});
