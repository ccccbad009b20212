import type { ActivityItem } from '../../../src-shared/ipc/contract.js';

/**
 * Where an activity item leads: a conflict to the Conflicts screen; anything else about a path
 * to the Files screen with the folder holding it open and the file selected (a folder: opened
 * itself). Items about no path lead nowhere. Pure.
 */
export type ActivityLink =
  | { readonly kind: 'conflicts'; readonly path: string }
  | {
      readonly kind: 'files';
      /** The folder to show ('' = the top of the synced folder). */
      readonly folder: string;
      /** The file to select in it; null for a folder. */
      readonly file: string | null;
    };

/** "docs/a.txt" → "docs"; "a.txt" → "". */
const parentOf = (path: string): string =>
  path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';

export function linkOf(item: ActivityItem): ActivityLink | null {
  if (item.path === undefined || item.path === '') return null;
  if (item.kind === 'conflict') return { kind: 'conflicts', path: item.path };
  if (item.folder === true) return { kind: 'files', folder: item.path, file: null };
  return { kind: 'files', folder: parentOf(item.path), file: item.path };
}
