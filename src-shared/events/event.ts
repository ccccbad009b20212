import type { VectorClockJson } from '../crdt/vectorClock.js';
import type { Json } from '../json.js';
import type { EventKind } from './eventTypes.js';

/** A content-defined chunk of a file, addressed by its SHA-256. */
export type ChunkRef = {
  readonly hash: string;
  readonly size: number;
};

/** What a version of a file holds: its bytes, by hash (the bytes live in the chunk store). */
// A type alias (not an interface) so it is assignable to `Json`.
export type ContentRef = {
  readonly hash: string;
  readonly size: number;
  /** Present once the file layer has chunked the content. */
  readonly chunks?: readonly ChunkRef[];
};

/**
 * The fields an event sets. `content` is the file's bytes (a new version of the
 * multi-value register); `null` in a ConflictResolved event means "resolved to
 * deleted". `fields` are free-form metadata (mode, mtime, the seed's `updates`),
 * merged per field by LWW. `resolves` lists the versions a resolution settled,
 * for people reading history; the vector clock is what actually dominates them.
 */
export interface EventData {
  readonly content?: ContentRef | null;
  readonly fields?: Readonly<Record<string, Json>>;
  readonly resolves?: readonly string[];
}

/** One CRDT event, validated, in its in-code form. */
export interface CrdtEvent {
  readonly eventId: string;
  readonly spaceId: string;
  /** The file: its normalized path relative to the folder root. */
  readonly entityId: string;
  readonly kind: EventKind;
  readonly data: EventData;
  /** Wall-clock time for people (ISO 8601). Ordering uses `hlc`. */
  readonly timestamp: string;
  /** Encoded hybrid logical clock (see `encodeHlc`). */
  readonly hlc: string;
  /** Origin device. */
  readonly nodeId: string;
  /** The origin device's per-space sequence number: 1, 2, 3, … with no gaps. */
  readonly seq: number;
  /** The entity's version vector after this event. */
  readonly vectorClock: VectorClockJson;
}

/** Whether the event writes a version (content or tombstone) rather than only metadata. */
export function writesVersion(e: Pick<CrdtEvent, 'kind' | 'data'>): boolean {
  switch (e.kind) {
    case 'FileCreated':
    case 'FileDeleted':
    case 'ConflictResolved':
      return true;
    case 'FileUpdated':
      return e.data.content !== undefined && e.data.content !== null;
    default: {
      const never: never = e.kind;
      throw new Error(`unhandled event kind ${String(never)}`);
    }
  }
}

/** Whether the version the event writes is a tombstone. */
export function writesTombstone(e: Pick<CrdtEvent, 'kind' | 'data'>): boolean {
  return e.kind === 'FileDeleted' || (e.kind === 'ConflictResolved' && e.data.content === null);
}
