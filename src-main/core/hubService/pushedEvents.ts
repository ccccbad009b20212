import type { CrdtEvent } from '../../../src-shared/events/event.js';
import { parseEvent } from '../../../src-shared/events/eventSchema.js';
import type { RefusedEvent } from '../../../src-shared/hubProtocol/protocol.js';
import type { EventStore } from '../store/eventStore.js';
import type { DeviceIdentity } from './deviceIdentity.js';

/** A pushed batch sorted by what the hub does with each event. */
export interface ScreenedPush {
  /** Valid, the device's own, and continuing its sequence: to be appended, in seq order. */
  readonly accepted: readonly CrdtEvent[];
  /** Events the hub already holds under the same id and seq: no-ops. */
  readonly duplicates: number;
  /** Events whose (origin, seq) the hub holds with another id (a device restored from a backup). */
  readonly seqConflicts: readonly { eventId: string; nodeId: string; seq: number }[];
  readonly refused: readonly RefusedEvent[];
}

const eventIdOf = (row: unknown): string | null => {
  const id = (row as { event_id?: unknown } | null)?.event_id;
  return typeof id === 'string' && id.length <= 128 ? id : null;
};

/**
 * Screens a device's pushed events before anything is stored. Each event is checked on its own
 * (one bad event never stops the rest): the event schema and its limits (size, paths), that it
 * belongs to the device's space and is the device's own (`node_id` is the authenticated device,
 * so no device writes as another), and that its seq continues what the hub holds of the device
 * with no gap and no reuse. An event whose seq the hub already holds is a duplicate when the id
 * is the same and a conflict otherwise; an event after a gap is refused (`SeqGap`), as is every
 * event after it, since they would leave the same gap.
 *
 * Callers run this and the append under one lock per device, so two pushes of one device can't
 * both pass the continuity check (the store's unique (space, origin, seq) index is the backstop).
 */
export async function screenPush(
  rows: readonly unknown[],
  identity: DeviceIdentity,
  store: EventStore,
): Promise<ScreenedPush> {
  const refused: RefusedEvent[] = [];
  const valid: { event: CrdtEvent; index: number }[] = [];
  rows.forEach((row, index) => {
    const parsed = parseEvent(row);
    if (!parsed.ok) {
      refused.push({ eventId: eventIdOf(row), index, ...parsed.error.toInfo() });
      return;
    }
    const event = parsed.value;
    if (event.spaceId !== identity.spaceId) {
      refused.push({
        eventId: event.eventId,
        index,
        code: 'AccessDenied',
        message: `event ${event.eventId} is for space ${event.spaceId}; this device belongs to ${identity.spaceId} only`,
        field: 'space_id',
      });
      return;
    }
    if (event.nodeId !== identity.nodeId) {
      refused.push({
        eventId: event.eventId,
        index,
        code: 'WrongOrigin',
        message: `event ${event.eventId} claims to come from device ${event.nodeId}; this device is ${identity.nodeId} and may only send its own changes`,
        field: 'node_id',
      });
      return;
    }
    valid.push({ event, index });
  });
  valid.sort((a, b) => a.event.seq - b.event.seq);

  const accepted: CrdtEvent[] = [];
  const seqConflicts: { eventId: string; nodeId: string; seq: number }[] = [];
  let duplicates = 0;
  const held = await store.maxSeq(identity.spaceId, identity.nodeId);
  let next = held + 1;
  for (const { event, index } of valid) {
    if (event.seq < next) {
      // At or below what the hub (or this batch) holds: the same event again, or another one.
      const inBatch = accepted.find((a) => a.seq === event.seq);
      const known =
        inBatch?.eventId ?? (await store.eventIdAt(identity.spaceId, identity.nodeId, event.seq));
      if (known === event.eventId) duplicates += 1;
      else seqConflicts.push({ eventId: event.eventId, nodeId: event.nodeId, seq: event.seq });
      continue;
    }
    if (event.seq > next) {
      refused.push({
        eventId: event.eventId,
        index,
        code: 'SeqGap',
        message: `change ${event.seq} of device ${event.nodeId} would leave a gap: the hub holds its changes up to ${next - 1}`,
        field: 'seq',
      });
      continue;
    }
    accepted.push(event);
    next += 1;
  }
  return { accepted, duplicates, seqConflicts, refused };
}
