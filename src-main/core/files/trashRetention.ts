import type { Trash, TrashRecord } from './trash.js';
import { entriesToPrune, type TrashLimits } from './trashPolicy.js';

/**
 * Retention on the disk: measures the trash's items, asks the policy (trashPolicy.ts) which go,
 * and removes them through `Trash.remove` (record first, then content: a crash never leaves a
 * record naming nothing). Also what `trash empty` removes. Nothing outside the trash is touched.
 */

/**
 * Content without a record younger than this is left alone: it may be an item still being put in
 * (its record comes last), a copy across file systems of a large folder taking a while.
 */
export const HALF_PLACED_GRACE_MS = 24 * 3_600_000;

/** A listed item with the bytes it holds on disk. */
export interface MeasuredItem extends TrashRecord {
  readonly bytes: number;
}

/** The trash's items, newest first, each measured. */
export async function measuredItems(trash: Trash): Promise<MeasuredItem[]> {
  const items: MeasuredItem[] = [];
  for (const record of await trash.list()) {
    // A file's size is in its record; a folder's is its files' (its record has the folder's own).
    const bytes = record.kind === 'file' ? record.size : await trash.bytesOf(record);
    items.push({ ...record, bytes });
  }
  return items;
}

export interface RemovalReport {
  /** Items removed. */
  readonly removed: number;
  readonly removedBytes: number;
  /** Items kept. */
  readonly left: number;
  readonly leftBytes: number;
  /** Half-removed or half-placed leftovers cleaned up (see `Trash.sweep`). */
  readonly swept: number;
}

/** Removes these items, and sweeps what a crash left half there. */
async function removeItems(
  trash: Trash,
  items: readonly MeasuredItem[],
  ids: ReadonlySet<string>,
  now: number,
): Promise<RemovalReport> {
  const had = await trash.removeMany([...ids]);
  let removedBytes = 0;
  let leftBytes = 0;
  for (const item of items) {
    if (had.has(item.id)) removedBytes += item.bytes;
    else if (!ids.has(item.id)) leftBytes += item.bytes;
  }
  const removed = had.size;
  const swept = await trash.sweep(now - HALF_PLACED_GRACE_MS);
  return { removed, removedBytes, left: items.length - ids.size, leftBytes, swept };
}

/**
 * Keeps the trash within its limits: items older than `maxAgeDays` go, then the oldest until it
 * holds at most `maxPercent` of the folder's size (see trashPolicy.ts for the day's grace).
 */
export async function pruneTrash(
  trash: Trash,
  bounds: { readonly now: number; readonly limits: TrashLimits; readonly folderBytes: number },
): Promise<RemovalReport> {
  const items = await measuredItems(trash);
  const ids = new Set(
    entriesToPrune(
      items.map((i) => ({ id: i.id, trashedAt: Date.parse(i.trashedAt), bytes: i.bytes })),
      bounds,
    ),
  );
  return removeItems(trash, items, ids, bounds.now);
}

/** `trash empty`: every item, or those trashed more than `olderThanMs` before `now`. */
export async function emptyTrash(
  trash: Trash,
  options: { readonly now: number; readonly olderThanMs?: number | undefined },
): Promise<RemovalReport> {
  const items = await measuredItems(trash);
  const cutoff =
    options.olderThanMs === undefined
      ? Number.POSITIVE_INFINITY
      : options.now - options.olderThanMs;
  const ids = new Set(items.filter((i) => Date.parse(i.trashedAt) <= cutoff).map((i) => i.id));
  return removeItems(trash, items, ids, options.now);
}
