import type { FileView } from '../../../src-shared/crdt/fileEntity.js';
import type { VectorClockJson } from '../../../src-shared/crdt/vectorClock.js';
import type { ContentRef } from '../../../src-shared/events/event.js';
import { isDirectoryContent } from '../../../src-shared/fileKinds.js';
import type { Json } from '../../../src-shared/json.js';
import type { FileChange } from '../crdtManager.js';
import type { IndexEntry } from './fileIndex.js';
import {
  folderModeMatches,
  modeMatches,
  permissionsOf,
  wantedFolderMode,
  FOLDER_MODE_FIELD,
  wantedMode,
} from './fileModes.js';

/**
 * What the scanner records for a path, decided from three views of it: the
 * index (what this device last saw or wrote there), the CRDT view (what the
 * store says), and the disk now. Pure, so the rules are tested on their own.
 *
 * Rules:
 * - Nothing is recorded when the store already says what the disk says
 *   (content, and the permission bits of files and folders: fileModes.ts). So
 *   the materializer's own writes never echo, even when a scan races with them,
 *   and a touch (mtime only) is not a change.
 * - A change is recorded on the basis of the version the disk came from (the
 *   index's `versionClock`), so it is concurrent with remote versions not yet
 *   on disk: they become conflict siblings instead of being overwritten.
 * - Content and permission bits equal to the index's are no change either,
 *   whatever the store says: the disk is only behind (the materializer
 *   catches up); recording it would resurrect or fork what a peer changed.
 * - A file this device never indexed, at a path that exists in the store with
 *   other content, was made independently: an empty basis (a conflict).
 * - A change writes `mode` only when the permissions differ from the store's
 *   and from the index's (or the path is new): a content edit on one device
 *   must not undo a chmod made on another, each field merging on its own, not
 *   even while that chmod has not reached this disk yet.
 * - A folder the store has, which this device never indexed as a folder, is
 *   no change: the materializer is making it, and gives it the store's bits
 *   once what it holds is written (mkdir's bits meanwhile are nobody's choice).
 */

/** What the disk holds at a path: a file's content and metadata, or a folder. */
export interface DiskContent {
  readonly content: ContentRef;
  /** The permission bits (mode & 0o777). */
  readonly mode: number;
  readonly mtimeMs: number;
}

export type ScanDecision =
  | { readonly action: 'none'; readonly versionClock: VectorClockJson | null }
  | { readonly action: 'create' | 'update'; readonly change: FileChange }
  | { readonly action: 'delete'; readonly basis: VectorClockJson | undefined }
  | { readonly action: 'forget' };

/** The basis of a local change at a path (see the rules above). */
export function basisFor(
  indexed: IndexEntry | undefined,
  view: FileView | undefined,
): VectorClockJson | undefined {
  if (indexed?.versionClock) return indexed.versionClock;
  if (indexed) return undefined;
  return view?.exists ? {} : undefined;
}

export function decidePresent(
  indexed: IndexEntry | undefined,
  view: FileView | undefined,
  disk: DiskContent,
): ScanDecision {
  const isDir = isDirectoryContent(disk.content);
  const bits = permissionsOf(disk.mode);
  // The index's bits count for an entry of the same kind only (a file's say nothing of the
  // folder that replaced it).
  const indexedMode = indexed?.kind === (isDir ? 'dir' : 'file') ? indexed.mode : undefined;
  const sameContent = view?.exists === true && view.content?.hash === disk.content.hash;
  const sameMode =
    view?.exists === true &&
    (isDir
      ? folderModeMatches(wantedFolderMode(view.fields), bits, indexedMode)
      : modeMatches(wantedMode(view.fields), bits, indexedMode));
  const storeClock = view?.winner?.clock ?? null;
  if (sameContent && sameMode) return { action: 'none', versionClock: storeClock };
  if (indexed && sameAsIndexed(indexed, disk)) {
    // Unchanged since this device indexed it (a touch, or the store moved on and
    // the materializer has not caught up): nothing the user did to record.
    return { action: 'none', versionClock: indexed.versionClock };
  }
  // A folder the store has that this device never indexed as a folder: the materializer is making
  // it (its bits are mkdir's until the run sets the store's), or it was made here as it was
  // elsewhere. Its bits are the store's to give, not a change.
  if (isDir && sameContent && indexed?.kind !== 'dir') {
    return { action: 'none', versionClock: storeClock };
  }
  // Bits differing from the store's are recorded when they changed here (or the path is new):
  // bits equal to the index's are only behind the store, and writing them with a content edit
  // would undo a chmod made on another device.
  const modeChanged =
    !sameMode &&
    (view?.exists !== true || indexedMode === undefined || permissionsOf(indexedMode) !== bits);
  if (sameContent && !modeChanged) return { action: 'none', versionClock: storeClock };
  const basis = basisFor(indexed, view);
  const fields: Record<string, Json> = {
    ...(modeChanged ? { [isDir ? FOLDER_MODE_FIELD : 'mode']: bits } : {}),
    ...(sameContent || isDir ? {} : { mtimeMs: disk.mtimeMs }),
  };
  const change: FileChange = {
    ...(sameContent ? {} : { content: disk.content }),
    ...(Object.keys(fields).length > 0 ? { fields } : {}),
    ...(basis ? { basis } : {}),
  };
  return { action: view?.exists ? 'update' : 'create', change };
}

const sameAsIndexed = (indexed: IndexEntry, disk: DiskContent): boolean =>
  permissionsOf(indexed.mode) === permissionsOf(disk.mode) &&
  (isDirectoryContent(disk.content)
    ? indexed.kind === 'dir'
    : indexed.kind === 'file' && indexed.hash === disk.content.hash);

/** A path this device had indexed is gone from the disk. */
export function decideGone(indexed: IndexEntry, view: FileView | undefined): ScanDecision {
  if (!view?.exists) return { action: 'forget' };
  return { action: 'delete', basis: indexed.versionClock ?? undefined };
}
