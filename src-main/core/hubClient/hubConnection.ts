import {
  connect,
  constants as h2,
  type ClientHttp2Session,
  type ClientHttp2Stream,
  type IncomingHttpHeaders,
} from 'node:http2';
import type { TLSSocket } from 'node:tls';
import type { z } from 'zod';
import { NetGuardianError } from '../../../src-shared/errors.js';
import {
  ALPN,
  PROTOCOL_HEADER,
  PROTOCOL_VERSION,
  ROUTES,
  errorBodySchema,
  hubAddressesAnswerSchema,
} from '../../../src-shared/hubProtocol/protocol.js';
import type { HubAlternates } from './hubAddressBook.js';

export interface HubEndpoint {
  /** host:port (IPv6 in brackets). */
  readonly address: string;
  /** Lowercase hex SHA-256 of the hub's certificate (DER), pinned at pairing. */
  readonly fingerprint: string;
}

export interface HubConnectionOptions extends HubEndpoint {
  /** The device credential (absent while pairing). */
  readonly credential?: string;
  /** Opening the connection (TCP and TLS) fails after this long. */
  readonly connectTimeoutMs?: number;
  /** A request that moves no byte for this long fails (progress, not total duration). */
  readonly idleMs?: number;
  /**
   * The hub's other processes (`hubAddressBook.ts`): when `address` can't be reached they are
   * tried in turn, with the same pinned certificate, and the list is refreshed from the hub after
   * each new connection and every `alternatesEveryMs` while connected.
   */
  readonly alternates?: HubAlternates;
  /** How often a connected device asks the hub for its processes again (default a minute). */
  readonly alternatesEveryMs?: number;
}

/**
 * While connected, the hub's list of processes is asked again this often: a process started (or
 * back) after the device connected is known before the one in use goes away, so a rolling
 * restart never strands a device on a list of processes that are all gone.
 */
const ALTERNATES_EVERY_MS = 60_000;

/** Addresses one connection attempt tries at most (its own first, then the others). */
const MAX_TRIED = 8;

/** Socket failures that mean "this address does not answer": the next address is tried. */
const UNREACHABLE_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'ERR_HTTP2_SESSION_ERROR',
  'ERR_HTTP2_GOAWAY_SESSION',
]);

/** A JSON body already serialized (a push serializes each event once, to size and send it). */
export class JsonText {
  constructor(readonly text: string) {}
}

/** An answer whose body is read as it comes. */
export interface HubResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: ClientHttp2Stream;
}

/** A failure to reach the hub, with the socket's code kept so hubProblems.ts words it. */
class Unreachable extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/**
 * One HTTP/2 connection to a hub, opened when a request needs it and again after it drops. The
 * hub's certificate is pinned: the connection is used only once the certificate it presented has
 * the fingerprint the device paired with, checked before any request (the invite's secret or the
 * device credential) is sent. No certificate authority is involved, so a hub needs no domain name.
 */
export class HubConnection {
  private session: ClientHttp2Session | undefined;
  private opening: Promise<ClientHttp2Session> | undefined;
  private closed = false;
  /** The address that answered last: tried first next time (another process after a failover). */
  private current: string;
  /** When the hub's list of processes was last asked for. */
  private alternatesAt = 0;

  constructor(private readonly options: HubConnectionOptions) {
    this.current = options.address;
  }

  /** The address in use (or tried first next): the paired one, or another process of the hub. */
  get address(): string {
    return this.current;
  }

