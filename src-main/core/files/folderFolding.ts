import { randomBytes } from 'node:crypto';
import { closeSync, constants, openSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { NameFolding } from '../../../src-shared/nameRules.js';
import { TEMP_PREFIX } from './ignoreRules.js';
import { lstatQuiet, removeQuietly } from './localIo.js';
import { caseProbeName } from './tempFiles.js';

/**
 * Whether a folder tells names apart by case and by Unicode normalization, found by asking the
 * folder itself: the platform does not say (Linux can mount a case-insensitive volume, a Mac can
 * format its disk case-sensitive). A probe file with a lowercase NFC `é` in its name is created
 * at the root, then its uppercase spelling and its NFD spelling are looked up: found, the folder
 * holds them as one file.
 *
 * The probe is named as our temp files are (`caseProbeName`), so nothing records or syncs it;
 * one left by a crash is removed by the next start's sweep of temp files, or the next probe.
 */

const PROBE_MARK = 'case-probe-';
const probeName = caseProbeName;

/** When the folder can't be probed (read-only, gone): what its platform usually does. */
export function usualFolding(platform: string): NameFolding {
  if (platform === 'darwin') return { caseInsensitive: true, normalizationInsensitive: true };
  if (platform === 'win32') return { caseInsensitive: true, normalizationInsensitive: false };
  return { caseInsensitive: false, normalizationInsensitive: false };
}

export function probeFolding(rootReal: string, platform: string = process.platform): NameFolding {
  removeLeftoverProbes(rootReal);
  const id = randomBytes(6).toString('hex');
  const created = path.join(rootReal, probeName(id));
  try {
    closeSync(openSync(created, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600));
  } catch {
    return usualFolding(platform);
  }
  try {
    const upper = path.join(rootReal, probeName(id).toUpperCase());
    const nfd = path.join(rootReal, probeName(id).normalize('NFD'));
    return {
      caseInsensitive: lstatQuiet(upper) !== undefined,
      normalizationInsensitive: lstatQuiet(nfd) !== undefined,
    };
  } finally {
    removeQuietly(created);
  }
}

function removeLeftoverProbes(rootReal: string): void {
  let names: string[];
  try {
    names = readdirSync(rootReal);
  } catch {
    return;
  }
  for (const name of names)
    if (name.startsWith(`${TEMP_PREFIX}${PROBE_MARK}`)) removeQuietly(path.join(rootReal, name));
}
