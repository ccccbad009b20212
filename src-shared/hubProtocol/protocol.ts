/**
 * The sync protocol between a device and its hub, defined once: both sides import these paths,
 * limits and schemas. It is HTTP/2 over TLS; the device pins the hub's certificate by its SHA-256
 * fingerprint (from the invite), so no certificate authority is involved.
 *
 * Every request carries `PROTOCOL_HEADER` with the device's `PROTOCOL_VERSION`; a hub that cannot
 * speak it answers 426 with a `ProtocolMismatch` error saying which versions it speaks. Every
 * request but `hello` and `pair` carries `authorization: Bearer <device credential>`.
 *
 * Requests and answers are JSON, except where bytes or many rows travel:
 * - pulled events come as NDJSON, one event row per line, then one `PullTrailer` line;
 * - chunks travel as binary frames (`chunkFrames.ts`): no base64, no JSON.
 *
 * Errors are JSON `{ error: { code, message, field? } }` with an HTTP status (`ErrorBody`).
 */
import { z } from 'zod';
import { ERROR_CODES } from '../errors.js';

/**
 * The version this build speaks. A hub speaks a range; a device exactly one. 2: the frontier
 * answer says what the hub compacted (`compacted`) and the hub serves its file states
 * (`snapshots`), so a device can catch up past a compacted log; a hub still serves a version-1
 * device until that device would need to catch up.
 */
export const PROTOCOL_VERSION = 2;
/** The oldest version a hub of this build still serves. */
export const OLDEST_PROTOCOL_VERSION = 1;
export const PROTOCOL_HEADER = 'netguardian-protocol';
/** ALPN: HTTP/2 only (no fallback to HTTP/1.1, whose one-request-per-connection would not do). */
export const ALPN = 'h2';

export const ROUTES = {
  /** GET, no credential: `Hello`. What a device asks first, and what pairing checks. */
  hello: '/v1/hello',
  /** POST `PairRequest` → `PairAnswer`, no credential (the invite's secret is the credential). */
  pair: '/v1/pair',
  /** GET → `FrontierAnswer`: the hub's frontier of the device's space. */
  frontier: '/v1/frontier',
  /** POST `CountRequest` → `CountAnswer`: events above a frontier (progress estimates). */
  count: '/v1/events/count',
  /** POST `PullRequest` → NDJSON event rows, then a `PullTrailer` line. */
  pull: '/v1/events/pull',
  /** POST `PushRequest` → `PushAnswer`. Only the device's own events. */
  push: '/v1/events/push',
  /**
   * POST `SnapshotsRequest` → NDJSON entity states (the snapshot's plain form) in entity id
   * order, then a `PullTrailer` line: how a device catches up past a compacted log.
   */
  snapshots: '/v1/snapshots',
  /** GET → `OwnMaxAnswer`: the highest seq the hub holds of this device. */
  ownMax: '/v1/own/max',
  /** POST `OwnAtRequest` → `OwnAtAnswer`: the id of this device's event with that seq. */
  ownAt: '/v1/own/at',
  /** POST `OwnReadRequest` → NDJSON rows of this device's own events above a seq, then a trailer. */
  ownRead: '/v1/own/read',
  /** POST `ChunkHashes` → `ChunkHashes`: which of these the hub lacks. */
  chunksMissing: '/v1/chunks/missing',
  /** POST binary chunk frames → `PutChunksAnswer`. Each chunk's hash and size are verified. */
  chunksPut: '/v1/chunks/put',
  /** POST `ChunkHashes` → binary chunk frames of the chunks the hub holds (absent ones left out). */
  chunksGet: '/v1/chunks/get',
  /**
   * GET → an endless NDJSON stream of `LiveMessage`s: "new events in your space", and a ping
   * every `LIVE_PING_MS`. While it is open the device counts as online (presence).
   */
  live: '/v1/live',
  /**
   * GET → `DevicesAnswer`: the devices paired in the caller's own space (removed ones left out),
   * with the hub's presence. A device never sees another space's devices. A hub older than this
   * route answers 404 `NotFound`; the device then shows what it knows itself.
   */
  devices: '/v1/devices',
  /**
   * POST `DeviceNameRequest` → `DeviceNameAnswer`: the calling device renamed itself; the hub
   * keeps the name other devices see in `devices`. Only the caller's own name, never another's.
   */
  deviceName: '/v1/devices/name',
  /**
   * GET → `HubAddressesAnswer`: where the hub's processes are reached now (several processes of
   * one hub share its database and its certificate). A device whose address stops answering tries
   * these, with the same pinned certificate. A hub older than this route answers 404 `NotFound`.
   */
  hubAddresses: '/v1/hub-addresses',
} as const;

