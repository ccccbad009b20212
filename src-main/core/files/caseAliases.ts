import { readdirSync, realpathSync, type Stats } from 'node:fs';
import path from 'node:path';

/**
 * Names a file system takes for one. macOS's and Windows' file systems ignore case by default
 * (and HFS+ Unicode normalization): asked for `README.md`, they find the entry listed as
 * `Readme.md`, so two entity ids can reach one entry. The folder layer must see through that:
 * a peer's case-only rename (`Readme.md` → `README.md`) renames the entry rather than writing a
 * second file over it, the old name's removal does not remove the entry, and a scan does not
 * record the old name as a file still there.
 */

/** What two names have in common when such a file system takes them for one. */
export const foldKey = (id: string): string => id.normalize('NFC').toLowerCase();

/** Whether two lstats are of one entry. */
export const sameEntry = (a: Stats, b: Stats): boolean => a.dev === b.dev && a.ino === b.ino;

const toId = (rootReal: string, abs: string): string =>
  path.relative(rootReal, abs).split(path.sep).join('/').normalize('NFC');

/**
 * The entity id the entry found at `id` is listed under, when that is another name for it (a
 * case or normalization variant); undefined when it is listed as `id`, or nothing is there.
 * Asks the OS for the path as stored: macOS and Windows give the stored case. (Linux's
 * case-folding folders do not: see `listedByReading`.)
 */
export function listedAs(rootReal: string, id: string): string | undefined {
  let real: string;
  try {
    real = realpathSync.native(path.join(rootReal, ...id.split('/')));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw e;
  }
  const listed = toId(rootReal, real);
  return listed !== id.normalize('NFC') && foldKey(listed) === foldKey(id) ? listed : undefined;
}

/**
 * `listedAs` by reading the folders on the way (each component's listing), for file systems
 * whose realpath keeps the name it was given. A listing per level: only for the rare paths
 * found to share their entry with another name.
 */
export function listedByReading(rootReal: string, id: string): string | undefined {
  const listed: string[] = [];
  for (const name of id.split('/')) {
    const names = readdirSync(path.join(rootReal, ...listed)).map((n) => n.normalize('NFC'));
    const wanted = name.normalize('NFC');
    if (names.includes(wanted)) listed.push(wanted);
    else {
      const other = names.find((n) => foldKey(n) === foldKey(wanted));
      if (other === undefined) return undefined;
      listed.push(other);
    }
  }
  const other = listed.join('/');
  return other === id.normalize('NFC') ? undefined : other;
}
