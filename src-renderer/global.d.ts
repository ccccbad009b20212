import type { Reply } from '../src-shared/ipc/contract.js';

/**
 * What the Electron preload exposes (contextBridge), and nothing more: one call, one push
 * subscription, and the path of a dropped file (Electron's webUtils.getPathForFile), since
 * sandboxed renderers no longer see File.path.
 */
export interface NetGuardianBridge {
  call(channel: string, payload: unknown): Promise<Reply<unknown>>;
  /** Every push from the core, as `{ channel, payload }`; returns the unsubscribe function. */
  listen(listener: (message: unknown) => void): () => void;
  pathForFile(file: File): string;
}

declare global {
  interface Window {
    /** Present only inside the Electron shell; the headless UI talks WebSocket instead. */
    netguardian?: NetGuardianBridge;
  }
}