export const LIMITS = {
  /** A JSON request body (push included). The device splits its pushes below it. */
  maxJsonBodyBytes: 8 * 1024 * 1024,
  /** Events one push may carry. */
  maxPushEvents: 2_000,
  /** Rows one pull answer carries at most, and its bytes (the last row may cross it). */
  maxPullRows: 2_000,
  maxPullBytes: 4 * 1024 * 1024,
  /** One chunk (the chunker's largest is far below; see core/files/fastCdc.ts). */
  maxChunkBytes: 16 * 1024 * 1024,
  /** Hashes one missing/get request may name. */
  maxHashesPerRequest: 10_000,
  /** Bytes one chunk-put request may carry. */
  maxPutBodyBytes: 64 * 1024 * 1024,
  /** JSON nesting depth of an event (checked without recursion before it is parsed). */
  maxJsonDepth: 64,
} as const;

/** The live stream pings this often, so both sides notice a dead connection. */
export const LIVE_PING_MS = 20_000;

const hexSha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a lowercase hex SHA-256');
const nodeId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/);
const seq = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

export const frontierSchema = z
  .record(nodeId, seq)
  .refine((f) => Object.keys(f).length <= 100_000, 'too many origins');

export const helloSchema = z.strictObject({
  /** Versions this hub speaks, inclusive. */
  minProtocol: z.number().int(),
  maxProtocol: z.number().int(),
  /** The hub's id (stable across restarts), so a device can tell it talks to the hub it paired with. */
  hubId: z.string(),
});
export type Hello = z.infer<typeof helloSchema>;

export const pairRequestSchema = z.strictObject({
  /** The invite's one-time secret. */
  secret: z.string().min(16).max(200),
  /** The device's node id: the credential is bound to it. */
  nodeId,
  deviceName: z.string().min(1).max(64),
});
export type PairRequest = z.infer<typeof pairRequestSchema>;

export const pairAnswerSchema = z.strictObject({
  spaceId: z.string(),
  nodeId,
  /** The device credential: shown once, the hub keeps only its hash. */
  credential: z.string().min(16).max(300),
  hubId: z.string(),
});
export type PairAnswer = z.infer<typeof pairAnswerSchema>;

export const frontierAnswerSchema = z.strictObject({
  frontier: frontierSchema,
  /**
   * Per origin, the highest seq the hub no longer holds as an event (its log was compacted): a
   * device whose frontier is below it catches up from `snapshots` first. Absent: nothing.
   */
  compacted: frontierSchema.optional(),
});

/** Entity states a snapshot page carries at most. */
export const MAX_SNAPSHOT_ROWS = 500;

export const snapshotsRequestSchema = z.strictObject({
  /** The last entity id of the page before ('' for the first page). */
  after: z.string().max(8_192),
  limit: z.number().int().positive().max(MAX_SNAPSHOT_ROWS),
});
export type SnapshotsRequest = z.infer<typeof snapshotsRequestSchema>;
export const countRequestSchema = z.strictObject({ frontier: frontierSchema });
export const countAnswerSchema = z.strictObject({ count: z.number().int().nonnegative() });

export const pullRequestSchema = z.strictObject({
  frontier: frontierSchema,
  /** Rows wanted at most (the hub may send fewer, bounded by `LIMITS`). */
  limit: z.number().int().positive().max(LIMITS.maxPullRows),
});
export type PullRequest = z.infer<typeof pullRequestSchema>;

