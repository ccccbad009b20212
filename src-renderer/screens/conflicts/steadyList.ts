import { useState } from 'react';
import type { ConflictInfo } from '../../../src-shared/ipc/contract.js';

/**
 * The cards as shown, kept steady while a confirmation is on screen: a conflict the core no
 * longer lists stays in its place (marked gone) and a new one is added at the end, so no card
 * moves under the pointer before the undo window ends. Otherwise the list is the core's.
 */

export interface ShownConflict {
  readonly conflict: ConflictInfo;
  /** The core no longer lists it (settled); shown only while the list is held. */
  readonly gone: boolean;
}

export function steadyList(
  prev: readonly ShownConflict[],
  next: readonly ConflictInfo[],
  hold: boolean,
): ShownConflict[] {
  if (!hold) return next.map((conflict) => ({ conflict, gone: false }));
  const byPath = new Map(next.map((c) => [c.path, c]));
  const kept = prev.map((shown) => {
    const now = byPath.get(shown.conflict.path);
    return now ? { conflict: now, gone: false } : { conflict: shown.conflict, gone: true };
  });
  const had = new Set(prev.map((s) => s.conflict.path));
  const added = next.filter((c) => !had.has(c.path)).map((conflict) => ({ conflict, gone: false }));
  return [...kept, ...added];
}

/**
 * `steadyList` over renders: each list is held against the one shown before (React's "state
 * from the previous render" pattern: set during render, no effect, no extra paint).
 */
export function useSteadyList(
  list: readonly ConflictInfo[] | null,
  hold: boolean,
): readonly ShownConflict[] | null {
  const [shown, setShown] = useState<{
    list: readonly ConflictInfo[] | null;
    hold: boolean;
    out: readonly ShownConflict[] | null;
  }>(() => ({ list, hold, out: list === null ? null : steadyList([], list, hold) }));
  if (shown.list === list && shown.hold === hold) return shown.out;
  const out = list === null ? null : steadyList(shown.out ?? [], list, hold);
  setShown({ list, hold, out });
  return out;
}
