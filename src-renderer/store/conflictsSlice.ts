import type { ResolveOutcome } from '../../src-shared/ipc/contract.js';
import { messageOf } from '../transport/remoteError.js';
import type { ConflictsSlice, ResolveItem, SliceCreator } from './types.js';

/**
 * How long a choice can be undone (ms). The choice is only sent when this ends (or the person
 * leaves), so Undo is honest: it takes back something the core never heard of.
 */
export const UNDO_MS = 6_000;

/** `prev`'s outcomes for other paths, then the new ones: each path's latest outcome. */
const mergeOutcomes = (
  prev: readonly ResolveOutcome[] | null,
  next: readonly ResolveOutcome[],
): ResolveOutcome[] => {
  const paths = new Set(next.map((r) => r.path));
  return [...(prev ?? []).filter((r) => !paths.has(r.path)), ...next];
};

/**
 * The conflict review list. A choice waits out its undo window (one window for all waiting
 * choices, restarted by each new one), then all are sent in one conflicts:resolve; a resolved
 * card stays (marked as resolving) until the core's conflicts:changed push makes the refreshed
 * list drop it, so the screen never disagrees with the core.
 */
export const createConflictsSlice: SliceCreator<ConflictsSlice> = ({ client }, set, get) => {
  let undoTimer: ReturnType<typeof setTimeout> | null = null;
  const stopTimer = () => {
    if (undoTimer !== null) clearTimeout(undoTimer);
    undoTimer = null;
  };

  return {
    conflicts: {
      list: null,
      error: null,
      selected: [],
      resolving: [],
      results: null,
      resolveError: null,
      choices: {},
      waiting: [],
    },

    async loadConflicts() {
      try {
        const list = await client.call('conflicts:list', {});
        const present = new Set(list.map((c) => c.path));
        set((s) => ({
          conflicts: {
            ...s.conflicts,
            list,
            error: null,
            selected: s.conflicts.selected.filter((p) => present.has(p)),
            resolving: s.conflicts.resolving.filter((p) => present.has(p)),
          },
        }));
      } catch (error) {
        set((s) => ({ conflicts: { ...s.conflicts, error: messageOf(error) } }));
      }
    },

    toggleConflict(path) {
      set((s) => {
        const selected = s.conflicts.selected.includes(path)
          ? s.conflicts.selected.filter((p) => p !== path)
          : [...s.conflicts.selected, path];
        return { conflicts: { ...s.conflicts, selected } };
      });
    },

    selectAllConflicts(selected) {
      set((s) => ({
        conflicts: {
          ...s.conflicts,
          // Not those already chosen: their choice is made (and shows on their cards).
          selected: selected
            ? (s.conflicts.list ?? [])
                .map((c) => c.path)
                .filter(
                  (p) => !s.conflicts.waiting.includes(p) && !s.conflicts.resolving.includes(p),
                )
            : [],
        },
      }));
    },

    async resolveConflicts(items) {
      if (items.length === 0) return;
      const paths = items.map((i) => i.path);
      set((s) => ({
        conflicts: {
          ...s.conflicts,
          resolving: [...new Set([...s.conflicts.resolving, ...paths])],
          results: s.conflicts.results?.filter((r) => !paths.includes(r.path)) ?? null,
          resolveError: null,
        },
      }));
      try {
        const { results } = await client.call('conflicts:resolve', { items: [...items] });
        const failed = new Set(results.filter((r) => !r.ok).map((r) => r.path));
        set((s) => ({
          conflicts: {
            ...s.conflicts,
            results: mergeOutcomes(s.conflicts.results, results),
            // Failed ones become actionable again; settled ones wait for the push.
            resolving: s.conflicts.resolving.filter((p) => !failed.has(p)),
            selected: s.conflicts.selected.filter((p) => !paths.includes(p) || failed.has(p)),
          },
        }));
      } catch (error) {
        const message = messageOf(error);
        set((s) => ({
          conflicts: {
            ...s.conflicts,
            resolving: s.conflicts.resolving.filter((p) => !paths.includes(p)),
            // Each card says it failed, where the person made the choice.
            results: mergeOutcomes(
              s.conflicts.results,
              paths.map((path) => ({ path, ok: false, error: message })),
            ),
            resolveError: message,
          },
        }));
      }
    },

    chooseResolutions(items) {
      if (items.length === 0) return;
      const paths = items.map((i) => i.path);
      set((s) => ({
        conflicts: {
          ...s.conflicts,
          choices: {
            ...s.conflicts.choices,
            ...Object.fromEntries(items.map((i) => [i.path, i.keep])),
          },
          waiting: [...new Set([...s.conflicts.waiting, ...paths])],
          selected: s.conflicts.selected.filter((p) => !paths.includes(p)),
          results: s.conflicts.results?.filter((r) => !paths.includes(r.path)) ?? null,
          resolveError: null,
        },
      }));
      stopTimer();
      undoTimer = setTimeout(() => void get().flushResolutions(), UNDO_MS);
    },

    undoResolution(path) {
      set((s) => ({
        conflicts: {
          ...s.conflicts,
          waiting: path === undefined ? [] : s.conflicts.waiting.filter((p) => p !== path),
        },
      }));
      if (get().conflicts.waiting.length === 0) stopTimer();
    },

    async flushResolutions() {
      stopTimer();
      const { waiting, choices } = get().conflicts;
      if (waiting.length === 0) return;
      const items: ResolveItem[] = waiting.flatMap((path) => {
        const keep = choices[path];
        return keep === undefined ? [] : [{ path, keep }];
      });
      // One change from waiting to resolving, so no card shows its buttons in between.
      const paths = items.map((i) => i.path);
      set((s) => ({
        conflicts: {
          ...s.conflicts,
          waiting: [],
          resolving: [...new Set([...s.conflicts.resolving, ...paths])],
        },
      }));
      await get().resolveConflicts(items);
    },

    async fetchVersionContent(path, eventId) {
      try {
        return await client.call('conflicts:content', { path, eventId });
      } catch (error) {
        return { kind: 'unavailable', reason: messageOf(error) };
      }
    },
  };
};
