import { lstatSync, unlinkSync } from 'node:fs';
import { TEMP_PREFIX } from './ignoreRules.js';

/**
 * Our temp files' names: `.ng-tmp-` and 12 hex digits (one random draw), then for the
 * materializer's a counter in base 36. A user's file is very unlikely to be named so exactly.
 */
const OUR_TEMP = new RegExp(`^${TEMP_PREFIX.replace(/\./g, '\\.')}[0-9a-f]{12}(-[0-9a-z]+)?$`);

/**
 * A temp file is left over (from a crash or a kill mid-write) once its status has not changed
 * for this long. ctime, not mtime: a temp file being written gets the remote version's mtime
 * before it is renamed, and no one can set a ctime.
 */
const STALE_AFTER_MS = 60 * 60 * 1000;

/**
 * Removes `abs` if it is one of our temp files (by name) and left over (by age); returns whether
 * it did. Full scans call it for the temp files they skip, so a crash's leftovers do not stay in
 * the folder. Errors (gone meanwhile, no permission) leave it for the next scan.
 */
export function removeIfStaleTemp(abs: string, name: string, now = Date.now()): boolean {
  if (!OUR_TEMP.test(name)) return false;
  try {
    const st = lstatSync(abs, { throwIfNoEntry: false });
    if (!st?.isFile() || now - st.ctimeMs < STALE_AFTER_MS) return false;
    unlinkSync(abs);
    return true;
  } catch {
    return false;
  }
}
