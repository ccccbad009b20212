import { describe, expect, it } from 'vitest';
import { parseSinceTime } from './sinceTime.js';

// 2026-12-05T12:00:00Z, written out by hand.
const NOW = 1_796_472_000_000;

describe('parseSinceTime', () => {
  it('reads a span back from now', () => {
    expect(parseSinceTime('30m', NOW)).toBe(NOW - 1_800_000);
    expect(parseSinceTime('2h', NOW)).toBe(NOW - 7_200_000);
    expect(parseSinceTime('1d', NOW)).toBe(NOW - 86_400_000);
    expect(parseSinceTime('1w', NOW)).toBe(NOW - 604_800_000);
    expect(parseSinceTime('45s', NOW)).toBe(NOW - 45_000);
    expect(parseSinceTime('2H ago', NOW)).toBe(NOW - 7_200_000);
  });

  it('reads a time with a zone as written', () => {
    expect(parseSinceTime('2026-12-05T09:30:00Z', NOW)).toBe(1_796_463_000_000);
    expect(parseSinceTime('2026-12-05T10:30+01:00', NOW)).toBe(1_796_463_000_000);
  });

  it('reads a date or a time without a zone in local time', () => {
    expect(parseSinceTime('2026-12-04', NOW)).toBe(new Date(2026, 11, 4, 0, 0).getTime());
    expect(parseSinceTime('2026-12-04 18:30', NOW)).toBe(new Date(2026, 11, 4, 18, 30).getTime());
  });

  it('refuses a time in the future, naming the flag', () => {
    expect(() => parseSinceTime('2026-12-06T00:00Z', NOW)).toThrow(
      /--deleted-since 2026-12-06T00:00Z is in the future/,
    );
  });

  it('refuses what is not a time, saying what is accepted', () => {
    for (const bad of ['yesterday', '2h30', '-1h', '', '2026-13-45', '12/04/2026'])
      expect(() => parseSinceTime(bad, NOW), bad).toThrow(/is not a time: give a date/);
  });
});
