import { NetGuardianError } from '../../../src-shared/errors.js';
import { hubProblemInWords, isHubUnreachable } from '../../../src-shared/hubProblems.js';
import type { ContentRef, CrdtEvent } from '../../../src-shared/events/event.js';
import { writesTombstone } from '../../../src-shared/events/event.js';
import { contentAvailable } from '../files/contentSources.js';
import { refusalError } from '../files/diskSpace.js';
import type { Device } from './device.js';

/**
 * Restoring an earlier version of a file, for the app and the CLI alike: a
 * restore is a new change whose content is the old version's, so it syncs like
 * any edit and the history keeps growing. The caller syncs afterwards, its way
 * (the app asks the daemon, the CLI runs one sync).
 */

/** The content an event of this entity wrote, or a clear error. */
export async function contentOfEvent(
  device: Device,
  entityId: string,
  eventId: string,
): Promise<{ event: CrdtEvent; content: ContentRef | null }> {
  const event = await device.store.getEvent(eventId, device.spaceId);
  if (!event || event.spaceId !== device.spaceId || event.entityId !== entityId)
    throw new NetGuardianError('NotFound', `${entityId} has no version ${eventId}`, 'eventId');
  return { event, content: writesTombstone(event) ? null : (event.data.content ?? null) };
}

/**
 * Writes the version's content as the file's new state and onto the disk. Nothing is
 * written when the version's bytes are nowhere this device can reach (a file that would
 * never arrive), nor when the file already holds them (`restored: false`), nor when it is over
 * the device's per-file maximum or the folder's disk has no room for it keeping its reserve
 * (`PayloadTooLarge`, `NoSpace`: diskSpace.ts).
 */
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
  if (!(await availableOrSay(sources, content, `version ${eventId} of ${entityId}`)))
    throw new NetGuardianError(
      'NotFound',
      `version ${eventId} of ${entityId} is no longer stored anywhere this device can reach (not in the folder${device.hub ? ' nor on the hub' : '; without a hub, old versions are kept only while a copy exists'})`,
      'eventId',
    );
  const current = await device.manager.getFileState(entityId);
  if (current?.exists && current.content?.hash === content.hash && current.conflicts.length === 0)
    return { restored: false };
  // Before anything is recorded: a restore the disk can't hold is refused, not left waiting.
  const room = device.diskSpace.check(device.root, content.size);
  if (!room.ok) throw refusalError(`restoring ${entityId}`, room.error);
  const written = current?.exists
    ? await device.manager.updateFileState(entityId, { content })
    : await device.manager.createFileState(entityId, { content });
  if (!written.ok) throw written.error;
  const applied = await device.materializer.apply([entityId]);
  const failed = applied.errors.find((e) => e.path === entityId);
  // The disk filled since the check: the file waits for space, and is written once there is room.
  if (applied.waitingForSpace.some((w) => w.path === entityId)) {
    const waiting = device.unsyncable().files.find((f) => f.path === entityId);
    throw new NetGuardianError(
      'NoSpace',
      `restored ${entityId} in the history, but its content is not written yet: ${waiting?.message ?? 'the disk has no room for it'}`,
      'path',
    );
  }
  if (failed)
    throw new NetGuardianError(
      failed.code,
      `restored ${entityId} in the history, but its content could not be written: ${failed.message}`,
      'path',
    );
  return { restored: true };
}

/**
 * Whether the version's bytes can be had; when only the hub could say and it can't be reached,
 * a `HubUnreachable` error in words (the restore can run once the hub answers).
 */
async function availableOrSay(
  sources: Parameters<typeof contentAvailable>[0],
  content: ContentRef,
  what: string,
): Promise<boolean> {
  try {
    return await contentAvailable(sources, content);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    const message = e instanceof Error ? e.message : String(e);
    if (!isHubUnreachable(typeof code === 'string' ? code : undefined, message)) throw e;
    throw new NetGuardianError(
      'HubUnreachable',
      `${what} is not in the folder, and its bytes are on the hub, which this device can't reach now (${hubProblemInWords(typeof code === 'string' ? code : undefined, message)}): restore it once the hub answers`,
      'eventId',
    );
  }
}
