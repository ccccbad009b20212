import { messageOf } from '../transport/remoteError.js';
import type { SliceCreator, UnsyncableSlice } from './types.js';

/**
 * The files this device can't sync, as the core lists them. Read at start, when its screen
 * opens, and again when the core pushes new state (a scan or a download may have changed it).
 */
export const createUnsyncableSlice: SliceCreator<UnsyncableSlice> = ({ client }, set) => ({
  unsyncable: { list: null, error: null },

  async loadUnsyncable() {
    try {
      const list = await client.call('files:unsyncable', {});
      set({ unsyncable: { list, error: null } });
    } catch (error) {
      set((s) => ({ unsyncable: { ...s.unsyncable, error: messageOf(error) } }));
    }
  },
});
