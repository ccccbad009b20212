import type { Channel, PushMessage, Reply } from '../../src-shared/ipc/contract.js';
import {
  BRIDGE_CHANNELS,
  BRIDGE_PUSH_CHANNEL,
  BRIDGE_REQUEST_CHANNEL,
  BRIDGE_VOUCH_CHANNEL,
} from './channels.js';

/**
 * What the preload puts on `window.netguardian`: one object built from the channel map, and
 * nothing else (STYLE.md "Layers"). Every call answers the contract's Reply envelope, so the
 * renderer's client unwraps `{ ok, value | error }` the same way over the preload and over
 * the headless WebSocket bridge.
 */
export interface NetGuardianBridge {
  call(channel: Channel, payload: unknown): Promise<Reply<unknown>>;
  /** Receives each pushed message (never Electron's event object); returns the unsubscribe. */
  listen(listener: (message: PushMessage) => void): () => void;
  /**
   * The absolute path of a dropped or picked file (Electron removed `File.path`), vouched for to
   * the main process: `files:import` copies only paths that came this way.
   */
  pathForFile(file: unknown): string;
}

/** The slices of Electron's renderer APIs the bridge uses, so tests can hand in fakes. */
export interface BridgeDeps {
  readonly ipcRenderer: {
    invoke(channel: string, ...args: unknown[]): Promise<unknown>;
    send(channel: string, ...args: unknown[]): void;
    on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
    removeListener(
      channel: string,
      listener: (event: unknown, ...args: unknown[]) => void,
    ): unknown;
  };
  readonly webUtils: { getPathForFile(file: never): string };
}

const allowed: ReadonlySet<string> = new Set(BRIDGE_CHANNELS);

export function createBridge({ ipcRenderer, webUtils }: BridgeDeps): NetGuardianBridge {
  return {
    call(channel, payload) {
      // Main checks again (it trusts nothing from the renderer); refusing here too keeps a
      // typo or an injected script from reaching any other ipcMain handler by name.
      if (typeof channel !== 'string' || !allowed.has(channel))
        return Promise.resolve({
          ok: false,
          error: {
            code: 'InvalidArgument',
            message: `unknown channel ${JSON.stringify(String(channel)).slice(0, 80)}`,
            field: 'channel',
          },
        });
      return ipcRenderer.invoke(BRIDGE_REQUEST_CHANNEL, channel, payload) as Promise<
        Reply<unknown>
      >;
    },
    listen(listener) {
      if (typeof listener !== 'function') throw new TypeError('listen needs a function');
      // Strip the IpcRendererEvent: it carries `sender` (the ipcRenderer itself) across the
      // context bridge, which would hand the page the very object the preload keeps hidden.
      const forward = (_event: unknown, message: unknown) => listener(message as PushMessage);
      ipcRenderer.on(BRIDGE_PUSH_CHANNEL, forward);
      let subscribed = true;
      return () => {
        if (!subscribed) return;
        subscribed = false;
        ipcRenderer.removeListener(BRIDGE_PUSH_CHANNEL, forward);
      };
    },
    pathForFile(file) {
      const path = webUtils.getPathForFile(file as never);
      // Sent before the request that imports it, on the same channel to main: it arrives first.
      if (typeof path === 'string' && path !== '') ipcRenderer.send(BRIDGE_VOUCH_CHANNEL, path);
      return path;
    },
  };
}
