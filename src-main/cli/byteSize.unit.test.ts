import { describe, expect, it } from 'vitest';
import { parseByteSize } from './byteSize.js';

describe('parseByteSize', () => {
  it('reads the sizes people type for a quota, in powers of 1024', () => {
    expect(parseByteSize('2048B', 'the quota', 'size')).toBe(2048);
    expect(parseByteSize('500MB', 'the quota', 'size')).toBe(524_288_000);
    expect(parseByteSize('10 GB', 'the quota', 'size')).toBe(10_737_418_240);
    expect(parseByteSize('1.5TiB', 'the quota', 'size')).toBe(1_649_267_441_664);
    expect(parseByteSize(' 3 kib ', 'the quota', 'size')).toBe(3072);
  });

  it('refuses a number without its unit, saying which units it could take', () => {
    expect(() => parseByteSize('10', 'the quota', 'size')).toThrow(
      'the quota needs a unit: write 10GB, 10MB or 10B, not "10"',
    );
  });

  it('refuses anything else in words that name the option', () => {
    for (const bad of ['', 'lots', '-5MB', '0', '5 parsecs', '1e3', '0.0001B'])
      expect(() => parseByteSize(bad, 'the quota', 'size'), bad).toThrow(
        /^the quota must be a size such as 500MB, 10GB or 1TB \(or "none"\), not "/,
      );
  });
});
