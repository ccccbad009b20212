/**
 * Links the renderer may open in the user's browser. Anything else a page tries to open is
 * denied: a compromised renderer must not launch arbitrary URLs or schemes (file:, smb:,
 * custom handlers) through shell.openExternal.
 */
export const EXTERNAL_LINK_ORIGINS: readonly string[] = [
  'https://github.com',
  'https://www.electronjs.org',
];

export function isAllowedExternalLink(
  url: string,
  origins: readonly string[] = EXTERNAL_LINK_ORIGINS,
): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return false;
  if (parsed.username !== '' || parsed.password !== '') return false;
  return origins.includes(parsed.origin);
}
