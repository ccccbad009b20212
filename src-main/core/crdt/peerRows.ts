import { parseHlc, type HybridLogicalClock } from '../../../src-shared/crdt/hlc.js';
import type { CrdtEvent } from '../../../src-shared/events/event.js';
import { parseEvent, toWire } from '../../../src-shared/events/eventSchema.js';
import { NetGuardianError, type ErrorInfo } from '../../../src-shared/errors.js';
import { err, type Result } from '../../../src-shared/result.js';
import { untrustedRowToEvent, type EventRow } from '../store/eventRows.js';

/** A row from a peer as an event, validated like every event that crosses a boundary; never throws. */
function untrustedRowToEventSafe(row: unknown): Result<CrdtEvent, NetGuardianError> {
  if (typeof row !== 'object' || row === null) {
    return err(new NetGuardianError('InvalidEvent', 'event is not an object', '(event)'));
  }
  const r = row as Partial<EventRow>;
  // Rows from a store carry a local `id` and a driver-rendered timestamp; normalize before validating.
  if ('id' in r || r.timestamp !== undefined) {
    try {
      return untrustedRowToEvent(r as EventRow);
    } catch {
      return parseEvent(row);
    }
  }
  return parseEvent(row);
}

/** A row kept aside, with why: it goes to the quarantine, never away. */
export interface HeldRow {
  readonly code: ErrorInfo['code'];
  readonly message: string;
  readonly field?: string | undefined;
  readonly payload: unknown;
}

/**
 * Sorts a peer's rows into events to store and rows to hold: each row is validated, must belong
 * to `spaceId`, and its clock must not be too far ahead of ours (`clock.receive`, which also
 * folds an accepted event's stamp into the local clock). A held clock-ahead event keeps its
 * validated wire form, so a retry parses it again.
 */
export function screenPeerRows(
  rows: readonly unknown[],
  spaceId: string,
  clock: HybridLogicalClock,
): { accepted: CrdtEvent[]; held: HeldRow[] } {
  const accepted: CrdtEvent[] = [];
  const held: HeldRow[] = [];
  for (const row of rows) {
    const parsed = untrustedRowToEventSafe(row);
    if (!parsed.ok) {
      held.push({ ...parsed.error.toInfo(), payload: row });
      continue;
    }
    const event = parsed.value;
    if (event.spaceId !== spaceId) {
      held.push({
        code: 'InvalidEvent',
        message: `event ${event.eventId} is for space ${event.spaceId}, not ${spaceId}`,
        field: 'space_id',
        payload: row,
      });
      continue;
    }
    const clocked = clock.receive(parseHlc(event.hlc));
    if (!clocked.ok) {
      held.push({ ...clocked.error.toInfo(), payload: toWire(event) });
      continue;
    }
    accepted.push(event);
  }
  return { accepted, held };
}
