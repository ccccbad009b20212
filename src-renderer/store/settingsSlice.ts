import { messageOf } from '../transport/remoteError.js';
import type { SettingsSlice, SliceCreator } from './types.js';

/** Settings are read and written whole by the core; the form keeps its own draft. */
export const createSettingsSlice: SliceCreator<SettingsSlice> = ({ client }, set) => ({
  settings: { view: null, error: null },

  async loadSettings() {
    try {
      const view = await client.call('settings:get', {});
      set({ settings: { view, error: null } });
    } catch (error) {
      set((s) => ({ settings: { ...s.settings, error: messageOf(error) } }));
    }
  },

  async updateSettings(patch) {
    try {
      const view = await client.call('settings:update', patch);
      set({ settings: { view, error: null } });
      return null;
    } catch (error) {
      return messageOf(error);
    }
  },

  // Joining, leaving and creating answer the settings as they are after the change.
  async joinHub(code) {
    try {
      set({ settings: { view: await client.call('hub:join', { code }), error: null } });
      return null;
    } catch (error) {
      return messageOf(error);
    }
  },

  async leaveHub() {
    try {
      set({ settings: { view: await client.call('hub:leave', {}), error: null } });
      return null;
    } catch (error) {
      return messageOf(error);
    }
  },

  async createHub() {
    try {
      set({ settings: { view: await client.call('hub:create', {}), error: null } });
      return null;
    } catch (error) {
      return messageOf(error);
    }
  },

  async inviteDevice(expiresInMs) {
    try {
      return { invite: await client.call('hub:invite', { expiresInMs }) };
    } catch (error) {
      return { error: messageOf(error) };
    }
  },

  folderMove: { progress: null },

  // A move answers the settings at the new place; a copy's progress comes as pushes meanwhile.
  async moveFolder(to) {
    set({ folderMove: { progress: null } });
    try {
      set({ settings: { view: await client.call('folder:move', { to }), error: null } });
      return null;
    } catch (error) {
      return messageOf(error);
    } finally {
      set({ folderMove: { progress: null } });
    }
  },

  async openFolder(path) {
    try {
      const { opened } = await client.call('folder:open', path === undefined ? {} : { path });
      return opened ? null : 'There is no file manager to open it with here.';
    } catch (error) {
      return messageOf(error);
    }
  },
});
