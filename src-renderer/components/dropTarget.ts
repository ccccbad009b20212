import type { FilesSlice } from '../store/types.js';
import type { DropPayload } from '../transport/types.js';

/**
 * Where a drop lands: the folder selected in the Files screen, the folder of the selected file,
 * or else the folder the list shows ('' = the top).
 */
export function dropTargetDir(files: Pick<FilesSlice['files'], 'selected' | 'folder'>): string {
  const { selected } = files;
  if (selected === null) return files.folder;
  if (selected.kind === 'dir') return selected.path;
  const slash = selected.path.lastIndexOf('/');
  return slash < 0 ? '' : selected.path.slice(0, slash);
}

/** Whether a drag carries files from the computer (not text or a link dragged inside the page). */
export const carriesFiles = (data: DataTransfer | null): boolean =>
  data !== null && Array.from(data.types).includes('Files');

/** Reads a drop at once: DataTransfer is emptied when the event handler returns. */
export function readDrop(data: DataTransfer): DropPayload {
  const files = Array.from(data.files);
  const entries = Array.from(data.items)
    .filter((item) => item.kind === 'file')
    .map((item) => (typeof item.webkitGetAsEntry === 'function' ? item.webkitGetAsEntry() : null));
  return { files, entries };
}
