import { z } from 'zod';
import { decodeHlc } from '../crdt/hlc.js';
import { NetGuardianError } from '../errors.js';
import type { Json } from '../json.js';
import { ID_PATTERN, utf8Length, validateEntityPath } from '../paths.js';
import { err, ok, type Result } from '../result.js';
import type { CrdtEvent } from './event.js';
import { fromStoredType, STORED_TYPE_NAMES, toStoredType } from './eventTypes.js';

/** Largest `data` payload accepted, as UTF-8 JSON text. */
export const MAX_DATA_BYTES = 1024 * 1024;
const MAX_FIELDS = 256;
const MAX_CHUNKS = 1_000_000;

export const idSchema = z
  .string()
  .regex(ID_PATTERN, 'must be 1-64 letters, digits, ".", "_" or "-"');
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a lowercase hex SHA-256');
const size = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

export const jsonValueSchema: z.ZodType<Json> = z.lazy(() =>
  z.union([
    z.null(),
    z.boolean(),
    z.number(),
    z.string(),
    z.array(jsonValueSchema),
    z.record(z.string(), jsonValueSchema),
  ]),
);

const chunkRef = z.strictObject({ hash: sha256, size });
export const contentRefSchema = z.strictObject({
  hash: sha256,
  size,
  chunks: z.array(chunkRef).max(MAX_CHUNKS).optional(),
});

const eventData = z.strictObject({
  content: contentRefSchema.nullable().optional(),
  fields: z
    .record(z.string().min(1).max(128), jsonValueSchema)
    .refine((f) => Object.keys(f).length <= MAX_FIELDS, `at most ${MAX_FIELDS} fields`)
    .optional(),
  resolves: z.array(z.string().min(1).max(128)).max(10_000).optional(),
});

export const vectorClockSchema = z
  .record(idSchema, z.number().int().positive().max(Number.MAX_SAFE_INTEGER))
  .refine((vc) => Object.keys(vc).length <= 10_000, 'too many devices in vector clock');

/**
 * The wire and row form of an event: the columns of `crdt_events` by name.
 * Every event that crosses a boundary (from a peer, from a store, from the
 * API) is parsed through `parseEvent`.
 */
export const eventWireSchema = z.strictObject({
  event_id: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9:._-]{0,127}$/, 'must be 1-128 characters of [A-Za-z0-9:._-]'),
  space_id: idSchema,
  entity_id: z.string(),
  event_type: z.string(),
  data: z.unknown(),
  timestamp: z.iso.datetime({ offset: true }),
  hlc: z.string().max(200),
  node_id: idSchema,
  seq: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  vector_clock: vectorClockSchema,
});

export type EventWire = z.input<typeof eventWireSchema>;

function fieldOf(issue: z.core.$ZodIssue): string {
  // An unknown key is reported on its parent object; name the key itself.
  const path =
    issue.code === 'unrecognized_keys' ? [...issue.path, ...issue.keys.slice(0, 1)] : issue.path;
  return path.map(String).join('.') || '(event)';
}

const invalid = (
  message: string,
  field: string,
  code: 'InvalidEvent' | 'UnknownEventType' | 'PayloadTooLarge' = 'InvalidEvent',
) => err(new NetGuardianError(code, message, field));

/** Validates a wire-form event. The error names the offending field. */
export function parseEvent(input: unknown): Result<CrdtEvent, NetGuardianError> {
  const fast = parsePlainEvent(input);
  return fast ? ok(fast) : parseEventWithSchema(input);
}

/** `parseEvent` by the schema alone: the reference `parsePlainEvent` is tested against. */
export function parseEventWithSchema(input: unknown): Result<CrdtEvent, NetGuardianError> {
  const parsed = eventWireSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0] as z.core.$ZodIssue;
    const field = fieldOf(issue);
    return invalid(`event field ${field}: ${issue.message}`, field);
  }
  const w = parsed.data;
  const kind = fromStoredType(w.event_type);
  if (!kind) {
    return invalid(
      `event_type ${JSON.stringify(w.event_type)} is not one of ${STORED_TYPE_NAMES.join(', ')}`,
      'event_type',
      'UnknownEventType',
    );
  }
  const path = validateEntityPath(w.entity_id);
  if (!path.ok) return err(new NetGuardianError('InvalidPath', path.error.message, 'entity_id'));

  const dataBytes = utf8Length(JSON.stringify(w.data) ?? '');
  if (dataBytes > MAX_DATA_BYTES) {
    return invalid(
      `event field data is ${dataBytes} bytes, over the ${MAX_DATA_BYTES}-byte limit`,
      'data',
      'PayloadTooLarge',
    );
  }
  const data = eventData.safeParse(w.data ?? {});
  if (!data.success) {
    const issue = data.error.issues[0] as z.core.$ZodIssue;
    const field = `data.${fieldOf(issue)}`.replace(/\.\(event\)$/, '');
    return invalid(`event field ${field}: ${issue.message}`, field);
  }
  const hlc = decodeHlc(w.hlc);
  if (!hlc.ok) return err(hlc.error);
  if (hlc.value.nodeId !== w.node_id)
    return invalid(`hlc node "${hlc.value.nodeId}" differs from node_id "${w.node_id}"`, 'hlc');
  if ((w.vector_clock[w.node_id] ?? 0) < 1) {
    return invalid(`vector_clock has no entry for its own node "${w.node_id}"`, 'vector_clock');
  }
  const shape = checkShape(kind, data.data);
  if (!shape.ok) return shape;

  return ok({
    eventId: w.event_id,
    spaceId: w.space_id,
    entityId: w.entity_id,
    kind,
    data: data.data,
    timestamp: new Date(w.timestamp).toISOString(),
    hlc: w.hlc,
    nodeId: w.node_id,
    seq: w.seq,
    vectorClock: w.vector_clock,
  });
}

