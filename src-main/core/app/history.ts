import { NetGuardianError } from '../../../src-shared/errors.js';
import type { CrdtEvent } from '../../../src-shared/events/event.js';
import { writesTombstone, writesVersion } from '../../../src-shared/events/event.js';
import { compareEncodedHlc } from '../../../src-shared/crdt/hlc.js';
import type { HistoryEntry } from '../../../src-shared/ipc/contract.js';
import type { Device } from '../device/device.js';
import { contentAvailable } from '../files/contentSources.js';
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
  const entries = historyEntries(events, view?.exists ? view.winner?.id : undefined, names);
  return device.hub ? entries : markUnreachable(device, events, entries);
}

/**
 * Without a hub, an old version's bytes are only where a copy of them is on this device (a file
 * in the folder, the trash): a version with none can't be restored or compared, and its entry
 * says so up front (`restorable: false`) rather than offering a Restore that fails. With a hub
 * the hub may hold them; that is asked when the version is opened.
 */
async function markUnreachable(
  device: Device,
  events: readonly CrdtEvent[],
  entries: HistoryEntry[],
): Promise<HistoryEntry[]> {
  const byId = new Map(events.map((e) => [e.eventId, e]));
  const sources = { root: device.root, index: device.index, chunks: null, spaceId: device.spaceId };
  return Promise.all(
    entries.map(async (entry) => {
      const content = byId.get(entry.eventId)?.data.content;
      if (entry.deleted || entry.current || !content) return entry;
      return (await contentAvailable(sources, content)) ? entry : { ...entry, restorable: false };
    }),
  );
}
