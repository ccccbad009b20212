import { describe, expect, it } from 'vitest';
import type {
  DeviceStatusView,
  SyncRunReport,
  VersionInfo,
} from '../../src-shared/ipc/contract.js';
import {
  conflictLines,
  contentsWords,
  folderNotSynced,
  runningWords,
  statusLines,
  unsyncableLines,
} from './printing.js';

describe("status: the files that can't sync", () => {
  it('prints nothing when every file syncs', () => {
    expect(unsyncableLines({ total: 0, files: [] })).toEqual([]);
  });

  it('prints one line per file (path — reason in words), quoting names with a tab or newline', () => {
    expect(
      unsyncableLines({
        total: 4,
        files: [
          { path: 'a\tb.txt', reason: 'special-file', message: 'm', side: 'local' },
          { path: 'docs/latest', reason: 'symlink', message: 'm', side: 'local' },
          { path: 'what?.txt', reason: 'name-not-allowed', message: 'm', side: 'remote' },
        ],
      }),
    ).toEqual([
      "4 files can't sync:",
      '  "a\\tb.txt" — is a special file (pipe, socket or device)',
      '  docs/latest — is a symbolic link',
      '  what?.txt — has a name this device cannot use (from another device)',
      '  … and 1 more',
    ]);
  });

  it('says "file" for one', () => {
    expect(
      unsyncableLines({
        total: 1,
        files: [{ path: 'big.iso', reason: 'too-large', message: 'm', side: 'local' }],
      })[0],
    ).toBe("1 file can't sync:");
  });
});

describe('status: files and folders counted apart', () => {
  it('says each, singular and plural', () => {
    expect(contentsWords(202, 7)).toBe('195 files, 7 folders');
    expect(contentsWords(2, 1)).toBe('1 file, 1 folder');
    expect(contentsWords(0, 0)).toBe('0 files, 0 folders');
    expect(contentsWords(12_345, 345)).toBe('12,000 files, 345 folders');
  });
});

describe('conflicts: which version is mine and which is theirs', () => {
  const at = Date.UTC(2026, 0, 5, 10, 0, 0);
  const version = (over: Partial<VersionInfo>): VersionInfo => ({
    eventId: 'e',
    device: 'd',
    nodeId: 'n',
    changedAt: at,
    size: 10,
    hash: 'h',
    side: 'theirs',
    winner: false,
    copyPath: null,
    ...over,
  });

  it('names the devices, marks this one, and says what each --keep keeps', () => {
    expect(
      conflictLines([
        {
          path: 'notes.txt',
          preview: 'text',
          versions: [
            version({ eventId: 'e-desk', device: 'desktop', winner: true, size: 40 }),
            version({
              eventId: 'e-lap',
              device: 'laptop',
              side: 'mine',
              size: 24,
              copyPath: 'notes.conflict-x.txt',
            }),
          ],
          keeps: {
            mine: { eventId: 'e-lap', device: 'laptop', side: 'mine', deleted: false },
            theirs: { eventId: 'e-desk', device: 'desktop', side: 'theirs', deleted: false },
          },
        },
      ]),
    ).toEqual([
      'notes.txt',
      '  on disk  theirs  desktop  2026-01-05T10:00:00.000Z  40 bytes  version e-desk',
      '  copy     mine    laptop (this device)  2026-01-05T10:00:00.000Z  24 bytes  version e-lap  as notes.conflict-x.txt',
      "  --keep mine keeps this device's (laptop) version e-lap; --keep theirs keeps desktop's version e-desk; --keep both keeps every version (the others as copies)",
      'resolve with: netguardian resolve <path> --keep mine|theirs|both',
    ]);
  });

  it('says when mine is another device’s (this one wrote none) and a deletion', () => {
    const lines = conflictLines([
      {
        path: 'a.txt',
        preview: 'text',
        versions: [
          version({ eventId: 'e-b', device: 'b', winner: true }),
          version({ eventId: 'e-c', device: 'c', copyPath: 'a.conflict.txt' }),
        ],
        keeps: {
          mine: { eventId: 'e-b', device: 'b', side: 'theirs', deleted: false },
          theirs: { eventId: 'e-d', device: 'c', side: 'theirs', deleted: true },
        },
      },
    ]);
    expect(lines[3]).toBe(
      "  --keep mine keeps b's version e-b, the one on disk; --keep theirs deletes it (c's deletion); --keep both keeps every version (the others as copies)",
    );
  });
});

