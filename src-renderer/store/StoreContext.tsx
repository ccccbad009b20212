import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { AppStore } from './types.js';
import type { AppStoreApi } from './createAppStore.js';

const StoreContext = createContext<AppStoreApi | null>(null);

export function StoreProvider({ store, children }: { store: AppStoreApi; children: ReactNode }) {
  return <StoreContext.Provider value={store}>{children}</StoreContext.Provider>;
}

/**
 * Reads one value from the store; components re-render only when it changes. Select the
 * smallest thing you need (a field, not a slice) or an action, which never changes.
 */
export function useAppStore<T>(selector: (state: AppStore) => T): T {
  const store = useContext(StoreContext);
  if (store === null) throw new Error('useAppStore outside <StoreProvider>');
  return useStore(store, selector);
}
