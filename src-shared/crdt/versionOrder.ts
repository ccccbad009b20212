import type { Json } from '../json.js';
import { compareEncodedHlc, DEFAULT_MAX_CLOCK_AHEAD_MS, parseHlc } from './hlc.js';
import type { RegisterVersion } from './mvRegister.js';

/**
 * Which of a file's concurrent versions is "newest" (DESIGN.md §3): the edit with the latest
 * modification time wins, as Syncthing decides, then the greater HLC (which ends in the device
 * id), then the event id (only a broken peer reuses an HLC). Pure and the same on every device:
 * it reads nothing but the versions.
 */

/** A modification time further ahead than this of the clock that recorded it counts as that clock. */
export const MAX_MTIME_AHEAD_MS = DEFAULT_MAX_CLOCK_AHEAD_MS;

type Ordered = Pick<RegisterVersion<Json>, 'id' | 'hlc' | 'mtimeMs'>;

/**
 * The modification time a version is ordered by. DESIGN.md §3 says a time more than 5 minutes
 * ahead of "the observing device's clock" counts as that clock. The observing device is the one
 * that scanned the file and recorded the version, and its clock at that moment is the version's
 * HLC wall time, which every device reads the same. (Each receiver's own clock would not do: it
 * differs per device and per delivery time, so devices would pick different winners.) A version
 * with no modification time (a delete, a folder, a resolution, a write through the API) counts
 * as edited when it was recorded.
 */
export function effectiveMtimeMs(v: Ordered): number {
  const recordedAt = parseHlc(v.hlc).wallMs;
  const m = v.mtimeMs;
  if (m === undefined || !Number.isFinite(m) || m > recordedAt + MAX_MTIME_AHEAD_MS)
    return recordedAt;
  return m;
}

/** Orders versions oldest to newest by (effective modification time, HLC, event id). */
export function compareNewest(a: Ordered, b: Ordered): number {
  return compareKeyed({ v: a, mtime: effectiveMtimeMs(a) }, { v: b, mtime: effectiveMtimeMs(b) });
}

/**
 * The versions newest first, live content before tombstones: the first is the file's winner
 * (so the file is gone only when every version is a tombstone: a modify beats a concurrent
 * delete, whatever the clocks say).
 */
export function newestFirst<V extends Ordered & { readonly value: unknown }>(
  versions: readonly V[],
): V[] {
  return versions
    .map((v) => ({ v, mtime: effectiveMtimeMs(v), live: v.value !== null }))
    .sort((a, b) => (a.live !== b.live ? (a.live ? -1 : 1) : compareKeyed(b, a)))
    .map((k) => k.v);
}

function compareKeyed(
  a: { readonly v: Ordered; readonly mtime: number },
  b: { readonly v: Ordered; readonly mtime: number },
): number {
  if (a.mtime !== b.mtime) return a.mtime < b.mtime ? -1 : 1;
  const byHlc = compareEncodedHlc(a.v.hlc, b.v.hlc);
  if (byHlc !== 0) return byHlc;
  return a.v.id < b.v.id ? -1 : a.v.id > b.v.id ? 1 : 0;
}