// ---- the fast path ---------------------------------------------------------
//
// parseEvent runs for every event a device writes or takes in, and the schema costs tens of
// microseconds an event (a sync batch of thousands pays it thousands of times). parsePlainEvent
// accepts the common case, a plainly well-formed event as our own stores and peers send it, with
// hand-written checks, each at least as strict as the schema's (plain objects only, no undefined
// values, the exact toISOString timestamp form, ...), and gives back what the schema would (fresh
// objects, in the schema's key order). Anything else, valid or not, it leaves to the schema
// (returns undefined), which then decides and words the error. So it changes no outcome, only the
// time; eventSchemaFast.unit.test.ts checks that against the schema.

const WIRE_KEYS = new Set(Object.keys(eventWireSchema.shape));
const EVENT_ID = /^[A-Za-z0-9][A-Za-z0-9:._-]{0,127}$/;
const SHA256 = /^[0-9a-f]{64}$/;
/** What `Date.prototype.toISOString` gives for years 0000-9999 (a subset of RFC 3339). */
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
/** Deeper metadata is rare; the schema (recursive, like this) takes it. */
const MAX_PLAIN_DEPTH = 32;
/** "Leave it to the schema." */
const DEFER = Symbol('defer');

type Plain = Readonly<Record<string, unknown>>;

const isPlainObject = (v: unknown): v is Plain => {
  if (typeof v !== 'object' || v === null) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

const isSize = (v: unknown): v is number =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** Whether every own key of `o` is one of `keys` (and none is `__proto__`). */
const onlyKeys = (o: Plain, keys: readonly string[]): boolean =>
  Object.keys(o).every((k) => keys.includes(k));

/** The fast path of `parseEvent` (exported for its test): the event, or undefined to ask the schema. */
export function parsePlainEvent(input: unknown): CrdtEvent | undefined {
  if (!isPlainObject(input)) return undefined;
  const keys = Object.keys(input);
  if (keys.length !== WIRE_KEYS.size || !keys.every((k) => WIRE_KEYS.has(k))) return undefined;
  const { event_id, space_id, entity_id, event_type, data, timestamp, hlc, node_id, seq } = input;
  if (typeof event_id !== 'string' || !EVENT_ID.test(event_id)) return undefined;
  if (typeof space_id !== 'string' || !ID_PATTERN.test(space_id)) return undefined;
  if (typeof node_id !== 'string' || !ID_PATTERN.test(node_id)) return undefined;
  if (typeof event_type !== 'string') return undefined;
  const kind = fromStoredType(event_type);
  if (!kind) return undefined;
  if (typeof entity_id !== 'string' || !validateEntityPath(entity_id).ok) return undefined;
  if (typeof timestamp !== 'string' || !ISO_UTC.test(timestamp)) return undefined;
  const at = new Date(timestamp);
  if (Number.isNaN(at.getTime()) || at.toISOString() !== timestamp) return undefined;
  if (typeof hlc !== 'string' || hlc.length > 200) return undefined;
  const decoded = decodeHlc(hlc);
  if (!decoded.ok || decoded.value.nodeId !== node_id) return undefined;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) return undefined;
  const vectorClock = plainClock(input.vector_clock);
  if (!vectorClock || (vectorClock[node_id] ?? 0) < 1) return undefined;
  const plainData = plainEventData(data);
  if (!plainData) return undefined;
  // Only JSON values are left, so this cannot throw; 3 bytes per UTF-16 unit bound the UTF-8 size.
  const json = JSON.stringify(plainData);
  if (json.length * 3 > MAX_DATA_BYTES && utf8Length(json) > MAX_DATA_BYTES) return undefined;
  if (!checkShape(kind, plainData).ok) return undefined;
  return {
    eventId: event_id,
    spaceId: space_id,
    entityId: entity_id,
    kind,
    data: plainData,
    timestamp,
    hlc,
    nodeId: node_id,
    seq,
    vectorClock,
  };
}

function plainClock(v: unknown): Record<string, number> | undefined {
  if (!isPlainObject(v)) return undefined;
  const keys = Object.keys(v);
  if (keys.length > 10_000) return undefined;
  const out: Record<string, number> = {};
  for (const k of keys) {
    const n = v[k];
    if (!ID_PATTERN.test(k) || typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1)
      return undefined;
    out[k] = n;
  }
  return out;
}

