import { describe, expect, it } from 'vitest';
import { activityText } from '../../../src-shared/activityText.js';
import type { ActivityItem } from '../../../src-shared/ipc/contract.js';
import type { FileView } from '../../../src-shared/crdt/fileEntity.js';
import { DIRECTORY_HASH } from '../../../src-shared/fileKinds.js';
import { ActivityLog, describeDeviceEvent, describeIncoming } from './activityLog.js';
import { conflictInfoOf, previewKindOf } from './conflictView.js';
import { nameFromNodeId } from './deviceNames.js';
import { stateOfRow } from './fileList.js';
import { historyEntries } from './history.js';
import { numberedName } from './uniqueNames.js';
import { decodeText } from './versionContent.js';

const ctx = { thisNode: 'laptop-1a2b3c4d', nameOf: nameFromNodeId };

describe('activity in plain words', () => {
  it('groups incoming changes per device and names conflicts one by one', () => {
    const base = {
      folder: false,
      existedBefore: true,
      conflictsBefore: 0,
      conflictsAfter: 0,
      lostDeletesBefore: 0,
      lostDeletesAfter: 0,
    };
    const drafts = describeIncoming(
      [
        { ...base, path: 'a.txt', nodeId: 'desktop-00ff00ff', existsAfter: true },
        { ...base, path: 'b.txt', nodeId: 'desktop-00ff00ff', existsAfter: true },
        {
          ...base,
          path: 'c.txt',
          nodeId: 'desktop-00ff00ff',
          existsAfter: true,
          conflictsAfter: 1,
        },
        { ...base, path: 'gone.txt', nodeId: 'phone-12345678', existsAfter: false },
        { ...base, path: 'mine.txt', nodeId: ctx.thisNode, existsAfter: true },
      ],
      ctx,
    );
    expect(drafts.map((d) => d.message)).toEqual([
      '3 files from desktop reached this device',
      'gone.txt was deleted on phone',
      'c.txt was changed on two devices at once: both versions are kept, review it in Conflicts',
    ]);
  });

  it('describes local changes and failures, and says nothing about progress', () => {
    const summary = {
      scanned: 4,
      hashed: 3,
      bytesHashed: 10,
      created: 2,
      updated: 1,
      deleted: 0,
      skippedSymlinks: 0,
      busy: 0,
      errors: [],
    };
    expect(describeDeviceEvent({ type: 'local-change', summary }, ctx)).toEqual([
      { kind: 'change', message: 'In this folder: 2 files added, 1 changed' },
    ]);
    expect(
      describeDeviceEvent({ type: 'error', source: 'scan', message: 'disk full' }, ctx)[0]?.kind,
    ).toBe('error');
    expect(describeDeviceEvent({ type: 'upload', bytes: 1, chunks: 1 }, ctx)).toEqual([]);
  });

  it('keeps a bounded ring, newest first, with increasing ids', () => {
    const log = new ActivityLog(3, () => 42);
    for (const n of [1, 2, 3, 4, 5]) log.add({ kind: 'sync', message: `m${n}` });
    expect(log.list().map((i) => [i.id, i.message, i.at])).toEqual([
      [5, 'm5', 42],
      [4, 'm4', 42],
      [3, 'm3', 42],
    ]);
  });
});

describe('repeated failures', () => {
  // As the log keeps it: in the catalogue's words (src-shared/errorWords.ts).
  const down =
    "Can't reach the hub at 10.0.0.5. NetGuardian keeps trying; check that the hub is running.";
  it('counts the same error again under one item until a sync succeeds', () => {
    let now = Date.UTC(2026, 11, 6, 20, 44);
    const log = new ActivityLog(100, () => now);
    const first = log.add({ kind: 'error', message: down });
    log.add({ kind: 'change', message: 'In this folder: 1 file added' });
    for (let i = 0; i < 6; i++) {
      now += 60_000;
      log.add({ kind: 'error', message: down });
    }
    const [latest, change, ...rest] = log.list();
    expect(rest).toEqual([]);
    expect(change?.message).toBe('In this folder: 1 file added');
    // Seven tries, one row: the first one's id, the latest time, since the first.
    expect(latest).toEqual({
      id: first.id,
      at: Date.UTC(2026, 11, 6, 20, 50),
      kind: 'error',
      message: down,
      repeats: { count: 7, since: Date.UTC(2026, 11, 6, 20, 44) },
    });
    expect(activityText(latest as ActivityItem, () => '20:44')).toBe(
      "Can't reach the hub at 10.0.0.5 since 20:44 · 7 tries. NetGuardian keeps trying; check that the hub is running.",
    );
    // Another failure is its own row; a successful sync ends the streak.
    log.add({ kind: 'error', message: 'Sync failed: the hub refused 1 change(s)' });
    log.add({ kind: 'sync', message: '1 change sent to the hub' });
    const after = log.add({ kind: 'error', message: down });
    expect(after.id).not.toBe(first.id);
    expect(after.repeats).toBeUndefined();
    expect(log.list()).toHaveLength(5);
  });
});

