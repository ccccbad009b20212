import type { RendererTransport } from '../transport/types.js';
import type { AppStoreApi } from './createAppStore.js';

/**
 * Wires a store to its transport: pushes into the store, connection changes, the first reads.
 * Each state push is also re-broadcast as a DOM event (`netguardian:state`) so end-to-end tests
 * can wait for "synced" instead of sleeping.
 */
export function connectStore(store: AppStoreApi, transport: RendererTransport): () => void {
  const stopPushes = transport.client.listen((message) => {
    store.getState().applyPush(message);
    if (message.channel === 'state')
      window.dispatchEvent(new CustomEvent('netguardian:state', { detail: message.payload }));
  });
  const stopConnection = transport.onConnectionChange((status) =>
    store.getState().setConnection(status),
  );
  store.getState().setConnection(transport.connection());
  const s = store.getState();
  void s.loadState();
  void s.loadActivity();
  void s.loadConflicts();
  void s.loadUnsyncable();
  return () => {
    stopPushes();
    stopConnection();
  };
}
