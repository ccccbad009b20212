import { messageOf } from '../transport/remoteError.js';
import type { ConflictsSlice, SliceCreator } from './types.js';

/**
 * The conflict review list. Resolving sends one conflicts:resolve call for all chosen items;
 * a resolved card stays (marked as resolving) until the core's conflicts:changed push makes
 * the refreshed list drop it, so the screen never disagrees with the core.
 */
export const createConflictsSlice: SliceCreator<ConflictsSlice> = ({ client }, set) => ({
  conflicts: {
    list: null,
    error: null,
    selected: [],
    resolving: [],
    results: null,
    resolveError: null,
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
        selected: selected ? (s.conflicts.list ?? []).map((c) => c.path) : [],
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
        results: null,
        resolveError: null,
      },
    }));
    try {
      const { results } = await client.call('conflicts:resolve', { items: [...items] });
      const failed = new Set(results.filter((r) => !r.ok).map((r) => r.path));
      set((s) => ({
        conflicts: {
          ...s.conflicts,
          results,
          // Failed ones become actionable again; settled ones wait for the push.
          resolving: s.conflicts.resolving.filter((p) => !failed.has(p)),
          selected: s.conflicts.selected.filter((p) => !paths.includes(p) || failed.has(p)),
        },
      }));
    } catch (error) {
      set((s) => ({
        conflicts: {
          ...s.conflicts,
          resolving: s.conflicts.resolving.filter((p) => !paths.includes(p)),
          resolveError: messageOf(error),
        },
      }));
    }
  },

  async fetchVersionContent(path, eventId) {
    try {
      return await client.call('conflicts:content', { path, eventId });
    } catch (error) {
      return { kind: 'unavailable', reason: messageOf(error) };
    }
  },
});
