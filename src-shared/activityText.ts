import type { ActivityItem } from './ipc/contract.js';

/** "20:44": a time of day on this computer's clock, for "since …". */
export const timeOfDay = (ms: number): string => {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
};

/**
 * An activity item in words, a repeated failure with since when and how often: "Sync failed:
 * can't reach the hub … (since 20:44, 7 tries)". Used by the app and the command line alike.
 */
export function activityText(item: ActivityItem, time: (ms: number) => string = timeOfDay): string {
  if (!item.repeats) return item.message;
  return `${item.message} (since ${time(item.repeats.since)}, ${item.repeats.count} tries)`;
}
