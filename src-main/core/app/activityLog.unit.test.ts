import { describe, expect, it } from 'vitest';
import { activityText } from '../../../src-shared/activityText.js';
import {
  ActivityLog,
  describeDeviceEvent,
  describeIncoming,
  describeReconnect,
  type ChangeSummary,
} from './activityLog.js';
import { syncReport } from '../../../test/support/syncReports.js';
import { initialLive, reduceLive } from './appState.js';

const unreachable =
  "Can't reach the hub at 127.0.0.1:5477. NetGuardian keeps trying; check that the hub is running.";

describe('ActivityLog: failures in words', () => {
  it('words a raw failure, whoever noted it, with the catalogue’s sentence', () => {
    const log = new ActivityLog(10, () => 0);
    const item = log.add({
      kind: 'error',
      message: 'Sync failed: connect ECONNREFUSED 127.0.0.1:5477',
    });
    expect(item.message).toBe(unreachable);
    const scan = log.add({
      kind: 'error',
      message: "docs/a.txt: EACCES: permission denied, open '/home/ann/Sync/docs/a.txt'",
      path: 'docs/a.txt',
    });
    expect(scan.message).toBe(
      'NetGuardian is not allowed to read or change /home/ann/Sync/docs/a.txt. Check its permissions, or close the program that locks it; NetGuardian tries again at the next sync.',
    );
    expect(scan.path).toBe('docs/a.txt');
  });

  it('leaves what is not a failure as it was said', () => {
    const log = new ActivityLog(10, () => 0);
    expect(log.add({ kind: 'change', message: 'In this folder: 1 file added' }).message).toBe(
      'In this folder: 1 file added',
    );
  });

  it('collapses an outage retried 7 times into one row: "… since 20:44 · 7 tries"', () => {
    let now = Date.UTC(2026, 11, 6, 20, 44);
    const log = new ActivityLog(100, () => now);
    // The engine's words differ from try to try only in nothing: the same outage each time.
    for (let i = 0; i < 7; i++) {
      log.add({ kind: 'error', message: 'Sync failed: connect ECONNREFUSED 127.0.0.1:5477' });
      now += 60_000;
    }
    const rows = log.list();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.repeats).toEqual({ count: 7, since: Date.UTC(2026, 11, 6, 20, 44) });
    expect(activityText(rows[0]!, () => '20:44')).toBe(
      "Can't reach the hub at 127.0.0.1:5477 since 20:44 · 7 tries. NetGuardian keeps trying; check that the hub is running.",
    );
  });
});

describe('describeIncoming: files and folders counted apart', () => {
  const ctx = { thisNode: 'laptop-0000', nameOf: (id: string) => id.split('-')[0] ?? id };
  const change = (path: string, folder: boolean, existsAfter = true): ChangeSummary => ({
    path,
    folder,
    nodeId: 'desktop-00ff',
    existedBefore: true,
    existsAfter,
    conflictsBefore: 0,
    conflictsAfter: 0,
    lostDeletesBefore: 0,
    lostDeletesAfter: 0,
  });

  it('says "3 files and 1 folder", never a folder as a file', () => {
    const drafts = describeIncoming(
      [
        change('docs', true),
        change('docs/a.txt', false),
        change('docs/b.txt', false),
        change('c.txt', false),
        change('old', true, false),
        change('old/x.txt', false, false),
      ],
      ctx,
    );
    expect(drafts.map((d) => d.message)).toEqual([
      '3 files and 1 folder from desktop reached this device; 1 file and 1 folder deleted on desktop',
    ]);
  });

  it('says one path was added, changed or deleted, as it was', () => {
    const one = (c: ChangeSummary) => describeIncoming([c], ctx)[0]?.message;
    expect(one({ ...change('new.txt', false), existedBefore: false })).toBe(
      'new.txt was added on desktop',
    );
    expect(one({ ...change('photos', true), existedBefore: false })).toBe(
      'photos was added on desktop',
    );
    expect(one(change('plan.txt', false))).toBe('plan.txt changed on desktop');
    expect(one(change('old.txt', false, false))).toBe('old.txt was deleted on desktop');
  });

  it('says nothing of a file made and deleted elsewhere before this device had it', () => {
    const never = { ...change('tmp.txt', false, false), existedBefore: false };
    expect(describeIncoming([never], ctx)).toEqual([]);
    expect(describeIncoming([never, change('kept.txt', false)], ctx)[0]?.message).toBe(
      'kept.txt changed on desktop',
    );
  });

  it('counts with thousands separators', () => {
    const many = Array.from({ length: 1214 }, (_, i) => change(`f${i}.txt`, false));
    expect(describeIncoming(many, ctx)[0]?.message).toBe(
      '1,214 files from desktop reached this device',
    );
  });
});

