import { describe, expect, it } from 'vitest';
import { DEFAULT_DISK_LIMITS, reserveFor, shortBy } from './spacePolicy.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

describe('reserveFor', () => {
  it('keeps the larger of 1 GiB and 1% of the file system by default', () => {
    // 1% of 16 GiB is 164 MiB: 1 GiB is larger.
    expect(reserveFor(16 * GiB, undefined)).toBe(GiB);
    // 1% of 100 GiB is exactly 1 GiB.
    expect(reserveFor(100 * GiB, undefined)).toBe(GiB);
    // 1% of 500 GiB is 5 GiB.
    expect(reserveFor(500 * GiB, undefined)).toBe(5 * GiB);
    // 1% of 2 TiB (2,199,023,255,552 bytes) is 21,990,232,555.52 bytes, rounded up.
    expect(reserveFor(2 * 1024 * GiB, undefined)).toBe(21_990_232_556);
  });

  it('keeps what the config says instead, 0 included', () => {
    expect(reserveFor(500 * GiB, 3 * MiB)).toBe(3 * MiB);
    expect(reserveFor(500 * GiB, 0)).toBe(0);
  });
});

describe('shortBy', () => {
  it('is 0 when the file fits with the reserve and the writes under way', () => {
    // 8 MiB free, 1 MiB kept, 4 MiB under way: 3 MiB fit exactly.
    expect(
      shortBy(3 * MiB, { freeBytes: 8 * MiB, reserveBytes: MiB, inFlightBytes: 4 * MiB }),
    ).toBe(0);
  });

  it('says how many more bytes must be free, counting the reserve and the writes under way', () => {
    // 3 + 1 + 6 = 10 MiB wanted, 8 free: 2 more.
    expect(
      shortBy(3 * MiB, { freeBytes: 8 * MiB, reserveBytes: MiB, inFlightBytes: 6 * MiB }),
    ).toBe(2 * MiB);
    // An empty file still needs the reserve free: 1 MiB kept, 4096 bytes free.
    expect(shortBy(0, { freeBytes: 4096, reserveBytes: MiB, inFlightBytes: 0 })).toBe(MiB - 4096);
  });

  it('defaults the per-file maximum to 64 GiB', () => {
    expect(DEFAULT_DISK_LIMITS).toEqual({ reserveBytes: undefined, maxFileBytes: 68_719_476_736 });
  });
});
