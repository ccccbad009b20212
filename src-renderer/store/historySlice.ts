import { countOf } from '../format/format.js';
import { messageOf } from '../transport/remoteError.js';
import type { HistorySlice, SliceCreator } from './types.js';

/** Version history of the selected file, and restoring one of its versions. */
export const createHistorySlice: SliceCreator<HistorySlice> = ({ client }, set, get) => ({
  history: {
    path: null,
    entries: null,
    error: null,
    restoring: null,
    message: null,
    failure: null,
  },
  restoreDeleted: { running: false, message: null },
  trash: { view: null, error: null },

  async loadTrash() {
    try {
      set({ trash: { view: await client.call('trash:list', {}), error: null } });
    } catch (error) {
      set((s) => ({ trash: { view: s.trash.view, error: messageOf(error) } }));
    }
  },

  async restoreDeletedSince(sinceMs) {
    set({ restoreDeleted: { running: true, message: null } });
    try {
      const { restored, skipped } = await client.call('history:restoreDeleted', { since: sinceMs });
      // A rename is a delete and a create: what was renamed or moved is not lost, and is left
      // where it is now (restoring its old name would make a duplicate). Said apart from failures.
      const moved = skipped.filter((s) => s.reason.startsWith('it was moved'));
      const failed = skipped.filter((s) => !s.reason.startsWith('it was moved'));
      const parts = [
        restored.length > 0
          ? `Restored ${countOf(restored.length, 'deleted item')}; they come back on every device.`
          : failed.length > 0
            ? 'Nothing deleted in that time could be restored.'
            : 'Nothing was deleted in that time.',
        moved.length > 0
          ? `${countOf(moved.length, 'item')} ${moved.length === 1 ? 'was' : 'were'} renamed or moved, not deleted, and ${moved.length === 1 ? 'stays' : 'stay'} where ${moved.length === 1 ? 'it is' : 'they are'} (${moved[0]?.path}: ${moved[0]?.reason}).`
          : '',
        failed.length > 0
          ? `${countOf(failed.length, 'item')} could not be restored (${failed[0]?.path}: ${failed[0]?.reason}).`
          : '',
      ].filter((p) => p !== '');
      set({ restoreDeleted: { running: false, message: parts.join(' ') } });
    } catch (error) {
      set({ restoreDeleted: { running: false, message: messageOf(error) } });
    }
  },

  async loadHistory(path) {
    const samePath = get().history.path === path;
    set((s) => ({
      history: {
        ...s.history,
        path,
        // Reloading the open file keeps its list on screen; another file starts empty.
        entries: samePath ? s.history.entries : null,
        error: null,
        message: samePath ? s.history.message : null,
        failure: samePath ? s.history.failure : null,
      },
    }));
    try {
      const entries = await client.call('history:get', { path });
      if (get().history.path !== path) return;
      // Newest first, the way people read a history.
      const sorted = [...entries].sort((a, b) => b.changedAt - a.changedAt);
      set((s) => ({ history: { ...s.history, entries: sorted } }));
    } catch (error) {
      if (get().history.path !== path) return;
      set((s) => ({ history: { ...s.history, error: messageOf(error) } }));
    }
  },

  async restoreVersion(eventId) {
    const path = get().history.path;
    if (path === null) return;
    const version = get().history.entries?.find((e) => e.eventId === eventId);
    set((s) => ({ history: { ...s.history, restoring: eventId, message: null, failure: null } }));
    // The outcome is said only while that file's history is still the one open.
    const done = (outcome: { message?: string; failure?: string }) =>
      set((s) => ({
        history: {
          ...s.history,
          restoring: null,
          ...(s.history.path === path
            ? { message: outcome.message ?? null, failure: outcome.failure ?? null }
            : {}),
        },
      }));
    let restored: boolean;
    try {
      ({ restored } = await client.call('history:restore', { path, eventId }));
    } catch (error) {
      done({ failure: messageOf(error) });
      return;
    }
    if (!restored) {
      done({ message: 'That version is already the current file; nothing was changed.' });
      return;
    }
    // Said once it is true: the history read again shows a new current version with that content.
    await get().loadHistory(path);
    const { entries, error } = get().history;
    const current = entries?.find((e) => e.current);
    const shown =
      current !== undefined &&
      current.eventId !== eventId &&
      (version === undefined || current.hash === version.hash);
    if (shown)
      done({
        message:
          'Version restored: it is the current file now, and your other devices get it when they sync.',
      });
    else if (error !== null)
      done({
        failure: `The version was restored, but the history could not be read again to show it: ${error}`,
      });
    else
      done({
        failure:
          'The version was restored, but the file has changed again since: its newest version is first in the list.',
      });
  },
});
