import { describe, expect, it } from 'vitest';
import { entriesToPrune, trashByteLimit, type TrashEntry } from './trashPolicy.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 6, 12, 0, 0);
const limits = { maxAgeDays: 30, maxPercent: 10 };
const entry = (id: string, daysAgo: number, bytes: number): TrashEntry => ({
  id,
  trashedAt: NOW - daysAgo * DAY,
  bytes,
});

describe('entriesToPrune', () => {
  it('removes what is older than the age limit, oldest first, and keeps the rest', () => {
    const entries = [entry('b', 31, 1), entry('c', 29, 1), entry('a', 40, 1), entry('d', 0, 1)];
    // The folder is large: the size limit (10% of 1,000,000) holds whatever is kept.
    expect(entriesToPrune(entries, { now: NOW, limits, folderBytes: 1_000_000 })).toEqual([
      'a',
      'b',
    ]);
  });

  it('keeps the trash within its share of the folder: the oldest go, the newest stay', () => {
    // Folder 1,000 bytes, 10%: at most 100 bytes. Items of 40 bytes each, 5 of them (200).
    const entries = [
      entry('e', 2, 40),
      entry('d', 3, 40),
      entry('c', 4, 40),
      entry('b', 5, 40),
      entry('a', 6, 40),
    ];
    // 200 → 160 (a) → 120 (b) → 80 (c): three go, d and e stay.
    expect(entriesToPrune(entries, { now: NOW, limits, folderBytes: 1_000 })).toEqual([
      'a',
      'b',
      'c',
    ]);
  });

  it('applies both limits: the old ones for age, then more for size', () => {
    const entries = [
      entry('old', 45, 1),
      entry('big', 10, 500),
      entry('mid', 5, 50),
      entry('new', 2, 30),
    ];
    // Folder 1,000 bytes: at most 100. "old" goes for age (581 left), "big" for size (81 left).
    expect(entriesToPrune(entries, { now: NOW, limits, folderBytes: 1_000 })).toEqual([
      'old',
      'big',
    ]);
  });

  it('never removes for size what went to the trash less than a day ago', () => {
    // A mass deletion emptied the folder: nothing of it goes for size until it is a day old.
    const entries = [entry('a', 0.5, 5_000), entry('b', 0.1, 5_000), entry('c', 3, 10)];
    expect(entriesToPrune(entries, { now: NOW, limits, folderBytes: 0 })).toEqual(['c']);
    expect(entriesToPrune(entries, { now: NOW + DAY, limits, folderBytes: 0 })).toEqual([
      'c',
      'a',
      'b',
    ]);
  });

  it('removes nothing when both limits hold', () => {
    const entries = [entry('a', 29, 10), entry('b', 1, 10)];
    expect(entriesToPrune(entries, { now: NOW, limits, folderBytes: 200 })).toEqual([]);
    expect(entriesToPrune([], { now: NOW, limits, folderBytes: 0 })).toEqual([]);
  });

  it('reads other limits', () => {
    const entries = [entry('a', 8, 10), entry('b', 6, 10)];
    expect(
      entriesToPrune(entries, {
        now: NOW,
        limits: { maxAgeDays: 7, maxPercent: 100 },
        folderBytes: 100,
      }),
    ).toEqual(['a']);
    expect(trashByteLimit({ maxAgeDays: 30, maxPercent: 2.5 }, 1_000)).toBe(25);
  });
});