  /** Sends a request; `body` is JSON (an object) or bytes (pieces written as they come). */
  async request(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    bytes?: AsyncIterable<Uint8Array>,
  ): Promise<HubResponse> {
    const session = await this.open();
    const headers: Record<string, string> = {
      ':method': method,
      ':path': path,
      [PROTOCOL_HEADER]: String(PROTOCOL_VERSION),
    };
    if (this.options.credential) headers['authorization'] = `Bearer ${this.options.credential}`;
    const json =
      body === undefined
        ? undefined
        : Buffer.from(body instanceof JsonText ? body.text : JSON.stringify(body));
    if (json) headers['content-type'] = 'application/json';
    if (bytes) headers['content-type'] = 'application/octet-stream';
    const stream = session.request(headers, { endStream: !json && !bytes });
    stream.setTimeout(this.options.idleMs ?? 60_000, () =>
      stream.destroy(new Unreachable('the hub stopped answering (timed out)', 'ETIMEDOUT')),
    );
    const answered = new Promise<HubResponse>((resolve, reject) => {
      stream.once('response', (h) =>
        resolve({ status: Number(h[':status']), headers: h, body: stream }),
      );
      // `on`, not `once`: a stream may fail again while its body is read.
      stream.on('error', (e) => reject(asUnreachable(e)));
      stream.once('close', () =>
        reject(new Unreachable('the connection to the hub was cut', 'ECONNRESET')),
      );
    });
    if (json) stream.end(json);
    else if (bytes) void pipeBytes(stream, bytes);
    return answered;
  }

  /** A JSON request whose answer is JSON of `schema`; a hub's error answer is thrown as its error. */
  async json<T>(
    method: 'GET' | 'POST',
    path: string,
    schema: z.ZodType<T>,
    body?: unknown,
  ): Promise<T> {
    const response = await this.request(method, path, body);
    const text = await readAll(response.body);
    return parseAnswer(response.status, text, schema);
  }

  /**
   * Closes the connection: requests under way get a moment to finish, then it is cut, so a
   * stream that never ends (a request the hub stalls on) can't keep the socket, and a daemon's
   * shutdown, waiting.
   */
  close(): void {
    this.closed = true;
    const session = this.session;
    this.session = undefined;
    if (!session) return;
    session.close();
    setTimeout(() => {
      if (!session.destroyed) session.destroy();
    }, 1_000).unref();
  }

  private open(): Promise<ClientHttp2Session> {
    if (this.closed) return Promise.reject(new Error('the hub connection is closed'));
    if (this.session && !this.session.closed && !this.session.destroyed) {
      if (Date.now() - this.alternatesAt >= (this.options.alternatesEveryMs ?? ALTERNATES_EVERY_MS))
        this.refreshAlternatesSoon();
      return Promise.resolve(this.session);
    }
    this.opening ??= this.connect().finally(() => {
      this.opening = undefined;
    });
    return this.opening;
  }

  /**
   * Connects to the address that answered last, else to the hub's other known processes in turn
   * (each once: the caller's retry, such as the live channel's backoff, paces the next round).
   * Only a failure to reach an address moves on; the first address's failure is the one thrown
   * when none answers, so the sentence names the address the user knows.
   */
  private async connect(): Promise<ClientHttp2Session> {
    const others = this.options.alternates?.list() ?? [];
    const candidates = [...new Set([this.current, this.options.address, ...others])].slice(
      0,
      MAX_TRIED,
    );
    let first: unknown;
    for (const address of candidates) {
      try {
        const session = await this.connectTo(address);
        if (address !== this.current) this.current = address;
        this.refreshAlternatesSoon();
        return session;
      } catch (e) {
        first ??= e;
        const code = (e as { code?: unknown }).code;
        const movesOn =
          e instanceof Unreachable ||
          (e instanceof NetGuardianError && e.code === 'CertificateMismatch') ||
          (typeof code === 'string' && UNREACHABLE_CODES.has(code));
        if (!movesOn || this.closed) throw e;
      }
    }
    throw first;
  }

  /** Asks for the hub's processes in the background (a device with an address book only). */
  private refreshAlternatesSoon(): void {
    if (!this.options.alternates || !this.options.credential) return;
    // Stamped first: the request below opens the session again and must not ask twice.
    this.alternatesAt = Date.now();
    void this.refreshAlternates();
  }

  /** Asks the hub where its processes are now; an older hub (404) or a failure changes nothing. */
  private async refreshAlternates(): Promise<void> {
    try {
      const answer = await this.json('GET', ROUTES.hubAddresses, hubAddressesAnswerSchema);
      this.options.alternates?.learn(answer.addresses);
    } catch {
      // Only a hint: the device keeps what it knew.
    }
  }

