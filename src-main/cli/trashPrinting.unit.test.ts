import { describe, expect, it } from 'vitest';
import type { TrashView } from '../../src-shared/ipc/contract.js';
import { emptiedLine, trashLines } from './trashPrinting.js';

const limits = { maxAgeDays: 30, maxPercent: 10, maxBytes: 10 * 1_048_576 };

describe('trash list', () => {
  it('says when, what path, how large and why, newest first, then the total', () => {
    const view: TrashView = {
      items: [
        {
          id: '20261206-031005-0a0b0c0d',
          path: 'notes/a.txt',
          kind: 'file',
          bytes: 2_048,
          reason: 'replaced',
          trashedAt: Date.UTC(2026, 11, 6, 3, 10, 5),
        },
        {
          id: '20261201-120000-01020304',
          path: 'old',
          kind: 'dir',
          bytes: 1,
          reason: 'deleted',
          trashedAt: Date.UTC(2026, 11, 1, 12, 0, 0),
        },
      ],
      count: 2,
      bytes: 2_049,
      limits,
    };
    expect(trashLines(view)).toEqual([
      '2026-12-06 03:10:05 UTC  notes/a.txt  2.0 KB  replaced by another version',
      '2026-12-01 12:00:00 UTC  old/  1 byte  deleted',
      '2 items in the trash, 2.0 KB; it keeps items 30 days and at most 10% of the folder (10 MB).',
    ]);
  });

  it('says the trash is empty, and counts what it does not list', () => {
    expect(trashLines({ items: [], count: 0, bytes: 0, limits })).toEqual([
      'The trash is empty; it keeps items 30 days and at most 10% of the folder (10 MB).',
    ]);
    const one = {
      id: '20261206-031005-0a0b0c0d',
      path: 'a.txt',
      kind: 'file',
      bytes: 10,
      reason: 'displaced-by-restore',
      trashedAt: Date.UTC(2026, 11, 6, 3, 10, 5),
    } as const;
    expect(trashLines({ items: [one], count: 1_001, bytes: 10_010, limits })).toEqual([
      '2026-12-06 03:10:05 UTC  a.txt  10 bytes  displaced by a restore',
      '… and 1000 older',
      '1001 items in the trash, 9.8 KB; it keeps items 30 days and at most 10% of the folder (10 MB).',
    ]);
  });
});

describe('trash empty', () => {
  it('says what it removed and what is left', () => {
    const report = { removed: 2, removedBytes: 3_072, left: 1, leftBytes: 10 };
    expect(emptiedLine(report, '7d')).toBe(
      'Removed 2 items older than 7d from the trash (3.0 KB); 1 item left (10 bytes).',
    );
    expect(emptiedLine({ ...report, left: 0, leftBytes: 0 }, undefined)).toBe(
      'Removed 2 items from the trash (3.0 KB); 0 items left (0 bytes).',
    );
    expect(emptiedLine({ removed: 0, removedBytes: 0, left: 3, leftBytes: 30 }, '30d')).toBe(
      'Nothing in the trash is older than 30d; 3 items left.',
    );
    expect(emptiedLine({ removed: 0, removedBytes: 0, left: 0, leftBytes: 0 }, undefined)).toBe(
      'The trash is already empty.',
    );
  });
});
