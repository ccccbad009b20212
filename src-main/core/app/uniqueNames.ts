import { link, mkdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { NetGuardianError } from '../../../src-shared/errors.js';
import { fsyncDir, renameDurably } from '../files/durableFs.js';
import { lstatOrUndefined } from '../files/safePaths.js';

/**
 * New names that never replace what is there: "name.ext", then "name (2).ext",
 * "name (3).ext", … taken with operations that fail when the name exists
 * (link, mkdir), so a file appearing meanwhile is not overwritten either.
 */

/** `report.pdf`, 2 → `report (2).pdf`; `.bashrc`, 2 → `.bashrc (2)`; `notes`, 3 → `notes (3)`. */
export function numberedName(name: string, n: number): string {
  if (n <= 1) return name;
  const dot = name.lastIndexOf('.');
  return dot > 0 ? `${name.slice(0, dot)} (${n})${name.slice(dot)}` : `${name} (${n})`;
}

/**
 * Places `tmp` (beside `dir/name`, its content already durable) at `dir/name` or the first free
 * numbered name, durably (the folder is fsynced); returns the name used.
 */
export async function linkUnique(tmp: string, dir: string, name: string): Promise<string> {
  for (let n = 1; n < 10_000; n++) {
    const candidate = numberedName(name, n);
    const target = path.join(dir, candidate);
    try {
      await link(tmp, target);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') continue;
      // No hard links on this file system: check, then rename (a small race, no silent loss).
      if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'EXDEV') {
        if (await lstatOrUndefined(target)) continue;
        await renameDurably(tmp, target);
        return candidate;
      }
      throw e;
    }
    await unlink(tmp);
    // One fsync makes both the new name and the temp name's removal durable.
    await fsyncDir(dir);
    return candidate;
  }
  throw new NetGuardianError('FileSystemError', `no free name for ${name} in ${dir}`, 'paths');
}

/**
 * Creates `dir/name` or the first free numbered name as a new folder, durably (`dir` is fsynced,
 * so files placed durably in it later do not vanish with it); returns the name used.
 */
export async function mkdirUnique(dir: string, name: string): Promise<string> {
  for (let n = 1; n < 10_000; n++) {
    const candidate = numberedName(name, n);
    try {
      await mkdir(path.join(dir, candidate));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw e;
    }
    await fsyncDir(dir);
    return candidate;
  }
  throw new NetGuardianError('FileSystemError', `no free name for ${name} in ${dir}`, 'paths');
}
