import { messageOf } from '../transport/remoteError.js';
import type { DevicesSlice, SliceCreator } from './types.js';

/** The space's devices as the core lists them (the hub's list when it answers). */
export const createDevicesSlice: SliceCreator<DevicesSlice> = ({ client }, set) => ({
  devices: { view: null, error: null },

  async loadDevices() {
    try {
      const view = await client.call('devices:list', {});
      set({ devices: { view, error: null } });
    } catch (error) {
      set((s) => ({ devices: { ...s.devices, error: messageOf(error) } }));
    }
  },

  // Answers the list as it is after: the removed device is gone from it at once.
  async removeDevice(nodeId) {
    try {
      const view = await client.call('devices:remove', { nodeId });
      set({ devices: { view, error: null } });
      return null;
    } catch (error) {
      return messageOf(error);
    }
  },
});
