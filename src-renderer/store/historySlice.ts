import { messageOf } from '../transport/remoteError.js';
import type { HistorySlice, SliceCreator } from './types.js';

/** Version history of the selected file, and restoring one of its versions. */
export const createHistorySlice: SliceCreator<HistorySlice> = ({ client }, set, get) => ({
  history: { path: null, entries: null, error: null, restoring: null, message: null },
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
      const parts = [
        restored.length === 0
          ? 'Nothing deleted in that time could be restored.'
          : `Restored ${restored.length.toLocaleString()} deleted ${restored.length === 1 ? 'item' : 'items'}; they come back on every device.`,
        skipped.length > 0
          ? `${skipped.length.toLocaleString()} could not be restored (${skipped[0]?.path}: ${skipped[0]?.reason}).`
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
    set((s) => ({ history: { ...s.history, restoring: eventId, message: null } }));
    try {
      const { restored } = await client.call('history:restore', { path, eventId });
      set((s) => ({
        history: {
          ...s.history,
          restoring: null,
          message: restored
            ? 'Version restored. It is now the current file on every device.'
            : 'That version is already the current file.',
        },
      }));
      void get().loadHistory(path);
    } catch (error) {
      set((s) => ({ history: { ...s.history, restoring: null, message: messageOf(error) } }));
    }
  },
});