function plainEventData(v: unknown): z.infer<typeof eventData> | undefined {
  if (!isPlainObject(v) || !onlyKeys(v, ['content', 'fields', 'resolves'])) return undefined;
  // Built in the schema's key order, as the schema builds its output.
  const out: {
    content?: z.infer<typeof contentRefSchema> | null;
    fields?: Record<string, Json>;
    resolves?: string[];
  } = {};
  if ('content' in v) {
    if (v.content === null) out.content = null;
    else {
      const content = plainContent(v.content);
      if (!content) return undefined;
      out.content = content;
    }
  }
  if ('fields' in v) {
    const f = v.fields;
    if (!isPlainObject(f)) return undefined;
    const keys = Object.keys(f);
    if (keys.length > MAX_FIELDS) return undefined;
    const fields: Record<string, Json> = {};
    for (const k of keys) {
      if (k.length < 1 || k.length > 128 || k === '__proto__') return undefined;
      const value = plainJson(f[k], 0);
      if (value === DEFER) return undefined;
      fields[k] = value;
    }
    out.fields = fields;
  }
  if ('resolves' in v) {
    const r = v.resolves;
    if (!Array.isArray(r) || r.length > 10_000) return undefined;
    const resolves: string[] = [];
    for (let i = 0; i < r.length; i++) {
      const id: unknown = r[i];
      if (typeof id !== 'string' || id.length < 1 || id.length > 128) return undefined;
      resolves.push(id);
    }
    out.resolves = resolves;
  }
  return out;
}

function plainContent(v: unknown): z.infer<typeof contentRefSchema> | undefined {
  if (!isPlainObject(v) || !onlyKeys(v, ['hash', 'size', 'chunks'])) return undefined;
  const { hash, size } = v;
  if (typeof hash !== 'string' || !SHA256.test(hash) || !isSize(size)) return undefined;
  if (!('chunks' in v)) return { hash, size };
  const c = v.chunks;
  if (!Array.isArray(c) || c.length > MAX_CHUNKS) return undefined;
  const chunks: { hash: string; size: number }[] = [];
  for (let i = 0; i < c.length; i++) {
    const chunk: unknown = c[i];
    if (!isPlainObject(chunk) || !onlyKeys(chunk, ['hash', 'size'])) return undefined;
    if (typeof chunk.hash !== 'string' || !SHA256.test(chunk.hash) || !isSize(chunk.size))
      return undefined;
    chunks.push({ hash: chunk.hash, size: chunk.size });
  }
  return { hash, size, chunks };
}

/** A copy of a JSON value, or DEFER for anything else (undefined, NaN, class instances, depth). */
function plainJson(v: unknown, depth: number): Json | typeof DEFER {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : DEFER;
  if (depth >= MAX_PLAIN_DEPTH) return DEFER;
  if (Array.isArray(v)) {
    const out: Json[] = [];
    for (let i = 0; i < v.length; i++) {
      const item = plainJson(v[i], depth + 1);
      if (item === DEFER) return DEFER;
      out.push(item);
    }
    return out;
  }
  if (!isPlainObject(v)) return DEFER;
  const out: Record<string, Json> = {};
  for (const k of Object.keys(v)) {
    if (k === '__proto__') return DEFER;
    const item = plainJson(v[k], depth + 1);
    if (item === DEFER) return DEFER;
    out[k] = item;
  }
  return out;
}

/** Per-kind rules for which parts of `data` must or must not be present. */
function checkShape(
  kind: CrdtEvent['kind'],
  data: z.infer<typeof eventData>,
): Result<true, NetGuardianError> {
  switch (kind) {
    case 'FileCreated':
      return data.content ? ok(true) : invalid('file_created needs data.content', 'data.content');
    case 'FileUpdated':
      if (data.content === null)
        return invalid(
          'file_updated cannot set data.content to null (use file_deleted)',
          'data.content',
        );
      return data.content || data.fields
        ? ok(true)
        : invalid('file_updated needs data.content or data.fields', 'data');
    case 'FileDeleted':
      return data.content === undefined
        ? ok(true)
        : invalid('file_deleted cannot carry data.content', 'data.content');
    case 'ConflictResolved':
      return data.content === undefined
        ? invalid(
            'conflict_resolved needs data.content (null to resolve to deleted)',
            'data.content',
          )
        : ok(true);
    default: {
      const never: never = kind;
      throw new Error(`unhandled kind ${String(never)}`);
    }
  }
}

/** The wire form of a validated event (inverse of `parseEvent`). */
export function toWire(e: CrdtEvent): EventWire {
  return {
    event_id: e.eventId,
    space_id: e.spaceId,
    entity_id: e.entityId,
    event_type: toStoredType(e.kind),
    data: e.data,
    timestamp: e.timestamp,
    hlc: e.hlc,
    node_id: e.nodeId,
    seq: e.seq,
    vector_clock: e.vectorClock,
  };
}
