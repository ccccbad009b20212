/**
 * When a running device prunes its trash (`TrashUpkeep`): at start, an hour later and every hour,
 * soon after materializer runs that trashed or replaced many files, never after `stop`. A real
 * trash folder; only the timers are faked (each prune asks the folder's size once: counted).
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeTempDir, type TempDir } from '../../../test/support/tempDir.js';
import type { MaterializeReport } from '../files/materializer.js';
import { createTrash } from '../files/trash.js';
import { TrashUpkeep } from './trashUpkeep.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let tmp: TempDir;
beforeEach(async () => {
  tmp = await makeTempDir('ng-trash-upkeep-');
  vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval', 'clearTimeout', 'clearInterval'] });
});
afterEach(async () => {
  vi.useRealTimers();
  await tmp.cleanup();
});

const applied = (removed: number): MaterializeReport => ({
  written: [],
  modeChanged: [],
  dirsCreated: [],
  removed: Array.from({ length: removed }, (_, i) => `f${i}`),
  conflictCopies: [],
  unchanged: [],
  deferred: [],
  waitingForSpace: [],
  errors: [],
  chunksReused: 0,
  chunksDownloaded: 0,
});

describe('TrashUpkeep', () => {
  it('prunes at start, hourly, soon after a large addition, and not once stopped', async () => {
    const now = Date.UTC(2026, 11, 6, 12, 0, 0);
    const trash = createTrash({ dataDir: tmp.path, now: () => now - 40 * DAY });
    const abs = path.join(tmp.path, 'old.txt');
    await writeFile(abs, 'old');
    await trash.move(abs, {
      path: 'old.txt',
      kind: 'file',
      hash: null,
      size: 3,
      reason: 'deleted',
    });
    let prunes = 0;
    const upkeep = new TrashUpkeep({
      trash,
      limits: () => ({ maxAgeDays: 30, maxPercent: 10 }),
      folderBytes: () => {
        prunes++;
        return Promise.resolve(1_000_000);
      },
      now: () => now,
    });

    await upkeep.start();
    expect(prunes).toBe(1);
    // The 40-day-old item went.
    expect(await trash.list()).toEqual([]);

    // 99 files trashed: not yet a large addition; one more makes 100, pruned half a minute on.
    upkeep.noteApplied(applied(99));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(prunes).toBe(1);
    upkeep.noteApplied(applied(1));
    await vi.advanceTimersByTimeAsync(30_000);
    await vi.waitFor(() => expect(prunes).toBe(2));
    await upkeep.idle();

    // Hourly from the start.
    await vi.advanceTimersByTimeAsync(HOUR);
    await vi.waitFor(() => expect(prunes).toBe(3));
    await upkeep.idle();

    await upkeep.stop();
    upkeep.noteApplied(applied(500));
    await vi.advanceTimersByTimeAsync(3 * HOUR);
    expect(prunes).toBe(3);
  });
});
