import { splitFirstSentence } from './errorWords.js';
import type { ActivityItem, ImportReport } from './ipc/contract.js';
import { countOf, formatBytes } from './words.js';

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

/** Where files were added: a folder's path, or '' for the top of the synced folder. */
const whereWords = (folder: string): string =>
  folder.replace(/^\/+|\/+$/g, '') || 'the synced folder';

/**
 * Files put into the folder by the user (dropped, picked, uploaded from the browser): one verb,
 * "Added", whatever way they came (they were "Copied", "Uploaded" and "Added" before). "Added 3
 * files and 1 folder (2.9 KB) to Documents". The core's activity and the app's notice say it alike.
 */
export function addedWords(report: ImportReport, folder: string): string {
  const what = [
    report.files > 0 || report.folders === 0 ? countOf(report.files, 'file') : '',
    report.folders > 0 ? countOf(report.folders, 'folder') : '',
  ].filter((p) => p !== '');
  return `Added ${what.join(' and ')} (${formatBytes(report.bytes)}) to ${whereWords(folder)}`;
}

/** One file added by its path: "Added docs/plan.txt (18 bytes)". */
export const addedFileWords = (path: string, bytes: number): string =>
  `Added ${path} (${formatBytes(bytes)})`;
