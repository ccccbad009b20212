import {
  constants as h2,
  createSecureServer,
  type Http2SecureServer,
  type IncomingHttpHeaders,
  type ServerHttp2Session,
  type ServerHttp2Stream,
} from 'node:http2';
import type { AddressInfo, Socket } from 'node:net';
import { NetGuardianError, isNetGuardianError } from '../../../src-shared/errors.js';
import {
  ChunkFrameParts,
  ChunkFrameReader,
  frameHeader,
} from '../../../src-shared/hubProtocol/chunkFrames.js';
import { jsonDepth } from '../../../src-shared/hubProtocol/jsonDepth.js';
import { NOT_PAIRED_SENTENCE } from '../../../src-shared/hubProblems.js';
import {
  ALPN,
  LIMITS,
  MAX_LISTED_DEVICES,
  PROTOCOL_HEADER,
  OLDEST_PROTOCOL_VERSION,
  PROTOCOL_VERSION,
  ROUTES,
  chunkHashesSchema,
  countRequestSchema,
  ownAtRequestSchema,
  ownReadRequestSchema,
  pairRequestSchema,
  pullRequestSchema,
  snapshotsRequestSchema,
  deviceNameRequestSchema,
  pushRequestSchema,
  type DevicesAnswer,
  type Hello,
  type HubAddressesAnswer,
  type PullTrailer,
  type PushAnswer,
} from '../../../src-shared/hubProtocol/protocol.js';
import type { ChunkInput } from '../files/chunkStore.js';
import { childLogger, type Logger } from '../log.js';
import { Mutex } from '../mutex.js';
import type { EventStore, Frontier } from '../store/eventStore.js';
import type { Unlisten } from '../store/sqlClient.js';
import {
  verifyChunk,
  type ChunkReceiver,
  type ChunkSize,
  type HubChunkStorage,
} from './chunkStorage.js';
import type { DeviceIdentity, HubAccountsPort } from './deviceIdentity.js';
import { DeviceTurns } from './deviceTurns.js';
import { LiveStreams } from './liveStreams.js';
import { PendingHandshakes } from './pendingHandshakes.js';
import { screenPush } from './pushedEvents.js';
import { listenSteadily } from './steadyListener.js';
import { MAX_BODIES_PER_DEVICE, RequestSlots } from './requestSlots.js';
import {
  DEFAULT_SESSION_LIMITS,
  SessionLimits,
  type SessionLimitOptions,
} from './sessionLimits.js';
import { eachPiece, readBody, sendError, sendJson, tooLarge, writeInOrder } from './streamIo.js';

/** Limits a stranger can't pass: pairing attempts per address (see `attemptLimiter.ts`). */
export interface PairingGate {
  /** Whether the key (an address) used up its attempts. */
  blocked(key: string): boolean;
  /** Counts one failed attempt. */
  attempt(key: string): unknown;
}

export interface HubServerOptions {
  readonly store: EventStore;
  readonly chunks: HubChunkStorage;
  readonly accounts: HubAccountsPort;
  readonly certificate: { readonly certPem: string; readonly keyPem: string };
  readonly hubId: string;
  readonly pairing: PairingGate;
  readonly sessions?: Partial<SessionLimitOptions>;
  /** A stream that moves no byte for this long is closed (progress, not total duration). */
  readonly idleStreamMs?: number;
  /** Requests one device may have worked on at once; more wait (default 4). */
  readonly requestsPerDevice?: number;
  /** The TLS handshake must finish within this long. */
  readonly handshakeMs?: number;
  /**
   * Called when a credential was revoked, so connections close at once; returns the stop
   * function. The hub wires it to PostgreSQL's NOTIFY (see `hubAccounts.ts`).
   */
  readonly onRevoked?: (close: (keyId: string) => void) => Promise<Unlisten>;
  /**
   * Where the hub's processes are reached now (`hubProcesses.ts`), for `GET /v1/hub-addresses`;
   * absent: only the address the device used, which the device knows.
   */
  readonly hubAddresses?: () => Promise<string[]>;
  readonly log?: Logger;
}

