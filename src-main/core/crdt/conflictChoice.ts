import { conflictCopyPath } from '../../../src-shared/conflictNames.js';
import type { FileVersion, FileView } from '../../../src-shared/crdt/fileEntity.js';
import { NetGuardianError } from '../../../src-shared/errors.js';
import type { ContentRef, EventData } from '../../../src-shared/events/event.js';
import type { EventKind } from '../../../src-shared/events/eventTypes.js';
import { err, ok, type Result } from '../../../src-shared/result.js';

/** Which version a resolution keeps: this device's, another's, both, or one by its event id. */
export type KeepChoice = 'mine' | 'theirs' | 'both';

/**
 * The version a conflict's resolution keeps, among the file's siblings. `mine` keeps this
 * device's newest version (or, if it wrote none, the current winner); `theirs` the newest
 * version from another device; `both` the winner (the losers become conflict-copy files);
 * `{ eventId }` one specific version. Pure.
 */
export function chooseVersion(
  siblings: readonly FileVersion[],
  view: FileView,
  keep: KeepChoice | { eventId: string },
  nodeId: string,
): Result<FileVersion, NetGuardianError> {
  const newest = (vs: readonly FileVersion[]) =>
    vs.reduce<FileVersion | undefined>((a, v) => (!a || v.hlc > a.hlc ? v : a), undefined);
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
  /** Keep both: each losing content at its conflict-copy name. */
  readonly copies: readonly { readonly path: string; readonly content: ContentRef }[];
  /** Keep one: the others' conflict copies, removed if they still hold that content. */
  readonly discarded: readonly { readonly path: string; readonly hash: string }[];
}

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
  const siblings = [view.winner, ...view.conflicts, ...view.lostDeletes].filter(
    (v): v is FileVersion => v !== undefined,
  );
  const chosen = chooseVersion(siblings, view, keep, nodeId);
  if (!chosen.ok) return chosen;
  const losers = view.conflicts.filter(
    (v): v is FileVersion & { value: ContentRef } =>
      v.value !== null && v.value.hash !== chosen.value.value?.hash,
  );
  const keepsBoth = keep === 'both';
  return ok({
    event: {
      kind: 'ConflictResolved',
      data: { content: chosen.value.value, resolves: siblings.map((s) => s.id) },
    },
    copies: keepsBoth
      ? losers.map((v) => ({ path: conflictCopyPath(view.entityId, v), content: v.value }))
      : [],
    // Keeping one version discards the others' conflict copies (still in history and trash).
    discarded: keepsBoth
      ? []
      : losers.map((v) => ({ path: conflictCopyPath(view.entityId, v), hash: v.value.hash })),
  });
}
