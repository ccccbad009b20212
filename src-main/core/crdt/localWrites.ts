import type { FileEntity, FileView } from '../../../src-shared/crdt/fileEntity.js';
import { VectorClock, type VectorClockJson } from '../../../src-shared/crdt/vectorClock.js';
import { NetGuardianError } from '../../../src-shared/errors.js';
import type { ContentRef, CrdtEvent, EventData } from '../../../src-shared/events/event.js';
import type { EventKind } from '../../../src-shared/events/eventTypes.js';
import type { Json } from '../../../src-shared/json.js';
import { err, ok, type Result } from '../../../src-shared/result.js';

/**
 * The rules of a device's own writes, pure: what a create, update or delete of a file may do
 * given the file's state, and the version vector the new event carries. `CRDTManager` applies
 * them to single calls and to batches alike, so the two never drift.
 */

/** What a local write sets: new content (a new version) and/or metadata fields. */
export interface FileChange {
  readonly content?: ContentRef;
  readonly fields?: Readonly<Record<string, Json>>;
  /**
   * The version vector of the version this change was made on (for the folder
   * layer: the version the file on disk came from). Default: everything this
   * device has seen of the file. A change on an older basis is concurrent with
   * the versions it has not seen, so they stay siblings (a conflict) instead of
   * being overwritten, and a delete loses to them (modify beats delete).
   */
  readonly basis?: VectorClockJson;
}

export type KeepChoice = 'mine' | 'theirs' | 'both';

/** One item of `writeBatch`: the same as the single create/update/delete calls. */
export type LocalWrite =
  | {
      readonly op: 'create';
      readonly path: string;
      readonly change: FileChange;
      readonly basis?: VectorClockJson;
    }
  | {
      readonly op: 'update';
      readonly path: string;
      readonly change: FileChange;
      readonly basis?: VectorClockJson;
    }
  | { readonly op: 'delete'; readonly path: string; readonly basis?: VectorClockJson };

/** What a local write becomes on a file in state `view`: the event to write, or why not. */
export function decideLocalWrite(
  item: LocalWrite,
  view: FileView | undefined,
): Result<{ kind: EventKind; data: EventData }, NetGuardianError> {
  switch (item.op) {
    case 'create':
      if (!item.change.content)
        return err(
          new NetGuardianError('InvalidArgument', `creating ${item.path} needs content`, 'content'),
        );
      return view?.exists
        ? err(
            new NetGuardianError(
              'InvalidArgument',
              `${item.path} already exists; use updateFileState`,
              'entityId',
            ),
          )
        : ok({ kind: 'FileCreated', data: dataOf(item.change) });
    case 'update':
      if (!item.change.content && !item.change.fields) {
        return err(
          new NetGuardianError(
            'InvalidArgument',
            `updating ${item.path} needs content or fields`,
            'change',
          ),
        );
      }
      return view?.exists
        ? ok({ kind: 'FileUpdated', data: dataOf(item.change) })
        : err(notFound(item.path));
    case 'delete':
      return view?.exists ? ok({ kind: 'FileDeleted', data: {} }) : err(notFound(item.path));
    default: {
      const never: never = item;
      throw new Error(`unhandled local write ${JSON.stringify(never)}`);
    }
  }
}

/**
 * The new event's version vector: its basis, with this device's own count one
 * past every event it wrote before (so no two of its versions carry the same
 * count). The default basis is the clocks of the versions this device
 * actually holds, not the entity clock: the entity clock also counts what
 * metadata-only events had seen, and a version this device never received
 * must not be dominated (silently replaced) by its write.
 */
export function eventClock(
  entity: FileEntity,
  basis: VectorClockJson | undefined,
  nodeId: string,
): VectorClock {
  const base = basis === undefined ? entity.register.clock() : VectorClock.from(basis);
  return base.merge(VectorClock.from({ [nodeId]: entity.clock.countOf(nodeId) })).increment(nodeId);
}

export function dataOf(change: FileChange): EventData {
  return {
    ...(change.content ? { content: change.content } : {}),
    ...(change.fields ? { fields: change.fields } : {}),
  };
}

const notFound = (path: string) =>
  new NetGuardianError('NotFound', `${path} does not exist`, 'entityId');

/** A write found its seq taken: a broken invariant (two processes writing as one device). */
export const seqTaken = (e: CrdtEvent) =>
  new Error(`seq ${e.seq} of ${e.nodeId} is already taken: another process writes as this device`);
