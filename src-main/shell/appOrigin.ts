/**
 * Where the renderer lives. Electron's security checklist (item "Avoid usage of the file://
 * protocol") recommends a custom privileged scheme over file://: a file:// page may read any
 * other file:// URL and every file shares one origin, while `app://netguardian/` is a real,
 * secure origin that serves only dist/renderer. The IPC sender check compares against it.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'netguardian';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** True when `url` is a page of our renderer (scheme and host match exactly). */
export function isAppUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  // Node's URL gives non-special schemes the opaque origin "null", so compare the parts.
  return (
    parsed.protocol === `${APP_SCHEME}:` &&
    parsed.host === APP_HOST &&
    parsed.username === '' &&
    parsed.password === ''
  );
}
