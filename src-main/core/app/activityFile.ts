import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ActivityItem, ActivityKind } from '../../../src-shared/ipc/contract.js';
import { writeFileDurably } from '../files/durableFs.js';
import type { Logger } from '../log.js';

/**
 * The activity list kept across restarts: `activity.json` in the device's data dir, the items
 * oldest first, as bounded as the list (`ActivityLog`'s capacity). Written whole after each
 * change (a temp file renamed over it: a reader sees the old list or the new one), one write at a
 * time: changes made while a write runs go out together in the next.
 *
 * A file that is missing, unreadable or not a list starts an empty list: the activity is what
 * happened lately, not a record anything depends on.
 */

export const ACTIVITY_FILE = 'activity.json';

const KINDS: ReadonlySet<ActivityKind> = new Set([
  'change',
  'sync',
  'conflict',
  'resolved',
  'upload',
  'error',
]);

/** One stored item, if it is one: a hand-edited or older file may hold anything. */
function itemOf(value: unknown): ActivityItem | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if (typeof v.id !== 'number' || !Number.isSafeInteger(v.id) || v.id < 1) return null;
  if (typeof v.at !== 'number' || !Number.isFinite(v.at)) return null;
  if (typeof v.kind !== 'string' || !KINDS.has(v.kind as ActivityKind)) return null;
  if (typeof v.message !== 'string') return null;
  const item: ActivityItem = {
    id: v.id,
    at: v.at,
    kind: v.kind as ActivityKind,
    message: v.message,
    ...(typeof v.path === 'string' ? { path: v.path } : {}),
    ...(v.folder === true ? { folder: true } : {}),
  };
  const r = v.repeats as Record<string, unknown> | undefined;
  if (
    typeof r === 'object' &&
    r !== null &&
    typeof r.count === 'number' &&
    typeof r.since === 'number'
  )
    return { ...item, repeats: { count: r.count, since: r.since } };
  return item;
}

/** The items `activity.json` holds, oldest first; none when there is no usable file. */
export async function readActivity(dataDir: string, log?: Logger): Promise<ActivityItem[]> {
  let text: string;
  try {
    text = await readFile(path.join(dataDir, ACTIVITY_FILE), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
      log?.warn(
        { code: (e as NodeJS.ErrnoException).code },
        'activity file unreadable: starting empty',
      );
    return [];
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (!Array.isArray(parsed)) throw new Error('not a list');
    return parsed.map(itemOf).filter((item): item is ActivityItem => item !== null);
  } catch {
    log?.warn('activity file is not a list of items: starting empty');
    return [];
  }
}

/** Writes the latest list to `activity.json`, coalescing changes made while a write runs. */
export class ActivityFile {
  private readonly file: string;
  private latest: readonly ActivityItem[] | null = null;
  private writing: Promise<void> | null = null;

  constructor(
    dataDir: string,
    private readonly log?: Logger,
  ) {
    this.file = path.join(dataDir, ACTIVITY_FILE);
  }

  /** The list changed: it is written soon (now, or right after the write under way). */
  save(items: readonly ActivityItem[]): void {
    this.latest = items;
    this.writing ??= this.drain();
  }

  /** Resolves once everything saved so far is on disk (or failed and was logged). */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async drain(): Promise<void> {
    try {
      for (let items = this.latest; items !== null; items = this.latest) {
        this.latest = null;
        try {
          await writeFileDurably(this.file, JSON.stringify(items) + '\n', { mode: 0o600 });
        } catch (e) {
          // The list in memory stands; the next change tries again.
          this.log?.warn({ code: (e as NodeJS.ErrnoException).code }, 'activity not saved');
        }
      }
    } finally {
      this.writing = null;
    }
  }
}
