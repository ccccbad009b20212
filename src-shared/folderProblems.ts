import type { FolderProblem, StateHeadline } from './ipc/contract.js';

/**
 * Why the synced folder is not used, in words a person can act on: one catalogue for the state
 * (the app's header, the tray, `netguardian status`), the activity list and `netguardian sync`,
 * so the same fact reads the same everywhere. Pure.
 *
 * A missing folder needs nothing from the user: it is used again as soon as it is back. A folder
 * there without its marker is never taken for the synced folder by itself (it may be a fresh
 * mount point of a drive not mounted): the user re-attaches it, deliberately.
 */

/** The marker file at the synced folder's root (see the core's `folderMarker.ts`). */
export const MARKER_FILE = '.netguardian-folder';

/** The command that re-attaches a folder whose marker is missing or another folder's. */
export const ATTACH_COMMAND = 'netguardian folder attach';

/** What is true of the folder at `folder`, as one clause ("… is not there (…)"). */
export function folderProblemFact(problem: FolderProblem, folder: string): string {
  switch (problem) {
    case 'missing':
      return `${folder} is not there (moved, deleted, or a drive not mounted?)`;
    case 'marker-missing':
      return `${folder} is there, but its marker file ${MARKER_FILE} is missing, so it is not recognized as the synced folder (another drive, or a fresh empty folder, mounted there?)`;
    case 'marker-other':
      return `${folder} is there, but its marker file ${MARKER_FILE} names another synced folder (or can't be read), so it is not recognized as this one (another device's folder or drive there?)`;
    default: {
      const never: never = problem;
      throw new Error(`unhandled folder problem ${String(never)}`);
    }
  }
}

/** What ends the problem: the folder back at its path, or a deliberate re-attach. */
export function folderProblemRemedy(problem: FolderProblem): string {
  return problem === 'missing'
    ? 'syncing resumes by itself once it is back at that path'
    : `if it is the synced folder, re-attach it: ${ATTACH_COMMAND}`;
}

/** The state while the folder is not used (phase `folder-missing` either way, for scripts). */
export function folderProblemState(problem: FolderProblem, folder: string): StateHeadline {
  const fact = folderProblemFact(problem, folder);
  const remedy = folderProblemRemedy(problem);
  return {
    phase: 'folder-missing',
    headline:
      problem === 'missing'
        ? 'Folder missing — nothing is recorded or written until it is back'
        : 'Folder not recognized — nothing is recorded or written until it is re-attached',
    detail: `${fact}. ${remedy.charAt(0).toUpperCase()}${remedy.slice(1)}.`,
  };
}

/** The activity line when the folder went away or stopped being recognized. */
export const folderProblemActivity = (problem: FolderProblem, folder: string): string =>
  `The folder ${folderProblemFact(problem, folder)}: nothing is changed in it or recorded from it; ${folderProblemRemedy(problem)}`;
