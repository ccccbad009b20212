import { readdirSync, realpathSync, type Stats } from 'node:fs';
import path from 'node:path';
import { foldKey, type NameFolding } from '../../../src-shared/nameRules.js';

/**
 * Names a folder takes for one. On a folder that does not tell case (macOS's and Windows'
 * defaults) or Unicode normalization (macOS) apart (`folderFolding.ts`), asking for `README.md`
 * finds the entry listed as `Readme.md`: two entity ids reach one entry. The folder layer sees
 * through that: a peer's case-only rename (`Readme.md` → `README.md`) renames the entry rather
 * than writing a second file over it, the old name's removal does not remove the entry, and a
 * scan does not record the old name as a file still there. On a folder that tells every name
 * apart (Linux, usually) none of this looks at the disk.
 */

export const foldsNames = (folding: NameFolding): boolean =>
  folding.caseInsensitive || folding.normalizationInsensitive;

/** Whether two lstats are of one entry. */
export const sameEntry = (a: Stats, b: Stats): boolean => a.dev === b.dev && a.ino === b.ino;

/**
 * The entity id the entry found at `id` is listed under, when that is another spelling of it;
 * undefined when it is listed as `id`, or nothing is there. Asks the OS for the path as stored
 * (realpath: macOS and Windows give the stored spelling; Linux's case-folding folders do not,
 * see `listedByReading`).
 */
export function listedAs(rootReal: string, id: string, folding: NameFolding): string | undefined {
  if (!foldsNames(folding)) return undefined;
  let real: string;
  try {
    real = realpathSync.native(path.join(rootReal, ...id.split('/')));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw e;
  }
  const listed = path.relative(rootReal, real).split(path.sep).join('/');
  return listed !== id && foldKey(listed, folding) === foldKey(id, folding) ? listed : undefined;
}

/**
 * `listedAs` by reading the folders on the way (a listing per level), for file systems whose
 * realpath keeps the spelling it was given: only for the rare paths found to share their entry
 * with another name.
 */
export function listedByReading(
  rootReal: string,
  id: string,
  folding: NameFolding,
): string | undefined {
  if (!foldsNames(folding)) return undefined;
  const listed: string[] = [];
  for (const name of id.split('/')) {
    const names = readdirSync(path.join(rootReal, ...listed));
    if (names.includes(name)) listed.push(name);
    else {
      const other = names.find((n) => foldKey(n, folding) === foldKey(name, folding));
      if (other === undefined) return undefined;
      listed.push(other);
    }
  }
  const other = listed.join('/');
  return other === id ? undefined : other;
}
