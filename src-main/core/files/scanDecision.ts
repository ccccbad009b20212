import type { FileView } from '../../../src-shared/crdt/fileEntity.js';
import type { VectorClockJson } from '../../../src-shared/crdt/vectorClock.js';
import type { ContentRef } from '../../../src-shared/events/event.js';
import { isDirectoryContent } from '../../../src-shared/fileKinds.js';
import type { Json } from '../../../src-shared/json.js';
import type { FileChange } from '../crdtManager.js';
import type { IndexEntry } from './fileIndex.js';

/**
 * What the scanner records for a path, decided from three views of it: the
 * index (what this device last saw or wrote there), the CRDT view (what the
 * store says), and the disk now. Pure, so the rules are tested on their own.
 *
 * Rules:
 * - Nothing is recorded when the store already says what the disk says
 *   (content, and the executable bit for files). So the materializer's own
 *   writes never echo, even when a scan races with them, and a touch (mtime
 *   only) is not a change.
 * - A change is recorded on the basis of the version the disk came from (the
 *   index's `versionClock`), so it is concurrent with remote versions not yet
 *   on disk: they become conflict siblings instead of being overwritten.
 * - Content and executable bit equal to the index's are no change either,
 *   whatever the store says: the disk is only behind (the materializer
 *   catches up); recording it would resurrect or fork what a peer changed.
 * - A file this device never indexed, at a path that exists in the store with
 *   other content, was made independently: an empty basis (a conflict).
 */

/** What the disk holds at a path: a file's content and metadata, or a folder. */
export interface DiskContent {
  readonly content: ContentRef;
  /** Files only: the executable bit (mode & 0o111). */
  readonly exec: boolean;
  readonly mtimeMs: number;
}

export type ScanDecision =
  | { readonly action: 'none'; readonly versionClock: VectorClockJson | null }
  | { readonly action: 'create' | 'update'; readonly change: FileChange }
  | { readonly action: 'delete'; readonly basis: VectorClockJson | undefined }
  | { readonly action: 'forget' };

export const isExec = (mode: number): boolean => (mode & 0o111) !== 0;

export const viewExec = (view: FileView | undefined): boolean => view?.fields['exec'] === true;

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
  const sameContent = view?.exists === true && view.content?.hash === disk.content.hash;
  if (sameContent && (isDir || viewExec(view) === disk.exec)) {
    return { action: 'none', versionClock: view?.winner?.clock ?? null };
  }
  if (indexed && sameAsIndexed(indexed, disk)) {
    // Unchanged since this device indexed it (a touch, or the store moved on and
    // the materializer has not caught up): nothing the user did to record.
    return { action: 'none', versionClock: indexed.versionClock };
  }
  const basis = basisFor(indexed, view);
  const fields: Record<string, Json> | undefined = isDir
    ? undefined
    : sameContent
      ? { exec: disk.exec }
      : { exec: disk.exec, mtimeMs: disk.mtimeMs };
  const change: FileChange = {
    ...(sameContent ? {} : { content: disk.content }),
    ...(fields ? { fields } : {}),
    ...(basis ? { basis } : {}),
  };
  return { action: view?.exists ? 'update' : 'create', change };
}

const sameAsIndexed = (indexed: IndexEntry, disk: DiskContent): boolean =>
  isDirectoryContent(disk.content)
    ? indexed.kind === 'dir'
    : indexed.kind === 'file' &&
      indexed.hash === disk.content.hash &&
      isExec(indexed.mode) === disk.exec;

/** A path this device had indexed is gone from the disk. */
export function decideGone(indexed: IndexEntry, view: FileView | undefined): ScanDecision {
  if (!view?.exists) return { action: 'forget' };
  return { action: 'delete', basis: indexed.versionClock ?? undefined };
}