describe('names and previews', () => {
  it('reads a device name back from its node id', () => {
    expect(nameFromNodeId('annas-laptop-1a2b3c4d')).toBe('annas-laptop');
    expect(nameFromNodeId('dev-1a2b3c4d')).toBe('dev-1a2b3c4d');
    expect(nameFromNodeId('plain')).toBe('plain');
  });

  it('numbers taken names before the extension', () => {
    expect(numberedName('report.pdf', 1)).toBe('report.pdf');
    expect(numberedName('report.pdf', 2)).toBe('report (2).pdf');
    expect(numberedName('archive.tar.gz', 3)).toBe('archive.tar (3).gz');
    expect(numberedName('.bashrc', 2)).toBe('.bashrc (2)');
    expect(numberedName('notes', 2)).toBe('notes (2)');
  });

  it('previews images by extension, skips known binaries, tries text otherwise', () => {
    expect(previewKindOf('a/b/photo.JPG')).toBe('image');
    expect(previewKindOf('logo.svg')).toBe('image');
    expect(previewKindOf('report.pdf')).toBe('none');
    expect(previewKindOf('notes.md')).toBe('text');
    expect(previewKindOf('Makefile')).toBe('text');
  });

  it('decodes UTF-8 text, refuses binary, and survives a head cut inside a character', () => {
    const bytes = new TextEncoder().encode('héllo wörld');
    expect(decodeText(bytes, false)).toBe('héllo wörld');
    expect(decodeText(bytes.subarray(0, 2), true)).toBe('h');
    expect(decodeText(Uint8Array.from([0x68, 0x00, 0x69]), false)).toBeUndefined();
    expect(decodeText(Uint8Array.from([0xff, 0xfe, 0x41]), false)).toBeUndefined();
  });
});

