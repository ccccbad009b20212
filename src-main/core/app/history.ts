import { NetGuardianError } from '../../../src-shared/errors.js';
import type { ContentRef, CrdtEvent } from '../../../src-shared/events/event.js';
import { writesTombstone, writesVersion } from '../../../src-shared/events/event.js';
import { compareEncodedHlc } from '../../../src-shared/crdt/hlc.js';
import type { HistoryEntry } from '../../../src-shared/ipc/contract.js';
import type { Device } from '../device/device.js';
import { contentAvailable } from './versionContent.js';

/**
 * A file's versions (every event that wrote content or deleted it), newest
 * first, and restoring one of them: a restore is a new change whose content
 * is the old version's, so it syncs like any edit and the history keeps growing.
 */

export function historyEntries(
  events: readonly CrdtEvent[],
  currentEventId: string | undefined,
  nameOf: (nodeId: string) => string,
): HistoryEntry[] {
  return events
    .filter(writesVersion)
    .sort((a, b) => compareEncodedHlc(b.hlc, a.hlc))
    .map((e) => {
      const deleted = writesTombstone(e);
      const content = deleted ? null : (e.data.content ?? null);
      const at = Date.parse(e.timestamp);
      return {
        eventId: e.eventId,
        device: nameOf(e.nodeId),
        changedAt: Number.isNaN(at) ? 0 : at,
        size: content?.size ?? null,
        hash: content?.hash ?? null,
        deleted,
        current: e.eventId === currentEventId,
      };
    });
}

export async function historyOf(
  device: Device,
  entityId: string,
  nameOf: (nodeId: string) => string,
): Promise<HistoryEntry[]> {
  const events = await device.store.eventsForEntity(device.spaceId, entityId);
  if (events.length === 0)
    throw new NetGuardianError('NotFound', `${entityId} has no history on this device`, 'path');
  const view = await device.manager.getFileState(entityId);
  return historyEntries(events, view?.exists ? view.winner?.id : undefined, nameOf);
}

/** The content an event of this entity wrote, or a clear error. */
export async function contentOfEvent(
  device: Device,
  entityId: string,
  eventId: string,
): Promise<{ event: CrdtEvent; content: ContentRef | null }> {
  const event = await device.store.getEvent(eventId);
  if (!event || event.spaceId !== device.spaceId || event.entityId !== entityId)
    throw new NetGuardianError('NotFound', `${entityId} has no version ${eventId}`, 'eventId');
  return { event, content: writesTombstone(event) ? null : (event.data.content ?? null) };
}

export async function restoreVersion(
  device: Device,
  entityId: string,
  eventId: string,
): Promise<{ restored: boolean }> {
  const { content } = await contentOfEvent(device, entityId, eventId);
  if (!content)
    throw new NetGuardianError(
      'InvalidArgument',
      `version ${eventId} of ${entityId} is a deletion or holds no content: pick a version with content`,
      'eventId',
    );
  const sources = {
    root: device.root,
    index: device.index,
    chunks: device.hub?.chunks ?? null,
    spaceId: device.spaceId,
  };
  // Checked first: a restore whose bytes nobody has would leave a file that never arrives.
  if (!(await contentAvailable(sources, content)))
    throw new NetGuardianError(
      'NotFound',
      `version ${eventId} of ${entityId} is no longer stored anywhere this device can reach (not in the folder${device.hub ? ' nor on the hub' : '; without a hub, old versions are kept only while a copy exists'})`,
      'eventId',
    );
  const current = await device.manager.getFileState(entityId);
  if (current?.exists && current.content?.hash === content.hash && current.conflicts.length === 0)
    return { restored: false };
  const written = current?.exists
    ? await device.manager.updateFileState(entityId, { content })
    : await device.manager.createFileState(entityId, { content });
  if (!written.ok) throw written.error;
  const applied = await device.materializer.apply([entityId]);
  const failed = applied.errors.find((e) => e.path === entityId);
  if (failed)
    throw new NetGuardianError(
      failed.code,
      `restored ${entityId} in the history, but its content could not be written: ${failed.message}`,
      'path',
    );
  device.requestSync();
  return { restored: true };
}
