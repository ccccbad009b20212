import { describe, expect, it } from 'vitest';
import { countOf, formatBytes, formatCount } from './words.js';

describe('numbers and sizes, one way everywhere', () => {
  it('writes every count with thousands separators', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(999)).toBe('999');
    expect(formatCount(1214)).toBe('1,214');
    expect(formatCount(2801)).toBe('2,801');
    expect(formatCount(1_000_000)).toBe('1,000,000');
  });

  it('says counts with their noun, one or many', () => {
    expect(countOf(1, 'file')).toBe('1 file');
    expect(countOf(0, 'file')).toBe('0 files');
    expect(countOf(1214, 'file')).toBe('1,214 files');
    expect(countOf(2, 'entry', 'entries')).toBe('2 entries');
  });

  it('says sizes in bytes up to 1 KB, then in units of 1024 with one decimal under 10', () => {
    expect(formatBytes(0)).toBe('0 bytes');
    expect(formatBytes(1)).toBe('1 byte');
    expect(formatBytes(18)).toBe('18 bytes');
    expect(formatBytes(1023)).toBe('1,023 bytes');
    expect(formatBytes(1024)).toBe('1.0 KB');
    expect(formatBytes(2970)).toBe('2.9 KB');
    expect(formatBytes(10 * 1024 * 1024)).toBe('10 MB');
    expect(formatBytes(5 * 1024 ** 4)).toBe('5.0 TB');
  });
});