export interface HubServer {
  /** Starts listening; resolves with the bound address. */
  listen(host: string, port: number): Promise<{ host: string; port: number }>;
  /** Open connections, TLS handshakes under way, and live streams (for tests and status). */
  stats(): { sessions: number; strangers: number; handshakes: number; live: number };
  close(): Promise<void>;
}

const FIRST_SUPPORTED = OLDEST_PROTOCOL_VERSION;
const LAST_SUPPORTED = PROTOCOL_VERSION;
/** The first version whose devices can catch up past a compacted log (`snapshots`). */
const CATCH_UP_VERSION = 2;

/** The protocol version a request says it speaks (checked by `protocolProblem` before). */
function versionOf(headers: IncomingHttpHeaders): number {
  const raw = headers[PROTOCOL_HEADER];
  return Number(Array.isArray(raw) ? raw[0] : raw);
}
/** `last_seen` is written at most this often per device. */
const SEEN_EVERY_MS = 30_000;
/** How long a checked credential is trusted without asking the database again. */
const AUTH_CACHE_MS = 5_000;
/** A live stream renews the device's presence for this long (a few pings). */
const PRESENCE_MS = 60_000;

type Handler = (
  stream: ServerHttp2Stream,
  headers: IncomingHttpHeaders,
  identity: DeviceIdentity,
) => Promise<void>;

/**
 * The hub's sync service: HTTP/2 over TLS in front of the hub's store. Devices never reach
 * PostgreSQL: every request is checked here (protocol version, credential, body size, and for
 * pushes each event), and what a device may touch is its own space. See protocol.ts for the
 * routes.
 */
