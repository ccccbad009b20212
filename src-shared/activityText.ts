import { splitFirstSentence } from './errorWords.js';
import type { ActivityItem } from './ipc/contract.js';

/** "20:44": a time of day on this computer's clock, for "since …". */
export const timeOfDay = (ms: number): string => {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
};

/** "since 20:44 · 7 tries": how long a failure has lasted and how often it was met. */
export const repeatWords = (repeats: NonNullable<ActivityItem['repeats']>, time = timeOfDay) =>
  `since ${time(repeats.since)} · ${repeats.count.toLocaleString('en-US')} tries`;

/**
 * An activity item in words, a repeated failure with since when and how often after what
 * happened, before what to do: "Can't reach the hub at 127.0.0.1 since 20:44 · 7 tries.
 * NetGuardian keeps trying; …". Used by the app and the command line alike.
 */
export function activityText(item: ActivityItem, time: (ms: number) => string = timeOfDay): string {
  if (!item.repeats) return item.message;
  const repeats = repeatWords(item.repeats, time);
  // The first sentence says what happened (the catalogue's sentences: src-shared/errorWords.ts).
  const { first, rest } = splitFirstSentence(item.message);
  return rest === '' ? `${first} ${repeats}` : `${first} ${repeats}. ${rest}`;
}
