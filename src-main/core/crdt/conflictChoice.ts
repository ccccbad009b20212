import { conflictCopyPath, legacyConflictCopyPath } from '../../../src-shared/conflictNames.js';
import type { FileVersion, FileView } from '../../../src-shared/crdt/fileEntity.js';
import { compareNewest } from '../../../src-shared/crdt/versionOrder.js';
import { NetGuardianError } from '../../../src-shared/errors.js';
import type { ContentRef, EventData } from '../../../src-shared/events/event.js';
import type { EventKind } from '../../../src-shared/events/eventTypes.js';
import { err, ok, type Result } from '../../../src-shared/result.js';

/** Which version a resolution keeps: this device's, another's, both, or one by its event id. */
export type KeepChoice = 'mine' | 'theirs' | 'both';

/**
 * The version a conflict's resolution keeps, among the file's siblings. `mine` keeps this
 * device's newest version (or, if it wrote none, the current winner); `theirs` the newest
 * version from another device (newest as the winner is chosen: `compareNewest`); `both` the winner (the losers become conflict-copy files);
 * `{ eventId }` one specific version. Pure.
 */
export function chooseVersion(
  siblings: readonly FileVersion[],
  view: FileView,
  keep: KeepChoice | { eventId: string },
  nodeId: string,
): Result<FileVersion, NetGuardianError> {
  const newest = (vs: readonly FileVersion[]) =>
    vs.reduce<FileVersion | undefined>(
      (a, v) => (!a || compareNewest(v, a) > 0 ? v : a),
      undefined,
    );
  if (typeof keep === 'object') {
    const v = siblings.find((s) => s.id === keep.eventId);
    return v
      ? ok(v)
      : err(
          new NetGuardianError(
            'NotFound',
            `version ${keep.eventId} is not one of ${view.entityId}'s versions`,
            'eventId',
          ),
        );
  }
  switch (keep) {
    case 'mine':
      return ok(
        newest(siblings.filter((s) => s.nodeId === nodeId)) ?? (view.winner as FileVersion),
      );
    case 'theirs': {
      const theirs = newest(siblings.filter((s) => s.nodeId !== nodeId));
      return theirs
        ? ok(theirs)
        : err(
            new NetGuardianError(
              'NoConflict',
              `${view.entityId} has no version from another device`,
              'keep',
            ),
          );
    }
    case 'both':
      return ok(view.winner as FileVersion);
    default: {
      const never: never = keep;
      throw new Error(`unhandled keep choice ${String(never)}`);
    }
  }
}

/** What resolving a conflict writes: the resolution, and the conflict copies it adds or discards. */
export interface ResolutionPlan {
  readonly event: { readonly kind: EventKind; readonly data: EventData };
  /**
   * Keep both: each losing content at its conflict-copy name, with its version's modification
   * time (so every device gives the copy the same one).
   */
  readonly copies: readonly {
    readonly path: string;
    readonly content: ContentRef;
    readonly mtimeMs?: number;
  }[];
  /**
   * Conflict copies that go: every copy of the file's versions (the chosen one's too, whose
   * content is now at the path) when one version is kept; when both are, only a copy of the
   * winner (left from when it lost), a duplicate of the file. Copies under the names copies had
   * before they were unique per version go too (`legacyConflictCopyPath`). Each is removed only
   * if it still holds that version's content (a copy the user edited is theirs now).
   */
  readonly discarded: readonly { readonly path: string; readonly hash: string }[];
}

/** Every version a resolution of `view` chooses among and settles: content and deletions. */
export const siblingsOf = (view: FileView): FileVersion[] =>
  [view.winner, ...view.conflicts, ...view.lostDeletes].filter(
    (v): v is FileVersion => v !== undefined,
  );

/**
 * Plans the resolution of the conflict in `view`: one `conflict_resolved` event keeping the
 * chosen version (`chooseVersion`) and naming every sibling it settles, and the conflict copies
 * that go with it. Refused (`NoConflict`) when the file has none. Pure.
 */
export function planResolution(
  view: FileView | undefined,
  path: string,
  keep: KeepChoice | { eventId: string },
  nodeId: string,
): Result<ResolutionPlan, NetGuardianError> {
  if (!view || (view.conflicts.length === 0 && view.lostDeletes.length === 0))
    return err(
      new NetGuardianError('NoConflict', `${path} has no conflict to resolve`, 'entityId'),
    );
  const siblings = siblingsOf(view);
  const chosen = chooseVersion(siblings, view, keep, nodeId);
  if (!chosen.ok) return chosen;
  const live = (v: FileVersion | undefined): v is FileVersion & { value: ContentRef } =>
    v !== undefined && v.value !== null;
  const losers = view.conflicts
    .filter(live)
    .filter((v) => v.value.hash !== chosen.value.value?.hash);
  const keepsBoth = keep === 'both';
  const copyOf = (v: FileVersion & { value: ContentRef }) => ({
    path: conflictCopyPath(view.entityId, v),
    hash: v.value.hash,
  });
  const legacyCopyOf = (v: FileVersion & { value: ContentRef }) => ({
    path: legacyConflictCopyPath(view.entityId, v),
    hash: v.value.hash,
  });
  const { value: content, mtimeMs } = chosen.value;
  return ok({
    event: {
      kind: 'ConflictResolved',
      data: {
        content,
        resolves: siblings.map((s) => s.id),
        // The kept version's modification time goes with its content (the materializer sets it).
        ...(content && mtimeMs !== undefined ? { fields: { mtimeMs } } : {}),
      },
    },
    copies: keepsBoth
      ? losers.map((v) => ({
          path: conflictCopyPath(view.entityId, v),
          content: v.value,
          ...(v.mtimeMs !== undefined ? { mtimeMs: v.mtimeMs } : {}),
        }))
      : [],
    // Discarded copies stay in history and in the trash.
    discarded: [
      ...[view.winner, ...(keepsBoth ? [] : view.conflicts)].filter(live).map(copyOf),
      ...[view.winner, ...view.conflicts].filter(live).map(legacyCopyOf),
    ],
  });
}