/** The last NDJSON line of a pull (and own-read) answer. */
export const pullTrailerSchema = z.strictObject({
  end: z.literal(true),
  /** Rows sent in this answer (a cut stream is told apart from a complete one). */
  rows: z.number().int().nonnegative(),
  /** Whether more rows were left out for the byte bound (ask again from the new frontier). */
  more: z.boolean(),
});
export type PullTrailer = z.infer<typeof pullTrailerSchema>;

export const pushRequestSchema = z.strictObject({
  /** Event rows in wire form (`eventWireSchema`), validated one by one on the hub. */
  events: z.array(z.unknown()).max(LIMITS.maxPushEvents),
});

const refusedEventSchema = z.strictObject({
  /** The event's id when it had a readable one. */
  eventId: z.string().nullable(),
  index: z.number().int().nonnegative(),
  code: z.enum(ERROR_CODES),
  message: z.string(),
  field: z.string().optional(),
});
export type RefusedEvent = z.infer<typeof refusedEventSchema>;

export const pushAnswerSchema = z.strictObject({
  /** Event ids the hub stored now. */
  inserted: z.array(z.string()),
  /** Events the hub already held (same id): no-ops. */
  duplicates: z.number().int().nonnegative(),
  /** Events whose (origin, seq) the hub holds with another event id. */
  seqConflicts: z.array(z.strictObject({ eventId: z.string(), nodeId, seq })),
  /** Events the hub refused, by reason; nothing of them was stored. */
  refused: z.array(refusedEventSchema),
});
export type PushAnswer = z.infer<typeof pushAnswerSchema>;

export const ownMaxAnswerSchema = z.strictObject({ maxSeq: seq });
export const ownAtRequestSchema = z.strictObject({ seq: seq });
export const ownAtAnswerSchema = z.strictObject({ eventId: z.string().nullable() });
export const ownReadRequestSchema = z.strictObject({
  after: seq,
  limit: z.number().int().positive().max(LIMITS.maxPullRows),
});

export const chunkHashesSchema = z.strictObject({
  hashes: z.array(hexSha256).max(LIMITS.maxHashesPerRequest),
});
export type ChunkHashes = z.infer<typeof chunkHashesSchema>;

export const putChunksAnswerSchema = z.strictObject({
  /** Chunks stored now (known ones count as stored). */
  stored: z.number().int().nonnegative(),
});

/** Devices one space may list at most (far above any real space; bounds the answer). */
export const MAX_LISTED_DEVICES = 10_000;

export const listedDeviceSchema = z.strictObject({
  nodeId,
  deviceName: z.string().min(1).max(64),
  /** When it paired (ISO 8601, UTC). */
  pairedAt: z.string(),
  /** Its last request to the hub (ISO 8601, UTC; written at most every 30 s), null if none. */
  lastSeen: z.string().nullable(),
  /** Its live stream is open now: it hears of new changes at once. */
  online: z.boolean(),
});
export type ListedDevice = z.infer<typeof listedDeviceSchema>;

export const devicesAnswerSchema = z.strictObject({
  devices: z.array(listedDeviceSchema).max(MAX_LISTED_DEVICES),
});
export type DevicesAnswer = z.infer<typeof devicesAnswerSchema>;

export const hubAddressesAnswerSchema = z.strictObject({
  /** host:port each, at most 16. */
  addresses: z.array(z.string().min(1).max(300)).max(16),
});
export type HubAddressesAnswer = z.infer<typeof hubAddressesAnswerSchema>;

export const deviceNameRequestSchema = z.strictObject({ deviceName: z.string().min(1).max(64) });
/** The name as the hub keeps it now. */
export const deviceNameAnswerSchema = z.strictObject({ deviceName: z.string() });

export const liveMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('events') }),
  z.strictObject({ type: z.literal('ping') }),
]);
export type LiveMessage = z.infer<typeof liveMessageSchema>;

export const errorBodySchema = z.strictObject({
  error: z.strictObject({
    code: z.enum(ERROR_CODES),
    message: z.string(),
    field: z.string().optional(),
  }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;
