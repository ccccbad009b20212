/**
 * An attacker's tools: raw HTTP/2 requests with whatever headers and body it likes (no pinning,
 * no client-side checks), and raw sockets that stall at a chosen point of the handshake. Every
 * wait is bounded.
 */
import { connect as h2connect, type ClientHttp2Session } from 'node:http2';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import {
  PROTOCOL_HEADER,
  PROTOCOL_VERSION,
  errorBodySchema,
  type ErrorBody,
} from '../../src-shared/hubProtocol/protocol.js';

export interface RawAnswer {
  readonly status: number;
  readonly body: Buffer;
  /** The body as JSON, or undefined. */
  readonly json: unknown;
}

export interface RawRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  /** JSON (an object), text, or bytes; sent in pieces of `pieceBytes` when given. */
  readonly body?: unknown;
  readonly headers?: Record<string, string | number>;
  readonly credential?: string;
  /** Stop waiting after this long (the request is cancelled and the call rejects). */
  readonly timeoutMs?: number;
}

/**
 * One HTTP/2 connection an attacker speaks through, credential or not (opened again when the hub
 * closed it).
 */
export class RawClient {
  private current: ClientHttp2Session | undefined;

  constructor(private readonly port: number) {}

  private get session(): ClientHttp2Session {
    if (!this.current || this.current.closed || this.current.destroyed) {
      this.current = h2connect(`https://127.0.0.1:${this.port}`, { rejectUnauthorized: false });
      this.current.on('error', () => undefined);
    }
    return this.current;
  }

  request(req: RawRequest): Promise<RawAnswer> {
    const headers: Record<string, string | number> = {
      ':method': req.method,
      ':path': req.path,
      [PROTOCOL_HEADER]: String(PROTOCOL_VERSION),
      ...(req.credential ? { authorization: `Bearer ${req.credential}` } : {}),
      ...req.headers,
    };
    const body =
      req.body === undefined
        ? undefined
        : Buffer.isBuffer(req.body) || req.body instanceof Uint8Array
          ? Buffer.from(req.body)
          : typeof req.body === 'string'
            ? Buffer.from(req.body)
            : Buffer.from(JSON.stringify(req.body));
    return new Promise<RawAnswer>((resolve, reject) => {
      const stream = this.session.request(headers, { endStream: body === undefined });
      const timer = setTimeout(() => {
        stream.close();
        reject(
          new Error(`no answer to ${req.method} ${req.path} within ${req.timeoutMs ?? 20_000} ms`),
        );
      }, req.timeoutMs ?? 20_000);
      let status = 0;
      const pieces: Buffer[] = [];
      stream.on('response', (h) => (status = Number(h[':status'])));
      stream.on('data', (d: Buffer) => pieces.push(d));
      stream.on('end', () => {
        clearTimeout(timer);
        const all = Buffer.concat(pieces);
        let json: unknown;
        try {
          json = JSON.parse(all.toString('utf8'));
        } catch {
          json = undefined;
        }
        resolve({ status, body: all, json });
        // The hub may answer before it read the whole body (a refusal): stop sending.
        if (!stream.closed) stream.close();
      });
      stream.on('error', (e: Error) => {
        clearTimeout(timer);
        reject(e);
      });
      if (body) stream.end(body);
    });
  }

  /**
   * Starts a POST with `piece` of its body and sends no more: resolves with how long the stream
   * stayed open once the hub closes it (rejects after 20 s).
   */
  stalledUpload(path: string, credential: string, piece: Buffer): Promise<{ ms: number }> {
    const stream = this.session.request({
      ':method': 'POST',
      ':path': path,
      [PROTOCOL_HEADER]: String(PROTOCOL_VERSION),
      authorization: `Bearer ${credential}`,
    });
    stream.on('error', () => undefined);
    stream.on('data', () => undefined);
    const started = Date.now();
    stream.write(piece);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        stream.close();
        reject(new Error('the hub kept a stalled upload open for 20 s'));
      }, 20_000);
      stream.once('close', () => {
        clearTimeout(timer);
        resolve({ ms: Date.now() - started });
      });
    });
  }

  close(): void {
    this.current?.destroy();
  }
}

/** The hub's error body of an answer, or throws when the answer is not one. */
export function errorOf(answer: RawAnswer): ErrorBody['error'] {
  const parsed = errorBodySchema.safeParse(answer.json);
  if (!parsed.success)
    throw new Error(
      `expected an error body, got status ${answer.status}: ${answer.body.toString('utf8').slice(0, 200)}`,
    );
  return parsed.data.error;
}

/** Resolves with how long a socket stayed open (ms) once it closes, or rejects after `withinMs`. */
export function closedWithin(socket: Socket, withinMs: number): Promise<number> {
  const opened = Date.now();
  return new Promise((resolve, reject) => {
    if (socket.destroyed) return resolve(0);
    const timer = setTimeout(
      () => reject(new Error(`the socket was still open after ${withinMs} ms`)),
      withinMs,
    );
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(Date.now() - opened);
    });
  });
}

/** A plain TCP connection to the service that never starts TLS (or sends `bytes` and stalls). */
export function rawTcp(port: number, bytes?: Uint8Array): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host: '127.0.0.1', port }, () => {
      if (bytes) socket.write(bytes);
      resolve(socket);
    });
    socket.on('error', (e) => {
      if (!socket.connecting) return;
      reject(e);
    });
    socket.on('error', () => undefined);
    socket.on('data', () => undefined);
  });
}

/** A TLS connection offering h2 that completes the handshake and then sends nothing. */
export function silentTls(port: number): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({
      host: '127.0.0.1',
      port,
      ALPNProtocols: ['h2'],
      rejectUnauthorized: false,
    });
    const timer = setTimeout(() => reject(new Error('TLS handshake took over 10 s')), 10_000);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('error', (e: Error) => {
      clearTimeout(timer);
      reject(e);
    });
    socket.on('error', () => undefined);
    socket.on('data', () => undefined);
  });
}

/**
 * The HTTP/2 connection preface, an empty SETTINGS frame, then a HEADERS frame of stream 1
 * without END_HEADERS (`:method GET`, `:scheme https` from HPACK's static table): the server
 * waits for the CONTINUATION that never comes. A request's headers, begun and stalled.
 */
export const PARTIAL_REQUEST = Buffer.concat([
  Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1'),
  Buffer.from([0, 0, 0, 0x04, 0, 0, 0, 0, 0]),
  Buffer.from([0, 0, 2, 0x01, 0x00, 0, 0, 0, 1, 0x82, 0x87]),
]);

/** The start of a TLS record (a handshake of 512 bytes) that never continues. */
export const PARTIAL_CLIENT_HELLO = Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01]);

/** PostgreSQL's SSLRequest: what a PostgreSQL client sends first. A server answers 'S' or 'N'. */
export const PG_SSL_REQUEST = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);
