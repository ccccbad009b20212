/**
 * The renderer's Content-Security-Policy: only our own bundled scripts and styles, images
 * from ourselves or inline data (conflict previews arrive as base64), no network at all (the
 * renderer talks to the device only through the preload), no frames, no plugins, no forms.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "media-src 'none'",
  "object-src 'none'",
  "frame-src 'none'",
  "worker-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

type Headers = Record<string, string[] | string>;

/** Adds the CSP to a response's headers, replacing any the response brought (any case). */
export function withCsp(headers: Headers | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() === 'content-security-policy') continue;
    out[name] = Array.isArray(value) ? value : [value];
  }
  out['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY];
  return out;
}

export interface WebRequestLike {
  onHeadersReceived(
    listener: (
      details: { responseHeaders?: Headers },
      callback: (response: { responseHeaders?: Record<string, string[]> }) => void,
    ) => void,
  ): void;
}

/**
 * Every response the session receives gets the policy. Our own `app://` responses also carry
 * it from the protocol handler, because webRequest hooks are not guaranteed to see
 * custom-protocol responses; both use the same string.
 */
export function installCsp(webRequest: WebRequestLike): void {
  webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withCsp(details.responseHeaders) });
  });
}
