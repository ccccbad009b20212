/**
 * Which trash items retention removes: a pure decision, apart from the disk (trashRetention.ts).
 *
 * Oldest first, until both limits hold: every item older than the age limit goes; then, while
 * the trash is over its size limit, the oldest of the rest go, except items younger than the
 * size grace. The grace is why: a mass deletion on another device empties this folder and fills
 * the trash in one go, so "10% of the folder" would drop at once what the trash is there to keep.
 * Those items stay for at least the grace (a day), then the size limit applies to them too.
 */

export interface TrashLimits {
  /** Items older than this many days are removed. */
  readonly maxAgeDays: number;
  /** The trash is kept to at most this percentage of the synced folder's size. */
  readonly maxPercent: number;
}

export const DEFAULT_TRASH_LIMITS: TrashLimits = { maxAgeDays: 30, maxPercent: 10 };

/** The size limit never removes an item younger than this. */
export const SIZE_GRACE_MS = 24 * 3_600_000;

const DAY_MS = 86_400_000;

/** One trash item as the policy sees it. */
export interface TrashEntry {
  readonly id: string;
  readonly trashedAt: number;
  readonly bytes: number;
}

export interface PruneBounds {
  readonly now: number;
  readonly limits: TrashLimits;
  /** The synced folder's size in bytes (the size limit is a percentage of it). */
  readonly folderBytes: number;
  readonly sizeGraceMs?: number;
}

/** The size limit in bytes for a folder of `folderBytes`. */
export const trashByteLimit = (limits: TrashLimits, folderBytes: number): number =>
  Math.floor((folderBytes * limits.maxPercent) / 100);

/** The ids to remove, oldest first. */
export function entriesToPrune(entries: readonly TrashEntry[], bounds: PruneBounds): string[] {
  const oldestFirst = [...entries].sort((a, b) =>
    a.trashedAt === b.trashedAt ? a.id.localeCompare(b.id) : a.trashedAt - b.trashedAt,
  );
  const tooOld = bounds.now - bounds.limits.maxAgeDays * DAY_MS;
  const graceFrom = bounds.now - (bounds.sizeGraceMs ?? SIZE_GRACE_MS);
  const maxBytes = trashByteLimit(bounds.limits, bounds.folderBytes);
  let total = oldestFirst.reduce((sum, e) => sum + e.bytes, 0);
  const out: string[] = [];
  for (const entry of oldestFirst) {
    const overAge = entry.trashedAt < tooOld;
    const overSize = total > maxBytes && entry.trashedAt < graceFrom;
    // Sorted oldest first: once one item may stay, every younger one may too.
    if (!overAge && !overSize) break;
    out.push(entry.id);
    total -= entry.bytes;
  }
  return out;
}