describe('sync: the folder not used', () => {
  const report: SyncRunReport = {
    scanned: { created: 0, updated: 0, deleted: 0 },
    synced: true,
    sent: 0,
    received: 3,
    held: 0,
    error: null,
    folderProblem: 'missing',
  };

  it('says nothing was synced from it, what the hub exchange did, and how it resumes', () => {
    expect(folderNotSynced(report, '/media/photos')).toBe(
      'nothing was synced from the folder: /media/photos is not there (moved, deleted, or a drive not mounted?); syncing resumes by itself once it is back at that path (with the hub: sent 0, received 3 changes; what was received is written into the folder once it is used again)',
    );
    expect(
      folderNotSynced({ ...report, synced: false, folderProblem: 'marker-other' }, '/media/photos'),
    ).toBe(
      "nothing was synced from the folder: /media/photos is there, but its marker file .netguardian-folder names another synced folder (or can't be read), so it is not recognized as this one (another device's folder or drive there?); if it is the synced folder, re-attach it: netguardian folder attach",
    );
  });
});

describe('status: the running line', () => {
  it('says a running device waits for its folder when the folder is missing or not recognized', () => {
    expect(runningWords({ running: true, folderProblem: null })).toBe(
      'yes: watching the folder and syncing',
    );
    for (const folderProblem of ['missing', 'marker-missing', 'marker-other'] as const)
      expect(runningWords({ running: true, folderProblem })).toBe(
        'yes: syncing with the hub, waiting for the folder (nothing is recorded or written)',
      );
    expect(runningWords({ running: false, folderProblem: 'missing' })).toBe(
      'no: `netguardian start` watches and syncs',
    );
  });
});

describe('status: numbers and the last error in words', () => {
  const status: DeviceStatusView = {
    deviceName: 'laptop',
    nodeId: 'laptop-00ff00ff',
    folder: '/home/ann/Sync',
    spaceId: 'default',
    files: 2_861,
    folders: 60,
    conflicts: 1_214,
    held: 0,
    pendingDownload: 0,
    paused: false,
    folderPresent: true,
    folderProblem: null,
    watcherProblem: null,
    running: true,
    hub: {
      address: '127.0.0.1:5477',
      reachable: true,
      problem: null,
      live: false,
      lastSync: { at: Date.UTC(2026, 11, 6, 20, 40), sent: 2_801, received: 0 },
      pendingUpload: 1_214,
      lastError: {
        at: Date.UTC(2026, 11, 6, 20, 44),
        message: 'connect ECONNREFUSED 127.0.0.1:5477',
      },
    },
    unsyncable: { total: 0, files: [] },
    state: { phase: 'synced', headline: 'Synced', detail: 'All files are up to date.' },
  };

  it('prints counts with thousands separators and the last error as the catalogue says it', () => {
    const lines = statusLines(status);
    expect(lines).toContain('files     2,801 files, 60 folders');
    expect(lines).toContain('conflicts 1,214 (see `netguardian conflicts`)');
    expect(lines).toContain('last sync 2026-12-06T20:40:00.000Z (sent 2,801, received 0)');
    expect(lines).toContain('pending   1,214 local changes not on the hub yet');
    const one: DeviceStatusView = { ...status, hub: { ...status.hub!, pendingUpload: 1 } };
    expect(statusLines(one)).toContain('pending   1 local change not on the hub yet');
    expect(lines).toContain(
      "last error 2026-12-06T20:44:00.000Z: Can't reach the hub at 127.0.0.1:5477. NetGuardian keeps trying; check that the hub is running.",
    );
  });
});
