/**
 * Counts and sizes the way people read them, for sentences the core computes and the renderer
 * shows (the state's headline, file sizes): said the same way everywhere. Pure.
 */

/**
 * "1,214": every number a person reads, with thousands separators, the same on every computer
 * ("1214" beside "2,801" was a bug).
 */
export const formatCount = (n: number): string => n.toLocaleString('en-US');

const UNITS = ['bytes', 'KB', 'MB', 'GB', 'TB'] as const;

/** "1 byte", "900 bytes", "1.5 KB", "40 MB" (powers of 1024, one decimal under 10). */
export function formatBytes(bytes: number): string {
  if (bytes === 1) return '1 byte';
  if (bytes < 1024) return `${formatCount(bytes)} bytes`;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value < 10 ? value.toFixed(1) : formatCount(Math.round(value))} ${UNITS[unit]}`;
}

/** "1 file", "1,234 files". */
export const countOf = (n: number, one: string, many = `${one}s`): string =>
  `${formatCount(n)} ${n === 1 ? one : many}`;
