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

const id = z.string().regex(ID_PATTERN, 'must be 1-64 letters, digits, ".", "_" or "-"');
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a lowercase hex SHA-256');
const size = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

const jsonValue: z.ZodType<Json> = z.lazy(() =>
  z.union([
    z.null(),
    z.boolean(),
    z.number(),
    z.string(),
    z.array(jsonValue),
    z.record(z.string(), jsonValue),
  ]),
);

const chunkRef = z.strictObject({ hash: sha256, size });
const contentRef = z.strictObject({
  hash: sha256,
  size,
  chunks: z.array(chunkRef).max(MAX_CHUNKS).optional(),
});

const eventData = z.strictObject({
  content: contentRef.nullable().optional(),
  fields: z
    .record(z.string().min(1).max(128), jsonValue)
    .refine((f) => Object.keys(f).length <= MAX_FIELDS, `at most ${MAX_FIELDS} fields`)
    .optional(),
  resolves: z.array(z.string().min(1).max(128)).max(10_000).optional(),
});

const vectorClock = z
  .record(id, z.number().int().positive().max(Number.MAX_SAFE_INTEGER))
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
  space_id: id,
  entity_id: z.string(),
  event_type: z.string(),
  data: z.unknown(),
  timestamp: z.iso.datetime({ offset: true }),
  hlc: z.string().max(200),
  node_id: id,
  seq: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  vector_clock: vectorClock,
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