describe('file rows and conflicts', () => {
  const row = {
    content_hash: 'h1',
    has_conflict: false,
    last_node_id: 'x',
    last_hlc: null,
    on_disk: true,
    disk_kind: 'file' as const,
    disk_hash: 'h1',
    mtime_ms: 1,
    mode: 0o644,
    unpushed: false,
  };

  it('gives each file one state: conflict > pending upload > downloading > synced', () => {
    expect(stateOfRow(row)).toBe('synced');
    expect(stateOfRow({ ...row, disk_hash: 'old' })).toBe('downloading');
    expect(stateOfRow({ ...row, on_disk: false })).toBe('downloading');
    expect(stateOfRow({ ...row, disk_hash: 'old', unpushed: true })).toBe('pending-upload');
    expect(stateOfRow({ ...row, unpushed: true, has_conflict: true })).toBe('conflict');
    expect(
      stateOfRow({ ...row, content_hash: DIRECTORY_HASH, disk_kind: 'dir', disk_hash: null }),
    ).toBe('synced');
  });

  it('never calls a path this device ignores downloading: it is synced elsewhere', () => {
    expect(stateOfRow({ ...row, on_disk: false }, true)).toBe('synced');
    expect(stateOfRow({ ...row, disk_hash: 'old' }, true)).toBe('synced');
    expect(stateOfRow({ ...row, on_disk: false, unpushed: true }, true)).toBe('pending-upload');
    expect(stateOfRow({ ...row, on_disk: false, has_conflict: true }, true)).toBe('conflict');
  });

  it('lists the winner first, then each loser with its conflict copy and side', () => {
    const version = (id: string, nodeId: string, timestamp: string, hash: string) => ({
      id,
      nodeId,
      timestamp,
      hlc: `${Date.parse(timestamp)}-0-${nodeId}`,
      clock: {},
      value: { hash, size: 5 },
    });
    const view = {
      entityId: 'docs/plan.txt',
      exists: true,
      winner: version('e2', 'desktop-00ff00ff', '2026-01-02T03:04:05.000Z', 'b'),
      content: { hash: 'b', size: 5 },
      conflicts: [version('e1', ctx.thisNode, '2026-01-02T03:04:00.000Z', 'a')],
      lostDeletes: [],
      fields: {},
      clock: {},
      lastChange: null,
    } as unknown as FileView;
    const info = conflictInfoOf(view, ctx);
    expect(info.preview).toBe('text');
    expect(info.versions.map((v) => [v.eventId, v.device, v.side, v.winner, v.copyPath])).toEqual([
      ['e2', 'desktop', 'theirs', true, null],
      ['e1', 'laptop', 'mine', false, 'docs/plan.conflict-laptop-1a2b3c4d-20260102-030400-a.txt'],
    ]);
  });

  it('lists history newest first, marks the current version and deletions', () => {
    const ev = (
      eventId: string,
      hlc: string,
      kind: 'FileCreated' | 'FileUpdated' | 'FileDeleted',
      content?: { hash: string; size: number },
    ) => ({
      eventId,
      spaceId: 's',
      entityId: 'a.txt',
      kind,
      data: content ? { content } : {},
      timestamp: '2026-01-01T00:00:00.000Z',
      hlc,
      nodeId: ctx.thisNode,
      seq: 1,
      vectorClock: {},
    });
    const entries = historyEntries(
      [
        ev('e1', '000000000000001-000000-n', 'FileCreated', { hash: 'a', size: 1 }),
        ev('e3', '000000000000003-000000-n', 'FileCreated', { hash: 'c', size: 3 }),
        ev('e2', '000000000000002-000000-n', 'FileDeleted'),
        { ...ev('meta', '000000000000004-000000-n', 'FileUpdated'), data: { fields: { mode: 1 } } },
      ],
      'e3',
      ctx,
    );
    expect(entries.map((e) => [e.eventId, e.deleted, e.current, e.size])).toEqual([
      ['e3', false, true, 3],
      ['e2', true, false, null],
      ['e1', false, false, 1],
    ]);
    expect(entries.map((e) => e.kind)).toEqual(['created', 'deleted', 'created']);
  });

  it('says what each version was, and when one brings back an earlier one’s content', () => {
    const ev = (
      eventId: string,
      wall: number,
      kind: 'FileCreated' | 'FileUpdated' | 'FileDeleted' | 'ConflictResolved',
      hash?: string,
    ) => ({
      eventId,
      spaceId: 's',
      entityId: 'a.txt',
      kind,
      data: hash
        ? { content: { hash, size: 1 } }
        : kind === 'ConflictResolved'
          ? { content: null }
          : {},
      timestamp: new Date(wall).toISOString(),
      hlc: `${String(wall).padStart(15, '0')}-000000-n`,
      nodeId: ctx.thisNode,
      seq: 1,
      vectorClock: {},
    });
    const entries = historyEntries(
      [
        ev('made', 1_000, 'FileCreated', 'a'),
        { ...ev('changed', 2_000, 'FileUpdated', 'b'), nodeId: 'desktop-00ff00ff' },
        ev('restored', 3_000, 'FileUpdated', 'a'),
        ev('settled', 4_000, 'ConflictResolved', 'b'),
        ev('gone', 5_000, 'FileDeleted'),
      ],
      undefined,
      ctx,
    );
    expect(entries.map((e) => [e.eventId, e.kind, e.sameAsEarlier])).toEqual([
      ['gone', 'deleted', undefined],
      ['settled', 'resolved', 2_000],
      ['restored', 'edited', 1_000],
      ['changed', 'edited', undefined],
      ['made', 'created', undefined],
    ]);
    // Who made each version, and whether that was this device.
    expect(entries.map((e) => [e.eventId, e.device, e.thisDevice])).toEqual([
      ['gone', 'laptop', true],
      ['settled', 'laptop', true],
      ['restored', 'laptop', true],
      ['changed', 'desktop', false],
      ['made', 'laptop', true],
    ]);
  });
});
