import { describe, expect, it } from 'vitest';
import { RacyStats } from './racyStats.js';

const stat = (mtimeMs: number, size = 12) => ({ size, mtimeMs, ino: '77', mode: 0o100644 });

describe('RacyStats', () => {
  it('suspects a row read within 2 s of the file time, for that exact stat only', () => {
    const racy = new RacyStats();
    racy.note('a.txt', stat(1_000_000), 1_000_004);
    expect(racy.suspect('a.txt', stat(1_000_000))).toBe(true);
    // Another stat is a change the index sees anyway; another path was never noted.
    expect(racy.suspect('a.txt', stat(1_000_000, 13))).toBe(false);
    expect(racy.suspect('a.txt', stat(1_000_001))).toBe(false);
    expect(racy.suspect('b.txt', stat(1_000_000))).toBe(false);
  });

  it('trusts a row read 2 s or more after the file time', () => {
    const racy = new RacyStats();
    racy.note('a.txt', stat(1_000_000), 1_002_000);
    expect(racy.suspect('a.txt', stat(1_000_000))).toBe(false);
    expect(racy.size).toBe(0);
  });

  it('a later row read past the tick clears the suspicion', () => {
    const racy = new RacyStats();
    racy.note('a.txt', stat(1_000_000), 1_000_500);
    racy.note('a.txt', stat(1_000_000), 1_005_000);
    expect(racy.suspect('a.txt', stat(1_000_000))).toBe(false);
    expect(racy.size).toBe(0);
  });

  it('a file time ahead of the clock (another machine writing to a share) is racy', () => {
    const racy = new RacyStats();
    racy.note('a.txt', stat(1_010_000), 1_000_000);
    expect(racy.suspect('a.txt', stat(1_010_000))).toBe(true);
  });

  it('keeps at most 10,000 rows, dropping the oldest noted', () => {
    const racy = new RacyStats();
    for (let i = 0; i < 10_001; i++) racy.note(`f${i}`, stat(5_000), 5_001);
    expect(racy.size).toBe(10_000);
    expect(racy.suspect('f0', stat(5_000))).toBe(false);
    expect(racy.suspect('f1', stat(5_000))).toBe(true);
    expect(racy.suspect('f10000', stat(5_000))).toBe(true);
  });
});