export function createHubServer(options: HubServerOptions): HubServer {
  const log = childLogger(options.log, 'hub-service');
  const { store, chunks, accounts } = options;
  const limits = new SessionLimits({ ...DEFAULT_SESSION_LIMITS, ...options.sessions });
  const idleStreamMs = options.idleStreamMs ?? 60_000;
  const lastSeen = new Map<string, number>();
  const turns = new DeviceTurns(options.requestsPerDevice ?? 4);
  /**
   * Database work of a device's request, in turn with its other requests' (see deviceTurns.ts):
   * reading a request's body or writing its answer holds no turn, so a slow link slows no one.
   */
  const db = <T>(id: DeviceIdentity, work: () => Promise<T>): Promise<T> =>
    turns.run(id.keyId, work);
  const bodySlots = new RequestSlots();
  let closing = false;
  const live = new LiveStreams((identity, isLive) => {
    // Stopping: the streams close as the database does; presence ends with the hub anyway.
    if (closing) return;
    const done = isLive
      ? accounts.markLive(identity.keyId, Date.now() + PRESENCE_MS)
      : accounts.clearLive(identity.keyId);
    done.catch((e: unknown) => log.warn({ error: String(e) }, 'could not record presence'));
  });
  /**
   * One push of a device at a time in this process, so its seq continuity check and append are
   * one step. Across hub processes (a device that moved to another process while its push to the
   * first was still under way) the database keeps it right: the unique (space, origin, seq) index
   * lets one insert of a seq through and the append reports the other as a duplicate (same event
   * id) or a seq conflict, and a seq screened as the next one stays next (the seqs held only
   * grow), so no gap can be stored. The worst a race does is refuse a batch as `SeqGap` that the
   * device sends again at its next run.
   */
  const pushLocks = new Map<string, Mutex>();
  const pushLock = (identity: DeviceIdentity) => {
    const key = `${identity.spaceId}\u0000${identity.nodeId}`;
    let lock = pushLocks.get(key);
    if (!lock) pushLocks.set(key, (lock = new Mutex()));
    return lock;
  };

  const server: Http2SecureServer = createSecureServer({
    key: options.certificate.keyPem,
    cert: options.certificate.certPem,
    ALPNProtocols: [ALPN],
    allowHTTP1: false,
    handshakeTimeout: options.handshakeMs ?? 10_000,
    // Per connection: streams at once, memory for its frames, and header size.
    settings: { maxConcurrentStreams: 64, maxHeaderListSize: 16 * 1024 },
    maxSessionMemory: 64,
    maxHeaderListPairs: 64,
  });
  // Descriptors stay bounded whatever strangers do: handshakes under way are capped (the oldest
  // of the biggest holder makes room), sessions by `limits`; past both, the OS connection is refused.
  const handshakes = new PendingHandshakes(
    options.sessions?.maxUnauthenticated ?? DEFAULT_SESSION_LIMITS.maxUnauthenticated,
  );
  // A device's connection cut by the network (ECONNRESET) is ordinary: it never reaches the
  // process as an uncaught error, whatever state the connection was in.
  /** Every socket open now: closing the hub ends them all, sessions or not. */
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    socket.on('error', () => undefined);
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    handshakes.opened(socket);
  });
  server.on('secureConnection', (socket: Socket) => {
    socket.on('error', () => undefined);
    handshakes.secured(socket);
  });
  server.maxConnections =
    (options.sessions?.maxSessions ?? DEFAULT_SESSION_LIMITS.maxSessions) +
    (options.sessions?.maxUnauthenticated ?? DEFAULT_SESSION_LIMITS.maxUnauthenticated) +
    16;
  // A connection idle this long (no frames at all) is closed; live streams ping well within it.
  server.setTimeout(120_000);

  server.on('session', (session: ServerHttp2Session) => {
    session.on('error', () => undefined);
    if (!limits.admit(session)) session.destroy();
  });
  server.on('sessionError', () => undefined);
  server.on('tlsClientError', () => undefined);

  const handlers = new Map<string, Handler>([
    [
      `GET ${ROUTES.frontier}`,
      async (stream, headers, id) => {
        const [frontier, compacted] = await db(id, () =>
          Promise.all([store.getFrontier(id.spaceId), store.compactedThrough(id.spaceId)]),
        );
        // A version-1 device parses the answer strictly: it never gets the new field.
        sendJson(
          stream,
          200,
          versionOf(headers) >= CATCH_UP_VERSION ? { frontier, compacted } : { frontier },
        );
      },
    ],
    [
      `POST ${ROUTES.snapshots}`,
      async (stream, headers, id) => {
        const body = snapshotsRequestSchema.parse(await readJson(stream, headers));
        const states = await db(id, () =>
          store.readSnapshotStates(id.spaceId, body.after, body.limit),
        );
        await sendRows(
          stream,
          states.map((s) => JSON.stringify(s)),
        );
      },
    ],
    [
      `POST ${ROUTES.count}`,
      async (stream, headers, id) => {
        const body = countRequestSchema.parse(await readJson(stream, headers));
        sendJson(stream, 200, {
          count: await db(id, () => store.countAboveFrontier(id.spaceId, body.frontier)),
        });
      },
    ],
    [
      `POST ${ROUTES.pull}`,
      async (stream, headers, id) => {
        const body = pullRequestSchema.parse(await readJson(stream, headers));
        if (versionOf(headers) < CATCH_UP_VERSION) await refuseBelowCompaction(id, body.frontier);
        const rows = await db(id, () =>
          store.readAboveFrontierJson(id.spaceId, body.frontier, body.limit),
        );
        await sendRows(stream, rows);
      },
    ],
    [
      `POST ${ROUTES.push}`,
      async (stream, headers, id) => {
        const body = pushRequestSchema.parse(await readJson(stream, headers));
        const answer = await pushLock(id).run(() =>
          db(id, async (): Promise<PushAnswer> => {
            const screened = await screenPush(body.events, id, store);
            const appended =
              screened.accepted.length > 0 ? await store.append(screened.accepted) : undefined;
            return {
              inserted: (appended?.inserted ?? []).map((e) => e.eventId),
              duplicates: screened.duplicates + (appended?.duplicates.length ?? 0),
              seqConflicts: [
                ...screened.seqConflicts,
                ...(appended?.seqConflicts ?? []).map((e) => ({
                  eventId: e.eventId,
                  nodeId: e.nodeId,
                  seq: e.seq,
                })),
              ],
              refused: [...screened.refused],
            };
          }),
        );
        if (answer.refused.length > 0)
          log.warn(
            { device: id.nodeId, space: id.spaceId, refused: answer.refused.slice(0, 5) },
            'refused pushed events',
          );
        sendJson(stream, 200, answer);
      },
    ],
    [
      `GET ${ROUTES.ownMax}`,
      async (stream, _h, id) => {
        sendJson(stream, 200, { maxSeq: await db(id, () => store.maxSeq(id.spaceId, id.nodeId)) });
      },
    ],
    [
      `POST ${ROUTES.ownAt}`,
      async (stream, headers, id) => {
        const body = ownAtRequestSchema.parse(await readJson(stream, headers));
        const eventId = await db(id, () => store.eventIdAt(id.spaceId, id.nodeId, body.seq));
        sendJson(stream, 200, { eventId: eventId ?? null });
      },
    ],
    [
      `POST ${ROUTES.ownRead}`,
      async (stream, headers, id) => {
        const body = ownReadRequestSchema.parse(await readJson(stream, headers));
        await sendRows(
          stream,
          await db(id, () =>
            store.readOriginAboveJson(id.spaceId, id.nodeId, body.after, body.limit),
          ),
        );
      },
    ],
    [
      `POST ${ROUTES.chunksMissing}`,
      async (stream, headers, id) => {
        const body = chunkHashesSchema.parse(await readJson(stream, headers));
        sendJson(stream, 200, {
          hashes: await db(id, () => chunks.missing(id.spaceId, body.hashes)),
        });
      },
    ],
    [
      `POST ${ROUTES.chunksPut}`,
      async (stream, headers, id) => {
        sendJson(stream, 200, { stored: await receiveChunks(stream, headers, id) });
      },
    ],
    [
      `POST ${ROUTES.chunksGet}`,
      async (stream, headers, id) => {
        const body = chunkHashesSchema.parse(await readJson(stream, headers));
        await sendChunks(stream, id, body.hashes);
      },
    ],
    [
      `GET ${ROUTES.devices}`,
      async (stream, _h, id) => {
        // The caller's own space only: the space comes from its credential, never the request.
        const keys = await db(id, () => accounts.listDevices(id.spaceId));
        const answer: DevicesAnswer = {
          devices: keys
            .filter((k) => !k.revoked)
            .slice(0, MAX_LISTED_DEVICES)
            .map((k) => ({
              nodeId: k.nodeId,
              deviceName: k.deviceName,
              pairedAt: k.createdAt,
              lastSeen: k.lastSeen,
              online: k.online,
            })),
        };
        sendJson(stream, 200, answer);
      },
    ],
    [
      `GET ${ROUTES.hubAddresses}`,
      async (stream, _h, id) => {
        const addresses = (
          await db(id, () => options.hubAddresses?.() ?? Promise.resolve([]))
        ).slice(0, 16);
        sendJson(stream, 200, { addresses } satisfies HubAddressesAnswer);
      },
    ],
    [
      `POST ${ROUTES.deviceName}`,
      async (stream, headers, id) => {
        // The key its credential proved: a device renames itself only.
        const body = deviceNameRequestSchema.parse(await readJson(stream, headers));
        const deviceName = await db(id, () => accounts.renameDevice(id.keyId, body.deviceName));
        forgetKey(id.keyId);
        sendJson(stream, 200, { deviceName });
      },
    ],
    [
      `GET ${ROUTES.live}`,
      (stream, _h, id) => {
        stream.respond({ ':status': 200, 'content-type': 'application/x-ndjson' });
        // A live stream carries only pings and notices: it never times out for lack of them.
        stream.setTimeout(0);
        live.add(id, stream);
        return Promise.resolve();
      },
    ],
  ]);

  async function readJson(stream: ServerHttp2Stream, headers: IncomingHttpHeaders) {
    const text = (await readBody(stream, headers, LIMITS.maxJsonBodyBytes)).toString('utf8');
    // Before JSON.parse and any recursive check: a deeply nested body is refused by a loop. The
    // body's own envelope ({"events": [ ... ]}) adds two levels to the events' limit.
    if (jsonDepth(text, LIMITS.maxJsonDepth + 2) > LIMITS.maxJsonDepth + 2)
      throw new NetGuardianError(
        'InvalidEvent',
        `the request nests deeper than ${LIMITS.maxJsonDepth} levels: refused, nothing stored`,
        'body',
      );
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new NetGuardianError('InvalidArgument', 'the request body is not JSON', 'body');
    }
  }

  /**
   * Rows (each its JSON text, as the store rendered it) as NDJSON, cut once `maxPullBytes` are
   * sent; a trailer says whether more were left. Written in pieces of about 64 KiB.
   */
  async function sendRows(stream: ServerHttp2Stream, rows: readonly string[]): Promise<void> {
    stream.respond({ ':status': 200, 'content-type': 'application/x-ndjson' });
    let bytes = 0;
    let sent = 0;
    let piece: string[] = [];
    let pieceBytes = 0;
    for (const row of rows) {
      if (sent > 0 && bytes >= LIMITS.maxPullBytes) break;
      const size = Buffer.byteLength(row) + 1;
      bytes += size;
      sent += 1;
      piece.push(row);
      pieceBytes += size;
      if (pieceBytes >= 64 * 1024) {
        await writeInOrder(stream, Buffer.from(piece.join('\n') + '\n'));
        piece = [];
        pieceBytes = 0;
      }
    }
    if (piece.length > 0) await writeInOrder(stream, Buffer.from(piece.join('\n') + '\n'));
    const trailer: PullTrailer = { end: true, rows: sent, more: sent < rows.length };
    stream.end(JSON.stringify(trailer) + '\n');
  }

  /** Reads chunk frames, verifies each, and stores them in bounded batches. */
  async function receiveChunks(
    stream: ServerHttp2Stream,
    headers: IncomingHttpHeaders,
    id: DeviceIdentity,
  ): Promise<number> {
    const declared = Number(headers['content-length']);
    if (Number.isFinite(declared) && declared > LIMITS.maxPutBodyBytes)
      throw tooLarge(LIMITS.maxPutBodyBytes);
    if (chunks.receive) return streamChunks(stream, chunks.receive(id.spaceId), id);
    const reader = new ChunkFrameReader(LIMITS.maxChunkBytes);
    let batch: ChunkInput[] = [];
    let batchBytes = 0;
    let total = 0;
    let stored = 0;
    const flush = async () => {
      if (batch.length === 0) return;
      const full = batch;
      await db(id, () => chunks.put(id.spaceId, full));
      stored += batch.length;
      batch = [];
      batchBytes = 0;
    };
    await eachPiece(stream, async (piece) => {
      total += piece.byteLength;
      if (total > LIMITS.maxPutBodyBytes) throw tooLarge(LIMITS.maxPutBodyBytes);
      for (const frame of reader.push(piece)) {
        // Never stored under the wrong hash: each chunk is hashed here, before storage.
        verifyChunk(frame);
        batch.push(frame);
        batchBytes += frame.data.byteLength;
        if (batchBytes >= 4 * 1024 * 1024) await flush();
      }
    });
    reader.finish();
    await flush();
    return stored;
  }

  /**
   * Chunk frames streamed on to a backend that stores a chunk without holding it whole (object
   * storage): it hashes each on the way and refuses one whose bytes are not its hash's. Named in
   * batches of a few MiB, as the whole-chunk path stores them.
   */
  async function streamChunks(
    stream: ServerHttp2Stream,
    receiver: ChunkReceiver,
    id: DeviceIdentity,
  ): Promise<number> {
    const parts = new ChunkFrameParts(LIMITS.maxChunkBytes);
    let total = 0;
    let received = 0;
    let unnamedBytes = 0;
    let size = 0;
    try {
      await eachPiece(stream, async (piece) => {
        total += piece.byteLength;
        if (total > LIMITS.maxPutBodyBytes) throw tooLarge(LIMITS.maxPutBodyBytes);
        for (const part of parts.push(piece)) {
          if (part.kind === 'head') {
            size = part.size;
            await receiver.begin(part.hash, part.size);
          } else if (part.kind === 'bytes') await receiver.write(part.data);
          else {
            await receiver.end();
            received += 1;
            unnamedBytes += size;
            if (unnamedBytes >= 4 * 1024 * 1024) {
              await db(id, () => receiver.commit());
              unnamedBytes = 0;
            }
          }
        }
      });
      parts.finish();
      await db(id, () => receiver.commit());
      return received;
    } catch (e) {
      await receiver.abort();
      throw e;
    }
  }

  async function sendChunks(
    stream: ServerHttp2Stream,
    id: DeviceIdentity,
    hashes: readonly string[],
  ): Promise<void> {
    stream.respond({ ':status': 200, 'content-type': 'application/octet-stream' });
    // Sizes first, then the bytes in groups of a few MiB: the hub holds one group at a time.
    const sized = await db(id, () => chunks.sizes(id.spaceId, hashes));
    for (const group of groupsOfBytes(sized, 4 * 1024 * 1024)) {
      // The database's part in the device's turn; the bytes flow outside it, streamed from the
      // backend (an object store's chunk is never held whole here).
      const opened = await db(id, () => chunks.open(id.spaceId, group));
      try {
        for (const chunk of opened.bodies) {
          await writeInOrder(stream, frameHeader(chunk.hash, chunk.size));
          for await (const piece of chunk.body) await writeInOrder(stream, piece);
        }
      } finally {
        opened.close();
      }
    }
    stream.end();
  }

  /**
   * A device of protocol 1 cannot catch up from file states: once the hub compacted its log
   * below that device's frontier, its pulls would leave gaps it never fills. Refused in words.
   */
  async function refuseBelowCompaction(id: DeviceIdentity, frontier: Frontier): Promise<void> {
    const compacted = await db(id, () => store.compactedThrough(id.spaceId));
    if (!Object.entries(compacted).some(([node, seq]) => (frontier[node] ?? 0) < seq)) return;
    throw new NetGuardianError(
      'ProtocolMismatch',
      `this hub no longer holds every change this device lacks (its history older than the window was compacted), and this device's NetGuardian cannot catch up from the hub's current state: update NetGuardian on the device`,
      PROTOCOL_HEADER,
    );
  }

  function protocolProblem(headers: IncomingHttpHeaders): NetGuardianError | undefined {
    const raw = headers[PROTOCOL_HEADER];
    const version = Number(Array.isArray(raw) ? raw[0] : raw);
    if (Number.isInteger(version) && version >= FIRST_SUPPORTED && version <= LAST_SUPPORTED)
      return undefined;
    return new NetGuardianError(
      'ProtocolMismatch',
      raw === undefined
        ? `this is a NetGuardian hub: requests must say which sync protocol they speak (${PROTOCOL_HEADER})`
        : `the device speaks sync protocol ${String(raw)} and this hub speaks ${FIRST_SUPPORTED}-${LAST_SUPPORTED}: update NetGuardian on the ${version > LAST_SUPPORTED ? 'hub' : 'device'}`,
      PROTOCOL_HEADER,
    );
  }

  /**
   * Credentials checked in the last few seconds, so a device's many requests (one per batch of
   * chunks) don't each cost a database query. A revocation clears its entries at once.
   */
  const checked = new Map<string, { identity: DeviceIdentity; until: number }>();
  async function knownCredential(credential: string): Promise<DeviceIdentity | undefined> {
    const now = Date.now();
    const hit = checked.get(credential);
    if (hit && hit.until > now) return hit.identity;
    const identity = await accounts.authenticate(credential);
    if (checked.size >= 10_000) checked.clear();
    if (identity) checked.set(credential, { identity, until: now + AUTH_CACHE_MS });
    else checked.delete(credential);
    return identity;
  }
  const forgetKey = (keyId: string) => {
    for (const [credential, entry] of checked)
      if (entry.identity.keyId === keyId) checked.delete(credential);
  };

  async function authenticate(
    stream: ServerHttp2Stream,
    headers: IncomingHttpHeaders,
  ): Promise<DeviceIdentity> {
    const auth = headers.authorization;
    const credential = typeof auth === 'string' && auth.startsWith('Bearer ') ? auth.slice(7) : '';
    const identity = credential ? await knownCredential(credential) : undefined;
    if (!identity) throw new NetGuardianError('AccessDenied', NOT_PAIRED_SENTENCE, 'authorization');
    const bound = limits.bind(stream.session as ServerHttp2Session, identity);
    if (bound === 'other-device')
      throw new NetGuardianError(
        'AccessDenied',
        'this connection belongs to another device: each device uses its own connection',
        'authorization',
      );
    if (bound === 'full')
      throw new NetGuardianError(
        'RateLimited',
        `device ${identity.deviceName} already holds its share of connections to the hub`,
        'connections',
      );
    const now = Date.now();
    if ((lastSeen.get(identity.keyId) ?? 0) + SEEN_EVERY_MS < now) {
      lastSeen.set(identity.keyId, now);
      accounts.noteSeen(identity.keyId).catch(() => undefined);
    }
    return identity;
  }

  async function pair(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): Promise<void> {
    const address = stream.session?.socket?.remoteAddress ?? 'unknown';
    // Failed attempts are counted: a device with a good invite always gets through.
    if (options.pairing.blocked(address))
      throw new NetGuardianError(
        'RateLimited',
        'too many pairing attempts from this address: wait a few minutes and try again',
        'pair',
      );
    const parsed = pairRequestSchema.safeParse(await readJsonSmall(stream, headers));
    if (!parsed.success) {
      options.pairing.attempt(address);
      throw new NetGuardianError('InvalidArgument', 'the pairing request is malformed', 'pair');
    }
    const result = await accounts.redeemInvite(parsed.data);
    if (!result.ok) {
      options.pairing.attempt(address);
      throw result.error;
    }
    log.info(
      { device: result.value.identity.deviceName, space: result.value.identity.spaceId },
      'device paired',
    );
    sendJson(stream, 200, {
      spaceId: result.value.identity.spaceId,
      nodeId: result.value.identity.nodeId,
      credential: result.value.credential,
      hubId: options.hubId,
    });
  }

  const readJsonSmall = async (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => {
    try {
      return JSON.parse((await readBody(stream, headers, 4096)).toString('utf8')) as unknown;
    } catch (e) {
      if (isNetGuardianError(e)) throw e;
      throw new NetGuardianError('InvalidArgument', 'the request body is not JSON', 'body');
    }
  };

  server.on('stream', (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => {
    stream.on('error', () => undefined);
    stream.setTimeout(idleStreamMs, () => stream.close(h2.NGHTTP2_CANCEL));
    void (async () => {
      const method = String(headers[':method']);
      const path = String(headers[':path']);
      if (method === 'GET' && path === ROUTES.hello) {
        const hello: Hello = {
          minProtocol: FIRST_SUPPORTED,
          maxProtocol: LAST_SUPPORTED,
          hubId: options.hubId,
        };
        sendJson(stream, 200, hello);
        return;
      }
      const mismatch = protocolProblem(headers);
      if (mismatch) throw mismatch;
      if (method === 'POST' && path === ROUTES.pair) return pair(stream, headers);
      const handler = handlers.get(`${method} ${path}`);
      if (!handler)
        throw new NetGuardianError('NotFound', `no such request: ${method} ${path}`, 'path');
      const identity = await authenticate(stream, headers);
      // A body the hub reads is memory it holds: a device has a few under way at most.
      // Closed while its credential was checked (the device gave up): nothing to answer, and a
      // slot taken now would never be given back ('close' has fired already).
      if (stream.closed || stream.destroyed) return;
      if (method === 'POST') {
        if (!bodySlots.take(identity.keyId))
          throw new NetGuardianError(
            'RateLimited',
            `device ${identity.deviceName} already has ${MAX_BODIES_PER_DEVICE} requests with a body under way: wait for them to finish`,
            'requests',
          );
        stream.once('close', () => bodySlots.give(identity.keyId));
      }
      await handler(stream, headers, identity);
    })().catch((e: unknown) => {
      const error = asProtocolError(e);
      if (error.code === 'StoreError') log.error({ error: String(e) }, 'request failed');
      sendError(stream, error);
    });
  });

  let stopRevocations: Unlisten | undefined;
  let stopNotices: Unlisten | undefined;
  return {
    async listen(host, port) {
      stopRevocations = await options.onRevoked?.((keyId) => {
        forgetKey(keyId);
        const closed = limits.closeDevice(keyId);
        log.info({ keyId, closed }, 'device revoked: its connections closed');
      });
      // PostgreSQL says when any hub process of this hub stored events (the append NOTIFYs at
      // its commit, see EventStore.append): only that space's devices hear it, whichever
      // process they are connected to. Devices never see PostgreSQL.
      stopNotices = await listenSteadily(
        (onLost) => store.listen((spaceId) => live.announce(spaceId), onLost),
        () => live.announceAll(),
        log,
        'events',
      );
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      const address = server.address() as AddressInfo;
      log.info({ host: address.address, port: address.port }, 'hub service listening');
      return { host: address.address, port: address.port };
    },
    stats: () => ({
      sessions: limits.open,
      strangers: limits.strangers,
      handshakes: handshakes.size,
      live: live.size,
    }),
    async close() {
      closing = true;
      live.close();
      await stopNotices?.().catch(() => undefined);
      await stopRevocations?.().catch(() => undefined);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      limits.closeAll();
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

/** Chunks in groups that add up to about `maxBytes` (a larger chunk goes alone). */
function* groupsOfBytes(sized: readonly ChunkSize[], maxBytes: number): Generator<ChunkSize[]> {
  let group: ChunkSize[] = [];
  let bytes = 0;
  for (const chunk of sized) {
    if (group.length > 0 && bytes + chunk.size > maxBytes) {
      yield group;
      group = [];
      bytes = 0;
    }
    group.push(chunk);
    bytes += chunk.size;
  }
  if (group.length > 0) yield group;
}

/** Any failure as the error the device reads: schema failures name their field. */
function asProtocolError(e: unknown): NetGuardianError {
  if (isNetGuardianError(e)) return e;
  const issues = (e as { issues?: { path: PropertyKey[]; message: string }[] }).issues;
  if (Array.isArray(issues) && issues[0]) {
    const field = issues[0].path.map(String).join('.') || 'body';
    return new NetGuardianError(
      'InvalidArgument',
      `request field ${field}: ${issues[0].message}`,
      field,
    );
  }
  // lock_not_available, query_canceled (a lock or statement timeout): busy, not broken.
  const sqlState = (e as { code?: unknown }).code;
  if (sqlState === '55P03' || sqlState === '57014')
    return new NetGuardianError(
      'StoreError',
      'the hub was too busy to answer in time; the device tries again at its next sync',
    );
  return new NetGuardianError('StoreError', 'the hub could not answer (see its log)');
}
