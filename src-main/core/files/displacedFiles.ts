import type { FileView } from '../../../src-shared/crdt/fileEntity.js';
import { isDirectoryContent } from '../../../src-shared/fileKinds.js';
import type { CRDTManager } from '../crdtManager.js';
import { loadViews } from './scanner.js';

/**
 * A file and a folder can't share a path on disk, but the store can hold a file at `p` and
 * existing entries under `p/` at once: one device replaced a folder by a file (or made a file
 * there) while another wrote in the folder (or made it). Without a rule each device keeps
 * whichever it had, and both stay blocked for good.
 *
 * The rule, decided from the store alone so every device decides alike: **the folder wins**
 * (it holds other files, which would otherwise all be blocked), and the file's version is kept
 * beside it under its conflict-copy name (`conflictCopyPath`, unique per version). A device
 * that turns the file into the folder on its disk records the folder, on a basis that covers
 * every version it knew, so the path converges to one folder version. Syncthing ends the same
 * way: a folder that holds new files is not removed by a peer's delete.
 */
export interface DisplacedPlan {
  /** Paths whose store version is a file while the store has entries under them. */
  readonly displaced: ReadonlySet<string>;
  /**
   * Folders above this batch's entries that the store has as files (not in the batch): settled
   * in the same run, before what they hold, with their views here.
   */
  readonly extraViews: ReadonlyMap<string, FileView>;
}

/** The displaced files among `ids` (whose views are `views`) and above them. */
export async function planDisplaced(
  manager: CRDTManager,
  ids: readonly string[],
  views: ReadonlyMap<string, FileView | undefined>,
): Promise<DisplacedPlan> {
  const inBatch = new Set(ids);
  const present = ids.filter((id) => views.get(id)?.exists === true);
  const above = new Set<string>();
  for (const id of present)
    for (let i = id.lastIndexOf('/'); i > 0; i = id.lastIndexOf('/', i - 1)) {
      const parent = id.slice(0, i);
      if (above.has(parent)) break;
      if (!inBatch.has(parent)) above.add(parent);
    }
  const aboveViews = await loadViews(manager, [...above]);
  const extraViews = new Map<string, FileView>();
  for (const [id, view] of aboveViews) if (isFileView(view)) extraViews.set(id, view);
  const files = [...present.filter((id) => isFileView(views.get(id))), ...extraViews.keys()];
  const displaced =
    files.length === 0
      ? new Set<string>()
      : await manager.store.pathsHoldingEntities(manager.spaceId, files);
  return { displaced, extraViews };
}

const isFileView = (view: FileView | undefined): view is FileView =>
  view?.exists === true && !isDirectoryContent(view.content);