  private connectTo(address: string): Promise<ClientHttp2Session> {
    const { fingerprint } = this.options;
    return new Promise((resolve, reject) => {
      const session = connect(`https://${address}`, {
        ALPNProtocols: [ALPN],
        // The chain is not checked against authorities: the fingerprint below is the check.
        rejectUnauthorized: false,
      });
      const timer = setTimeout(
        () => session.destroy(new Unreachable('connecting to the hub timed out', 'ETIMEDOUT')),
        this.options.connectTimeoutMs ?? 10_000,
      );
      // `on`, not `once`: a connection cut by the network may report more than one error, and
      // one without a listener would be an uncaught exception (a crashed daemon).
      session.on('error', (e) => {
        clearTimeout(timer);
        reject(asUnreachable(e));
      });
      session.once('connect', () => {
        clearTimeout(timer);
        const socket = session.socket as TLSSocket;
        const presented = (socket.getPeerCertificate?.().fingerprint256 ?? '')
          .replace(/:/g, '')
          .toLowerCase();
        if (presented !== fingerprint) {
          session.destroy();
          reject(
            new NetGuardianError(
              'CertificateMismatch',
              `the hub at ${address} presented a certificate other than the one this device paired with (someone in between, or a reinstalled hub?): nothing was sent; if the hub was reinstalled, join it again with a new invite`,
              'fingerprint',
            ),
          );
          return;
        }
        session.once('close', () => {
          if (this.session === session) this.session = undefined;
        });
        // Idle connections don't keep a daemon alive or the hub's slot taken forever.
        session.setTimeout(5 * 60_000, () => session.close());
        this.session = session;
        resolve(session);
      });
    });
  }
}

async function pipeBytes(stream: ClientHttp2Stream, bytes: AsyncIterable<Uint8Array>) {
  try {
    for await (const piece of bytes) {
      if (!stream.write(piece)) await new Promise((r) => stream.once('drain', r));
      if (stream.destroyed) return;
    }
    stream.end();
  } catch (e) {
    stream.close(h2.NGHTTP2_CANCEL);
    void e;
  }
}

export async function readAll(
  body: ClientHttp2Stream,
  maxBytes = 64 * 1024 * 1024,
): Promise<string> {
  const pieces: Buffer[] = [];
  let total = 0;
  for await (const piece of body as AsyncIterable<Buffer>) {
    total += piece.byteLength;
    if (total > maxBytes)
      throw new NetGuardianError('PayloadTooLarge', 'the hub sent more than asked for', 'body');
    pieces.push(piece);
  }
  return Buffer.concat(pieces).toString('utf8');
}

/** The answer as `schema` says, or the hub's error as a NetGuardianError. */
export function parseAnswer<T>(status: number, text: string, schema: z.ZodType<T>): T {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new NetGuardianError(
      'StoreError',
      `the hub answered ${status} with something that is not JSON`,
    );
  }
  if (status !== 200) throw hubError(status, json);
  const parsed = schema.safeParse(json);
  if (!parsed.success)
    throw new NetGuardianError(
      'StoreError',
      `the hub's answer is not what this version expects (${parsed.error.issues[0]?.message ?? 'invalid'})`,
    );
  return parsed.data;
}

export function hubError(status: number, json: unknown): NetGuardianError {
  const parsed = errorBodySchema.safeParse(json);
  if (parsed.success) {
    const { code, message, field } = parsed.data.error;
    return new NetGuardianError(code, message, field);
  }
  return new NetGuardianError('StoreError', `the hub answered with status ${status}`);
}

function asUnreachable(e: unknown): Error {
  if (e instanceof NetGuardianError || e instanceof Unreachable) return e;
  const code = (e as { code?: unknown }).code;
  const message = e instanceof Error ? e.message : String(e);
  return new Unreachable(message, typeof code === 'string' ? code : 'ECONNRESET');
}
