/** Numbers and times the way people say them. Pure, so tests pin `now`. */

import { countOf } from '../../src-shared/words.js';

/**
 * One way for numbers and sizes, the core's and the app's alike (src-shared/words.ts): "2,801",
 * "2,801 files", "18 bytes", "2.9 KB".
 */
export { countOf, formatBytes, formatCount } from '../../src-shared/words.js';

const plural = (n: number, word: string) => countOf(n, word);

/** "just now", "5 minutes ago", "yesterday", "3 days ago", then a date. */
export function formatAgo(at: number, now: number = Date.now()): string {
  const seconds = Math.round((now - at) / 1000);
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${plural(minutes, 'minute')} ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${plural(hours, 'hour')} ago`;
  const days = Math.round(hours / 24);
  if (days === 1) return 'yesterday';
  if (days < 30) return `${days} days ago`;
  return formatDate(at);
}

export function formatDate(at: number): string {
  return new Date(at).toLocaleString(undefined, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

export const percent = (done: number, total: number | null): number | null =>
  total === null || total <= 0 ? null : Math.min(100, Math.round((done / total) * 100));

export const pluralize = plural;
