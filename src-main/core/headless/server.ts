import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import {
  DOWNLOAD_PATH,
  SESSION_PATH,
  UPLOAD_PATH,
  WS_PATH,
} from '../../../src-shared/ipc/contract.js';
import type { CoreService } from '../app/corePort.js';
import { childLogger, type Logger } from '../log.js';
import { ConnectionLimits } from './connectionLimits.js';
import { DEFAULT_HEADLESS_LIMITS, headersCheckIntervalMs, type HeadlessLimits } from './limits.js';
import {
  allowedFor,
  checkHostAndOrigin,
  checkUploadToken,
  createToken,
  tokenOfUpgrade,
  tokensEqual,
} from './requestGuard.js';
import { shedLog } from './shedLog.js';
import { createStaticSite, securityHeaders } from './staticFiles.js';
import { handleDownload, type OpenDownload } from './download.js';
import { handleUpload, type ReceiveUpload } from './upload.js';
import { createWsBridge } from './wsBridge.js';

/**
 * The headless mode: the built renderer and the IPC contract on a loopback
 * address, guarded by a random token (see requestGuard.ts). Open `url` (it
 * carries the token as `?token=`; the page keeps it and drops it from the address bar).
 * What anyone who reaches the port can make it hold is bounded (limits.ts, connectionLimits.ts).
 */

export interface HeadlessOptions {
  readonly service: CoreService & {
    readonly receiveUpload: ReceiveUpload;
    readonly openDownload: OpenDownload;
  };
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** 0 (default) = a free port. */
  readonly port?: number;
  /** The built renderer; default dist/renderer of the working directory. */
  readonly staticDir?: string;
  /** Default: 32 random bytes, base64url. */
  readonly token?: string;
  /** More origins to accept (a renderer dev server), beside this server's own. */
  readonly extraOrigins?: readonly string[];
  /** Default DEFAULT_HEADLESS_LIMITS; tests shorten the timeouts. */
  readonly limits?: Partial<HeadlessLimits>;
  readonly log?: Logger;
}

export interface HeadlessServer {
  /** What to open in a browser, token included. */
  readonly url: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

export async function startHeadlessServer(options: HeadlessOptions): Promise<HeadlessServer> {
  const log = childLogger(options.log, 'headless');
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? createToken();
  const staticDir = options.staticDir ?? path.resolve('dist', 'renderer');
  const limits: HeadlessLimits = { ...DEFAULT_HEADLESS_LIMITS, ...options.limits };
  const server = createServer({
    headersTimeout: limits.headersTimeoutMs,
    // No limit on a request's total duration (Node's default cuts any request at 300 s, a
    // large upload with it): uploads are held to progress instead (upload.ts).
    requestTimeout: 0,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: headersCheckIntervalMs(limits),
  });
  // A connection whose request or response moves no byte for this long is closed (an upload
  // replaces this by its body's watchdog; a WebSocket, once accepted, is the bridge's).
  server.timeout = limits.idleMs;
  const connections = new ConnectionLimits<Socket>(limits, shedLog(log, limits));
  server.on('connection', (socket: Socket) => {
    if (!connections.admit(socket)) socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const allowed = allowedFor(host, port, options.extraOrigins);
  const headers = securityHeaders(port);
  const site = createStaticSite(staticDir, headers);
  const bridge = createWsBridge(options.service, log);

  const deny = (res: ServerResponse, status: number, reason: string) => {
    res.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(`${reason}\n`);
  };

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const guard = checkHostAndOrigin(req, allowed);
    if (!guard.ok) {
      deny(res, guard.status, guard.reason);
      req.resume();
      return;
    }
    const url = new URL(req.url ?? '/', `http://${host}`);
    const done = (e: unknown) => {
      log.error({ error: (e as Error).message, path: url.pathname }, 'request failed');
      if (!res.headersSent) deny(res, 500, 'internal error');
      else res.destroy();
    };
    if (url.pathname === UPLOAD_PATH) {
      const auth = checkUploadToken(req, token);
      if (!auth.ok) {
        deny(res, auth.status, auth.reason);
        req.resume();
        return;
      }
      connections.authenticated(req.socket);
      handleUpload(req, res, url, options.service.receiveUpload, {
        headers,
        idleMs: limits.idleMs,
        log,
      }).catch(done);
      return;
    }
    if (url.pathname === SESSION_PATH) {
      const auth = checkUploadToken(req, token);
      req.resume();
      if (!auth.ok) deny(res, auth.status, auth.reason);
      else res.writeHead(204, headers).end();
      return;
    }
    if (url.pathname === DOWNLOAD_PATH) {
      const auth = checkUploadToken(req, token);
      if (!auth.ok) {
        deny(res, auth.status, auth.reason);
        req.resume();
        return;
      }
      connections.authenticated(req.socket);
      handleDownload(req, res, url, options.service.openDownload, headers).catch(done);
      return;
    }
    if (url.pathname === '/api' || url.pathname.startsWith('/api/')) {
      deny(res, 404, `no such endpoint: ${url.pathname}`);
      return;
    }
    site.serve(req, res, url.pathname).catch(done);
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refuse = (status: number, reason: string) => {
      socket.end(
        `HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : status === 404 ? 'Not Found' : 'Forbidden'}\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n${reason}\n`,
      );
    };
    const url = new URL(req.url ?? '/', `http://${host}`);
    if (url.pathname !== WS_PATH) return refuse(404, `no WebSocket at ${url.pathname}`);
    const guard = checkHostAndOrigin(req, allowed);
    if (!guard.ok) return refuse(guard.status, guard.reason);
    if (!tokensEqual(tokenOfUpgrade(req), token))
      return refuse(401, 'refused: missing or wrong token (subprotocol netguardian.<token>)');
    connections.authenticated(req.socket);
    bridge.accept(req, socket, head);
  });

  const hostInUrl = host.includes(':') ? `[${host}]` : host;
  log.info({ host, port }, 'headless server listening');
  return {
    url: `http://${hostInUrl}:${port}/?token=${token}`,
    port,
    token,
    close: async () => {
      await bridge.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        connections.closeAll();
      });
    },
  };
}
