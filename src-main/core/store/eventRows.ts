import type { CrdtEvent, EventData } from '../../../src-shared/events/event.js';
import { parseEvent, toWire, type EventWire } from '../../../src-shared/events/eventSchema.js';
import { fromStoredType } from '../../../src-shared/events/eventTypes.js';
import type { VectorClockJson } from '../../../src-shared/crdt/vectorClock.js';

/** A row of `crdt_events` as json_agg renders it (timestamps as text, bigints as numbers). */
export interface EventRow {
  readonly id?: number;
  readonly event_id: string;
  readonly space_id: string;
  readonly entity_id: string;
  readonly event_type: string;
  readonly data: unknown;
  readonly timestamp: string;
  readonly hlc: string;
  readonly node_id: string;
  readonly seq: number;
  readonly vector_clock: unknown;
}

/** The wire form of a row, for validation (drops the local `id`). */
export function rowToWire(row: EventRow): EventWire {
  return {
    event_id: row.event_id,
    space_id: row.space_id,
    entity_id: row.entity_id,
    event_type: row.event_type,
    data: row.data,
    timestamp: new Date(row.timestamp).toISOString(),
    hlc: row.hlc,
    node_id: row.node_id,
    seq: Number(row.seq),
    vector_clock: row.vector_clock as VectorClockJson,
  };
}

/** A UTC timestamptz as json_agg renders it, with milliseconds: `2026-01-15T12:00:00.123+00:00`. */
const RENDERED_UTC_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+00:00$/;

/**
 * `new Date(rendered).toISOString()` for a timestamp our store rendered, without the Date round
 * trip in the common case (a valid UTC time with milliseconds, as every stored event's is): the
 * same text with `Z` for the offset. Anything else goes through Date.
 */
function storedTimestampToIso(rendered: string): string {
  return RENDERED_UTC_MS.test(rendered)
    ? `${rendered.slice(0, 23)}Z`
    : new Date(rendered).toISOString();
}

/**
 * Maps a row of our own store, whose events were validated on the way in, to
 * an event without re-validating (the rebuild path reads 100,000s of them).
 * An unknown stored type here means the store was written by newer code.
 */
export function trustedRowToEvent(row: EventRow): CrdtEvent {
  const kind = fromStoredType(row.event_type);
  if (!kind)
    throw new Error(
      `stored event ${row.event_id} has unknown type ${row.event_type}; is this store from a newer NetGuardian?`,
    );
  return {
    eventId: row.event_id,
    spaceId: row.space_id,
    entityId: row.entity_id,
    kind,
    data: row.data as EventData,
    timestamp: storedTimestampToIso(row.timestamp),
    hlc: row.hlc,
    nodeId: row.node_id,
    seq: Number(row.seq),
    vectorClock: row.vector_clock as VectorClockJson,
  };
}

/**
 * Validates a row that came from a peer's store. Only the local `id` is dropped
 * and the driver's rendering normalized; any other field stays, so the strict
 * schema refuses unknown fields instead of silently ignoring them.
 */
export function untrustedRowToEvent(row: EventRow) {
  const { id: _localId, ...wire } = row;
  const at = new Date(row.timestamp);
  return parseEvent({
    ...wire,
    timestamp: Number.isNaN(at.getTime()) ? row.timestamp : at.toISOString(),
    seq: Number(row.seq),
  });
}

export const eventToRow = (e: CrdtEvent): EventWire => toWire(e);
