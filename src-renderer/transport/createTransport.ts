import { SESSION_PATH, TOKEN_HEADER, WS_PATH } from '../../src-shared/ipc/contract.js';
import { createElectronTransport } from './electronTransport.js';
import { createFetchDownloader } from './fetchDownload.js';
import { takeToken, tokenSubprotocol } from './token.js';
import type { RendererTransport } from './types.js';
import { createWsClient } from './wsClient.js';
import { createXhrUploader } from './xhrUpload.js';

export type TransportChoice =
  | { readonly ok: true; readonly transport: RendererTransport }
  | { readonly ok: false; readonly reason: 'no-token' };

/** The headless UI: WebSocket to the server that served this page, token as subprotocol. */
export function createHeadlessTransport(token: string): RendererTransport {
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  const ws = createWsClient({
    url: `${scheme}://${window.location.host}${WS_PATH}`,
    protocols: [tokenSubprotocol(token)],
    tokenRefused: async () => {
      try {
        const answer = await fetch(SESSION_PATH, { headers: { [TOKEN_HEADER]: token } });
        return answer.status === 401;
      } catch {
        return false; // The server is away, not refusing: keep trying.
      }
    },
  });
  return {
    kind: 'headless',
    client: ws.client,
    upload: createXhrUploader(() => token),
    download: createFetchDownloader(() => token),
    connection: ws.connection,
    onConnectionChange: ws.onConnectionChange,
  };
}

/** Chosen once at startup: the preload's bridge if Electron exposed one, else the web bridge. */
export function chooseTransport(): TransportChoice {
  if (window.netguardian)
    return { ok: true, transport: createElectronTransport(window.netguardian) };
  const token = takeToken();
  if (token === null) return { ok: false, reason: 'no-token' };
  return { ok: true, transport: createHeadlessTransport(token) };
}
