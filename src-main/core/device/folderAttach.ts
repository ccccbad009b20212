import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import { ATTACH_COMMAND, MARKER_FILE } from '../../../src-shared/folderProblems.js';
import type { FolderAttachReport, FolderProblem } from '../../../src-shared/ipc/contract.js';
import { countOf } from '../../../src-shared/words.js';
import type { FileIndex } from '../files/fileIndex.js';
import type { IgnoreRules } from '../files/ignoreRules.js';
import type { FolderGuard } from './folderIdentity.js';

/**
 * `folder attach`: the user says the folder at the configured path is the synced folder again
 * (its marker went missing, or names another folder). Re-attaching must never turn into "every
 * file was deleted": a fresh empty folder, or the empty mount point of a drive not mounted,
 * would otherwise empty the folder on every device.
 *
 * So, first, it refuses (unless forced) what looks like another folder: an empty folder while
 * there is something to sync, most of the files this device last saw there missing, or another
 * synced folder's marker. Then, attaching, it forgets the file index rows of whatever is not in
 * the folder now before it writes the marker: the scans that follow see those paths as never
 * seen here (not as deleted) and the disk is brought in line with the store, which writes them
 * back. Nothing is deleted anywhere by re-attaching, forced or not; files the folder holds are
 * recorded as a scan records any change (a file the store has with other content is a change
 * on the version this device last saw there).
 */

/** What the decision needs to know of the folder, the index and the store. */
export interface AttachFacts {
  /** The folder as `FolderGuard.check` found it; null: attached already. */
  readonly problem: FolderProblem | null;
  /** Entries at the folder's top that would sync (ignored ones and the marker aside). */
  readonly entries: number;
  /** Files in this device's file index: what it last saw in the folder. */
  readonly indexedFiles: number;
  /** Of those, the ones not in the folder now. */
  readonly missingFiles: number;
  /** Files and folders the store has (not deleted): what an empty folder would be filled with. */
  readonly storeEntries: number;
  /** Whether the device has a hub to fetch missing files' contents from. */
  readonly hasHub: boolean;
}

const refused = (
  refusal: NonNullable<FolderAttachReport['refusal']>,
  message: string,
  facts: AttachFacts,
): FolderAttachReport => ({
  outcome: 'refused',
  refusal,
  message,
  indexedFiles: facts.indexedFiles,
  missingFiles: facts.missingFiles,
});

const FORCE_HINT = `if it is the synced folder all the same, run \`${ATTACH_COMMAND} --force\` (nothing is deleted either way)`;

/** Whether to attach the folder at `folder`, with the sentence that says what and why. Pure. */
export function decideAttach(
  facts: AttachFacts,
  folder: string,
  force: boolean,
): FolderAttachReport {
  const { problem, indexedFiles, missingFiles } = facts;
  if (problem === null)
    return {
      outcome: 'already',
      refusal: null,
      message: `${folder} is attached already (its marker file ${MARKER_FILE} is there): nothing to do`,
      indexedFiles,
      missingFiles,
    };
  if (problem === 'missing')
    return refused(
      'folder-missing',
      `there is no folder at ${folder}: nothing to attach; syncing resumes by itself once the folder is back at that path`,
      facts,
    );
  if (!force) {
    if (problem === 'marker-other')
      return refused(
        'other-folder',
        `${folder} holds the marker file of another synced folder (${MARKER_FILE}): it may be another device's folder or drive; ${FORCE_HINT}`,
        facts,
      );
    if (facts.entries === 0 && (indexedFiles > 0 || facts.storeEntries > 0)) {
      const had =
        indexedFiles > 0
          ? `this device last saw ${countOf(indexedFiles, 'file')} there`
          : `the synced folder holds ${countOf(facts.storeEntries, 'file or folder', 'files and folders')}`;
      return refused(
        'folder-empty',
        `${folder} is empty, but ${had}: it may be a fresh folder or a drive not mounted, and attaching it would fill it with every file again; ${FORCE_HINT}`,
        facts,
      );
    }
    // More than half: a folder the user kept working in loses a few files, not most of them.
    if (missingFiles * 2 > indexedFiles)
      return refused(
        'files-missing',
        `${missingFiles.toLocaleString('en-US')} of the ${countOf(indexedFiles, 'file')} this device last saw in ${folder} are not there: it may be another folder or drive; ${FORCE_HINT}`,
        facts,
      );
  }
  const one = missingFiles === 1;
  const back =
    missingFiles === 0
      ? ''
      : `; the ${countOf(missingFiles, 'file')} not there ${one ? 'is' : 'are'} not taken as deleted${facts.hasHub ? `: ${one ? 'it is' : 'they are'} written back from the hub` : ''}`;
  return {
    outcome: 'attached',
    refusal: null,
    message: `attached ${folder} as the synced folder${back}`,
    indexedFiles,
    missingFiles,
  };
}

/** What `attachFolder` works on: the device's parts. */
export interface AttachParts {
  /** The folder as configured (the path the guard checks). */
  readonly folder: string;
  readonly guard: FolderGuard;
  readonly index: FileIndex;
  readonly rules: IgnoreRules;
  readonly storeEntries: () => Promise<number>;
  readonly hasHub: boolean;
}

/**
 * Decides (`decideAttach`) and, when it attaches, forgets the index rows of the paths not in the
 * folder and then writes the marker, in that order: a running device's scans start as soon as
 * the marker is there, and must not find those rows.
 */
export async function attachFolder(
  parts: AttachParts,
  force: boolean,
): Promise<FolderAttachReport> {
  const problem = await parts.guard.check();
  const base = { problem, entries: 0, indexedFiles: 0, missingFiles: 0, storeEntries: 0 };
  if (problem === null || problem === 'missing')
    return decideAttach({ ...base, hasHub: parts.hasHub }, parts.folder, force);
  const indexed = [...(await parts.index.all()).values()];
  const missing: string[] = [];
  let missingFiles = 0;
  for (const entry of indexed) {
    if (await isThere(parts.folder, entry.path)) continue;
    missing.push(entry.path);
    if (entry.kind === 'file') missingFiles++;
  }
  const facts: AttachFacts = {
    problem,
    entries: await syncedEntriesAtTop(parts.folder, parts.rules),
    indexedFiles: indexed.filter((e) => e.kind === 'file').length,
    missingFiles,
    storeEntries: await parts.storeEntries(),
    hasHub: parts.hasHub,
  };
  const report = decideAttach(facts, parts.folder, force);
  if (report.outcome !== 'attached') return report;
  await parts.index.deleteMany(missing);
  await parts.guard.attach();
  return report;
}

/** Whether anything is at an indexed path (lstat: a symlink's target is not followed). */
async function isThere(folder: string, entityPath: string): Promise<boolean> {
  try {
    await lstat(path.join(folder, ...entityPath.split('/')));
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // Gone, or a file where a folder above it was: nothing at the path.
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    // Can't look (permissions): not counted as missing, as the scanner records no deletion there.
    if (code === 'EACCES' || code === 'EPERM') return true;
    throw e;
  }
}

/** Entries at the folder's top that sync: not ignored on this device, not the marker. */
async function syncedEntriesAtTop(folder: string, rules: IgnoreRules): Promise<number> {
  const entries = await readdir(folder, { withFileTypes: true });
  return entries.filter((e) => !rules.excludes(e.name, e.isDirectory())).length;
}
