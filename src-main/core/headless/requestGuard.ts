import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { TOKEN_HEADER } from '../../../src-shared/ipc/contract.js';

/**
 * Who may talk to the headless server. It listens on loopback, but any web
 * page the user opens can reach loopback too, so every API request must:
 * - name this server in its Host header (a DNS-rebinding page names its own host),
 * - come from this server's own origin when a browser sends one,
 * - carry the token printed at start: the WebSocket as the subprotocol
 *   `netguardian.<token>` (browsers cannot set headers on a WebSocket; a
 *   non-browser client may use `?token=` instead), uploads in TOKEN_HEADER.
 * Tokens are compared in constant time.
 */

export const SUBPROTOCOL_PREFIX = 'netguardian.';

/** 32 random bytes, base64url: valid in a URL and as a WebSocket subprotocol token. */
export const createToken = (): string => randomBytes(32).toString('base64url');

export function tokensEqual(given: string | undefined | null, token: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  // Compare equal lengths only (timingSafeEqual requires it); the length itself is not secret.
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface Allowed {
  /** `host:port` values accepted in the Host header. */
  readonly hosts: ReadonlySet<string>;
  /** Origins accepted from browsers. */
  readonly origins: ReadonlySet<string>;
}

/** The names this server answers to: the address it listens on, and loopback's usual names. */
export function allowedFor(
  host: string,
  port: number,
  extraOrigins: readonly string[] = [],
): Allowed {
  const names = new Set([
    host.includes(':') ? `[${host}]` : host,
    '127.0.0.1',
    'localhost',
    '[::1]',
  ]);
  const hosts = new Set([...names].map((n) => `${n}:${port}`));
  const origins = new Set([...[...names].map((n) => `http://${n}:${port}`), ...extraOrigins]);
  return { hosts, origins };
}

export type GuardResult =
  { readonly ok: true } | { readonly ok: false; readonly status: number; readonly reason: string };

const refuse = (status: number, reason: string): GuardResult => ({ ok: false, status, reason });

/** Host and Origin checks, for every request (static files included: no rebinding at all). */
export function checkHostAndOrigin(req: IncomingMessage, allowed: Allowed): GuardResult {
  const host = req.headers.host?.toLowerCase();
  if (host === undefined || !allowed.hosts.has(host))
    return refuse(
      403,
      `refused: the Host header ${JSON.stringify(host ?? '')} does not name this server`,
    );
  const origin = req.headers.origin;
  if (origin !== undefined && !allowed.origins.has(origin.toLowerCase()))
    return refuse(403, `refused: requests from ${JSON.stringify(origin)} are not allowed`);
  return { ok: true };
}

/** The token a WebSocket upgrade carries: its `netguardian.<token>` subprotocol, or `?token=`. */
export function tokenOfUpgrade(req: IncomingMessage): string | undefined {
  const offered = (req.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((p) => p.trim())
    .find((p) => p.startsWith(SUBPROTOCOL_PREFIX));
  if (offered !== undefined) return offered.slice(SUBPROTOCOL_PREFIX.length);
  return new URL(req.url ?? '/', 'http://x').searchParams.get('token') ?? undefined;
}

export function checkUploadToken(req: IncomingMessage, token: string): GuardResult {
  const given = req.headers[TOKEN_HEADER];
  return tokensEqual(typeof given === 'string' ? given : undefined, token)
    ? { ok: true }
    : refuse(401, `refused: missing or wrong ${TOKEN_HEADER} header`);
}
