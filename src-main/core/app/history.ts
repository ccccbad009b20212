import { NetGuardianError } from '../../../src-shared/errors.js';
import type { CrdtEvent } from '../../../src-shared/events/event.js';
import { writesTombstone, writesVersion } from '../../../src-shared/events/event.js';
import { compareEncodedHlc } from '../../../src-shared/crdt/hlc.js';
import type { HistoryEntry } from '../../../src-shared/ipc/contract.js';
import type { Device } from '../device/device.js';
import type { NameBook } from './deviceNames.js';

/**
 * A file's versions (every event that wrote content or deleted it), newest
 * first. Restoring one is shared with the CLI: device/restoreVersion.ts.
 */

export function historyEntries(
  events: readonly CrdtEvent[],
  currentEventId: string | undefined,
  names: NameBook,
): HistoryEntry[] {
  // Oldest first, so each version can name the earliest one whose content it brings back.
  const oldestFirst = events.filter(writesVersion).sort((a, b) => compareEncodedHlc(a.hlc, b.hlc));
  const firstSeen = new Map<string, number>();
  const entries = oldestFirst.map((e): HistoryEntry => {
    const deleted = writesTombstone(e);
    const content = deleted ? null : (e.data.content ?? null);
    const parsed = Date.parse(e.timestamp);
    const at = Number.isNaN(parsed) ? 0 : parsed;
    const earlier = content ? firstSeen.get(content.hash) : undefined;
    if (content && earlier === undefined) firstSeen.set(content.hash, at);
    return {
      eventId: e.eventId,
      device: names.nameOf(e.nodeId),
      thisDevice: e.nodeId === names.thisNode,
      changedAt: at,
      size: content?.size ?? null,
      hash: content?.hash ?? null,
      deleted,
      current: e.eventId === currentEventId,
      kind: kindOf(e, deleted),
      ...(earlier !== undefined ? { sameAsEarlier: earlier } : {}),
    };
  });
  return entries.reverse();
}

function kindOf(e: CrdtEvent, deleted: boolean): NonNullable<HistoryEntry['kind']> {
  if (e.kind === 'ConflictResolved') return 'resolved';
  if (deleted) return 'deleted';
  return e.kind === 'FileCreated' ? 'created' : 'edited';
}

export async function historyOf(
  device: Device,
  entityId: string,
  names: NameBook,
): Promise<HistoryEntry[]> {
  const events = await device.store.eventsForEntity(device.spaceId, entityId);
  if (events.length === 0)
    throw new NetGuardianError('NotFound', `${entityId} has no history on this device`, 'path');
  const view = await device.manager.getFileState(entityId);
  return historyEntries(events, view?.exists ? view.winner?.id : undefined, names);
}