describe('ActivityLog: restored from before a restart', () => {
  const item = (id: number) => ({ id, at: id * 1000, kind: 'sync' as const, message: `m${id}` });

  it('keeps the newest of what it restores within its bound, and never reuses an id', () => {
    const kept: number[][] = [];
    const restored = Array.from({ length: 600 }, (_, i) => item(i + 1));
    const log = new ActivityLog(500, () => 0, {
      restored,
      onChange: (items) => kept.push(items.map((i) => i.id)),
    });
    const list = log.list();
    expect(list).toHaveLength(500);
    expect(list[0]?.id).toBe(600);
    expect(list.at(-1)?.id).toBe(101);
    expect(log.add({ kind: 'sync', message: 'next' }).id).toBe(601);
    // Each change hands over the whole bounded list, oldest first.
    expect(kept).toHaveLength(1);
    expect(kept[0]).toHaveLength(500);
    expect(kept[0]?.[0]).toBe(102);
    expect(kept[0]?.at(-1)).toBe(601);
  });

  it('goes on counting an outage that outlived the restart in its row', () => {
    const since = Date.UTC(2026, 11, 6, 20, 44);
    const unreachableRow = {
      id: 3,
      at: since + 120_000,
      kind: 'error' as const,
      message: unreachable,
      repeats: { count: 3, since },
    };
    const log = new ActivityLog(500, () => since + 600_000, { restored: [unreachableRow] });
    const again = log.add({
      kind: 'error',
      message: 'Sync failed: connect ECONNREFUSED 127.0.0.1:5477',
    });
    expect(again).toEqual({ ...unreachableRow, at: since + 600_000, repeats: { count: 4, since } });
  });
});

describe('local changes: files and folders counted apart', () => {
  const ctx = { thisNode: 'laptop-0000', nameOf: (id: string) => id };
  const summary = {
    scanned: 0,
    hashed: 0,
    bytesHashed: 0,
    skippedSymlinks: 0,
    busy: 0,
    errors: [],
  };

  it('says "3 files and 1 folder added", "2 folders deleted"', () => {
    expect(
      describeDeviceEvent(
        {
          type: 'local-change',
          summary: {
            ...summary,
            created: 4,
            foldersCreated: 1,
            updated: 1_214,
            deleted: 2,
            foldersDeleted: 2,
          },
        },
        ctx,
      ),
    ).toEqual([
      {
        kind: 'change',
        message: 'In this folder: 3 files and 1 folder added, 1,214 changed, 2 folders deleted',
      },
    ]);
  });
});

describe('describeReconnect: the end of an outage is told', () => {
  const report = (error: string | null) => syncReport({ error });
  const down = reduceLive(
    { ...initialLive, started: true },
    { type: 'synced', report: report('connect ECONNREFUSED 127.0.0.1:7443') },
  );

  it('says once that the hub answers again, when a batch or a run reaches it', () => {
    const back = reduceLive(down, { type: 'sync-progress', direction: 'pull', done: 1, total: 2 });
    expect(describeReconnect(down, back)).toEqual([
      { kind: 'sync', message: 'The hub answers again: syncing goes on' },
    ]);
    const after = reduceLive(back, { type: 'synced', report: report(null) });
    expect(describeReconnect(back, after)).toEqual([]);
    expect(
      describeReconnect(down, reduceLive(down, { type: 'synced', report: report(null) })),
    ).toHaveLength(1);
  });

  it('says nothing while the hub stays away, nor after an error that was not an outage', () => {
    const still = reduceLive(down, { type: 'synced', report: report('connect ETIMEDOUT') });
    expect(describeReconnect(down, still)).toEqual([]);
    const failed = reduceLive(
      { ...initialLive, started: true },
      { type: 'synced', report: report('quota exceeded') },
    );
    expect(
      describeReconnect(failed, reduceLive(failed, { type: 'synced', report: report(null) })),
    ).toEqual([]);
  });
});
