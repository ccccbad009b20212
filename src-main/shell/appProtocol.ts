import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { APP_HOST, APP_SCHEME } from './appOrigin.js';
import { CONTENT_SECURITY_POLICY } from './csp.js';

/**
 * Serves dist/renderer on `app://netguardian/`. Registered as standard (relative URLs and
 * 'self' work like on the web) and secure (a secure context, so the CSP and modern APIs
 * behave as on https); not bypassCSP, no service workers, no CORS to it from elsewhere.
 */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true },
} as const;

/**
 * The file a request maps to, or null when it must be refused: another host, a path that
 * would leave the root (encoded `..`, backslashes, NUL), or a URL that does not parse.
 * A path without an extension is a client-side route: it gets index.html.
 */
export function resolveAppFile(rootDir: string, requestUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return null;
  let rel: string;
  try {
    rel = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (rel.includes('\0') || rel.includes('\\')) return null;
  const root = path.resolve(rootDir);
  const file = path.resolve(root, '.' + path.posix.normalize('/' + rel));
  if (file !== root && !file.startsWith(root + path.sep)) return null;
  if (file === root || path.extname(file) === '') return path.join(root, 'index.html');
  return file;
}

export interface ProtocolDeps {
  readonly protocol: {
    handle(
      scheme: string,
      handler: (request: { url: string }) => Promise<Response> | Response,
    ): void;
  };
  readonly net: { fetch(url: string): Promise<Response> };
}

/** Installs the handler (after app 'ready'); each response carries the CSP header. */
export function registerAppProtocol({ protocol, net }: ProtocolDeps, rootDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const file = resolveAppFile(rootDir, request.url);
    if (file === null) return new Response('Not found', { status: 404 });
    const response = await net.fetch(pathToFileURL(file).toString());
    const headers = new Headers(response.headers);
    headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    headers.set('X-Content-Type-Options', 'nosniff');
    return new Response(response.body, { status: response.status, headers });
  });
}
