import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';

/**
 * The built renderer (dist/renderer), served with a strict CSP: only our own
 * scripts and styles, images also from data:/blob: (conflict previews), the
 * WebSocket only to this server. Unknown paths outside /api/ get index.html
 * (the app routes itself); a missing build gets a page that says how to build it.
 */

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
};

export function contentSecurityPolicy(port: number): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Headers on every response of the server. */
export function securityHeaders(port: number): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(port),
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    // The page's URL carries the token on first load: never send it anywhere.
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
}

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>NetGuardian</title></head>
<body><h1>NetGuardian is running, but its web interface is not built</h1>
<p>The sync itself works. To use the interface, run <code>npm run build:renderer</code>
in the NetGuardian folder, then reload this page.</p></body></html>
`;

/** A file under `rootReal` for a URL path, or undefined (never outside it, never a folder). */
async function fileFor(rootReal: string, urlPath: string): Promise<string | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const abs = path.resolve(rootReal, `.${path.posix.normalize(`/${decoded}`)}`);
  if (abs !== rootReal && !abs.startsWith(rootReal + path.sep)) return undefined;
  try {
    const real = await realpath(abs);
    if (!real.startsWith(rootReal + path.sep)) return undefined;
    return (await stat(real)).isFile() ? real : undefined;
  } catch {
    return undefined;
  }
}

export interface StaticSite {
  serve(req: IncomingMessage, res: ServerResponse, urlPath: string): Promise<void>;
}

export function createStaticSite(staticDir: string, headers: Record<string, string>): StaticSite {
  const rootReal = realpath(staticDir).catch(() => undefined);
  return {
    async serve(req, res, urlPath) {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { ...headers, Allow: 'GET, HEAD' }).end();
        return;
      }
      const root = await rootReal;
      const index = root ? await fileFor(root, '/index.html') : undefined;
      if (!root || !index) {
        res.writeHead(503, { ...headers, 'Content-Type': 'text/html; charset=utf-8' });
        res.end(req.method === 'HEAD' ? undefined : NOT_BUILT);
        return;
      }
      const file = (urlPath === '/' ? undefined : await fileFor(root, urlPath)) ?? index;
      const type = TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
      res.writeHead(200, {
        ...headers,
        'Content-Type': type,
        // Hashed assets may be cached; index.html must not be (it names the current assets).
        'Cache-Control': file === index ? 'no-store' : 'public, max-age=31536000, immutable',
      });
      if (req.method === 'HEAD') {
        res.end();
        return;
      }
      createReadStream(file)
        .on('error', () => res.destroy())
        .pipe(res);
    },
  };
}
