import { createStore, type StoreApi } from 'zustand/vanilla';
import { createConflictsSlice } from './conflictsSlice.js';
import { createFileActionsSlice } from './fileActionsSlice.js';
import { createFilesSlice } from './filesSlice.js';
import { createHistorySlice } from './historySlice.js';
import { createDevicesSlice } from './devicesSlice.js';
import { createSettingsSlice } from './settingsSlice.js';
import { createActivitySlice, createNoticeSlice, createStatusSlice } from './statusSlice.js';
import type { AppStore, StoreDeps } from './types.js';
import { createUploadSlice } from './uploadSlice.js';
import { createUnsyncableSlice } from './unsyncableSlice.js';

export type AppStoreApi = StoreApi<AppStore>;

/** A fresh store per app (and per test), bound to one transport. */
export function createAppStore(deps: StoreDeps): AppStoreApi {
  return createStore<AppStore>()((set, get) => ({
    ...createStatusSlice(deps, set, get),
    ...createActivitySlice(deps, set, get),
    ...createNoticeSlice(deps, set, get),
    ...createFilesSlice(deps, set, get),
    ...createFileActionsSlice(deps, set, get),
    ...createHistorySlice(deps, set, get),
    ...createConflictsSlice(deps, set, get),
    ...createUnsyncableSlice(deps, set, get),
    ...createDevicesSlice(deps, set, get),
    ...createSettingsSlice(deps, set, get),
    ...createUploadSlice(deps, set, get),
  }));
}
