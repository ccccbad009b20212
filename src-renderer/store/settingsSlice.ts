import { messageOf } from '../transport/remoteError.js';
import type { DevicesSlice, SettingsSlice, SliceCreator } from './types.js';

export const createDevicesSlice: SliceCreator<DevicesSlice> = ({ client }, set) => ({
  devices: { list: null, error: null },
  async loadDevices() {
    try {
      const list = await client.call('devices:list', {});
      set({ devices: { list, error: null } });
    } catch (error) {
      set((s) => ({ devices: { ...s.devices, error: messageOf(error) } }));
    }
  },
});

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

  async openFolder(path) {
    try {
      const { opened } = await client.call('folder:open', path === undefined ? {} : { path });
      return opened ? null : 'There is no file manager to open it with here.';
    } catch (error) {
      return messageOf(error);
    }
  },
});
