import { TOKEN_HEADER } from '../../src-shared/ipc/contract.js';

/**
 * The headless server's access token, in one place so client and server agree on it:
 * - it arrives once as `?token=` in the URL the server prints,
 * - is kept in sessionStorage (survives reloads of this tab, not other tabs or restarts),
 * - and is removed from the address bar so it isn't bookmarked, shared or kept in history;
 * - the WebSocket carries it as the subprotocol `netguardian.<token>` (browsers can't set
 *   headers on a WebSocket), uploads as the `x-netguardian-token` header.
 */
const STORAGE_KEY = 'netguardian.token';
export const SUBPROTOCOL_PREFIX = 'netguardian.';
export { TOKEN_HEADER };

export function takeToken(
  location: Location = window.location,
  storage: Storage = window.sessionStorage,
  history: History = window.history,
): string | null {
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl !== null && fromUrl !== '') {
    storage.setItem(STORAGE_KEY, fromUrl);
    url.searchParams.delete('token');
    history.replaceState(history.state, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return storage.getItem(STORAGE_KEY);
}

export const tokenSubprotocol = (token: string): string => SUBPROTOCOL_PREFIX + token;
