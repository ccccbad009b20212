import { randomBytes } from 'node:crypto';
import { unlinkSync } from 'node:fs';
import path from 'node:path';
import { TEMP_PREFIX } from './ignoreRules.js';

/**
 * Our temp files: how they are named, and which of them a write still owns ("in flight").
 *
 * Every temp file we create, in the synced folder or in the data directory, is named by
 * `nextTempName`, and is in flight from that moment until its write renames it into place or
 * gives it up (`releaseTemp`, `discardTemp`). One process owns a device's data directory and
 * folder (the owner's lock), so a file named as ours that is not in flight in this process
 * belongs to no write: a crash's leftover, or one whose write failed to remove it because the
 * user moved its folder meanwhile. staleTemps.ts removes those wherever it finds them, at once;
 * one in flight is never touched, whatever its age.
 *
 * The registry is per process, as the names are: the counter below keeps names unique within
 * the process, so a name is never in flight twice, and every writer (the materializer, conflict
 * copies, uploads, imports, the trash, config files) draws from the same counter whatever device
 * it writes for. It holds only the names being written now (a group of the materializer's files,
 * an upload), a few bytes each.
 */

/**
 * Temp names: `.ng-tmp-`, 12 hex digits drawn once per process, `-`, a counter in base 36. A draw
 * per file cost more than the file's write on a first sync of 10,000 files; the counter keeps
 * names unique within the process, the random part across processes, and creating with `wx`
 * moves on when a name is taken all the same.
 */
const tempNames = { prefix: `${TEMP_PREFIX}${randomBytes(6).toString('hex')}-`, next: 0 };

/** Names handed out by `nextTempName` whose write has not released them yet. */
const inFlight = new Set<string>();

/**
 * Names of our temp files: `nextTempName`'s, and the same without the counter (the form older
 * versions used for every writer but the materializer). A user's file is very unlikely to be
 * named so exactly; `.ng-tmp-notes.txt` is not ours.
 */
const OUR_TEMP = new RegExp(`^${TEMP_PREFIX.replace(/\./g, '\\.')}[0-9a-f]{12}(-[0-9a-z]+)?$`);

/**
 * The probe a scan or a materializer run makes once to learn whether the folder tells names apart
 * by case and normalization (`folderFolding.ts`): ours too, so a start removes one a kill left
 * (it is created and removed in one synchronous step, so no sweep of this process ever sees one
 * in flight).
 */
export const caseProbeName = (id: string): string => `${TEMP_PREFIX}case-probe-${id}-\u00e9`;
const CASE_PROBE = new RegExp(
  `^${TEMP_PREFIX.replace(/\./g, '\\.')}case-probe-[0-9a-f]{12}-\u00e9$`,
);

export const isOurTempName = (name: string): boolean =>
  OUR_TEMP.test(name) || CASE_PROBE.test(name);

/**
 * A new temp name, in flight until the caller releases it (`releaseTemp` once its file is renamed
 * into place or removed, `discardTemp` to remove it): a caller that never does keeps the name's
 * file safe from every clean-up but the next start's.
 */
export function nextTempName(): string {
  const name = `${tempNames.prefix}${(tempNames.next++).toString(36)}`;
  inFlight.add(name);
  return name;
}

/** Whether a write still owns the temp file of this name (file name only, not a path). */
export const isTempInFlight = (name: string): boolean => inFlight.has(name);

/**
 * The write that made `temp` (a path, or its name) is done with it: renamed into place, removed,
 * or never created. From now on a file of that name is a leftover.
 */
export function releaseTemp(temp: string): void {
  inFlight.delete(path.basename(temp));
}

/**
 * Gives up a temp file: removes it and releases its name. Returns false when it was not where it
 * was made (ENOENT, ENOTDIR): its folder was moved or removed meanwhile, and if it was moved the
 * file is now elsewhere in the folder, for the caller to look for (staleTemps.ts). A file that
 * cannot be removed (permissions) is left, released: the next clean-up that meets it tries again.
 */
export function discardTemp(temp: string): boolean {
  try {
    unlinkSync(temp);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code !== 'ENOENT' && code !== 'ENOTDIR';
  } finally {
    releaseTemp(temp);
  }
}
