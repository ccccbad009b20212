import { createHash } from 'node:crypto';
import { createReadStream, constants as fsConstants, type Stats } from 'node:fs';
import {
  chmod,
  copyFile,
  lstat,
  lutimes,
  mkdir,
  readdir,
  readlink,
  realpath,
  rename,
  rm,
  rmdir,
  stat,
  statfs,
  symlink,
  utimes,
} from 'node:fs/promises';
import path from 'node:path';
import { NetGuardianError } from '../../../src-shared/errors.js';
import { formatBytes } from '../../../src-shared/words.js';

/**
 * Moving the synced folder to another place (`folder:move`). Checked first, with the device
 * still running, so a refusal changes nothing: the target must be a full path, outside the
 * folder, not holding the device's data, missing or an empty folder, in a folder that exists,
 * and, on another disk, with room for the folder. Then, with the device closed (DeviceHost), it
 * is renamed when both places are on one file system (instant, all or nothing), else copied file
 * by file (modes and times kept, symlinks as links), each copy read back and compared by SHA-256,
 * and only then is the old folder removed. A copy that fails removes what it made; the folder
 * stays where it was. The marker (`.netguardian-folder`) moves with the folder: its id is the
 * folder's, not the path's.
 */

export interface MoveProgress {
  readonly done: number;
  readonly total: number;
  readonly bytes: number;
  readonly totalBytes: number;
}

export interface MovePlan {
  readonly from: string;
  /** The target as an absolute path (what the config will hold). */
  readonly to: string;
  /** Both on one file system: a rename. */
  readonly sameDisk: boolean;
  /** The target is an empty folder that is there already (kept, filled). */
  readonly targetExists: boolean;
}

/** Bytes free to this user on the disk holding `dir` (tests give a smaller disk, as DiskSpace's do). */
export type FreeBytes = (dir: string) => Promise<number>;

const freeBytesOf: FreeBytes = async (dir) => {
  const fs = await statfs(dir);
  return fs.bavail * fs.bsize;
};

/** Free space left on the target's disk beyond the folder's bytes (a disk filled to 0 misbehaves). */
const SPARE_BYTES = 64 * 1024 * 1024;

const refuse = (message: string) => new NetGuardianError('InvalidArgument', message, 'to');

const inside = (parent: string, child: string): boolean => {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
};

/** The real path of `p`, or of its nearest existing ancestor with the rest appended. */
async function realPathSoFar(p: string): Promise<string> {
  try {
    return await realpath(p);
  } catch {
    const parent = path.dirname(p);
    if (parent === p) return p;
    return path.join(await realPathSoFar(parent), path.basename(p));
  }
}

async function lstatOrNull(p: string): Promise<Stats | null> {
  try {
    return await lstat(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/** Files and bytes under `root` (what a copy moves), and a special file if there is one. */
async function measure(
  root: string,
): Promise<{ files: number; bytes: number; special: string | null }> {
  let files = 0;
  let bytes = 0;
  const dirs = [root];
  while (dirs.length > 0) {
    const dir = dirs.pop() as string;
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const abs = path.join(dir, entry.name);
      if (entry.isDirectory()) dirs.push(abs);
      else if (entry.isFile()) {
        files += 1;
        bytes += (await lstat(abs)).size;
      } else if (entry.isSymbolicLink()) files += 1;
      else return { files, bytes, special: abs };
    }
  }
  return { files, bytes, special: null };
}

/**
 * Whether the folder may go to `to`, and how; a refusal says why in words. `from` is the
 * folder's real path, `dataDir` the device's data dir (never inside the folder).
 */
export async function planFolderMove(
  from: string,
  to: string,
  dataDir: string,
  freeBytes: FreeBytes = freeBytesOf,
): Promise<MovePlan> {
  if (!path.isAbsolute(to))
    throw refuse(
      `Give the new place as a full path (such as ${path.join(path.dirname(from), 'Synced')}), not “${to}”.`,
    );
  const target = path.resolve(to);
  const targetReal = await realPathSoFar(target);
  if (targetReal === from) throw refuse(`The folder is already at ${target}.`);
  if (inside(from, targetReal))
    throw refuse(
      `The folder can't move into itself: choose a place outside ${from}, not ${target}.`,
    );
  if (inside(targetReal, await realPathSoFar(dataDir)))
    throw refuse(
      `${target} holds NetGuardian's own data (${dataDir}), which must stay outside the synced folder: choose another place.`,
    );
  const parent = path.dirname(target);
  const parentStat = await stat(parent).catch(() => null);
  if (!parentStat?.isDirectory())
    throw refuse(`The folder ${parent} does not exist: create it first, or choose another place.`);
  const existing = await lstatOrNull(target);
  if (existing !== null) {
    if (!existing.isDirectory())
      throw refuse(
        `Something that is not a folder is already at ${target}: choose a new name or an empty folder.`,
      );
    if ((await readdir(target)).length > 0)
      throw refuse(
        `${target} is not empty: choose an empty folder or a new name, so nothing there gets mixed with your files.`,
      );
  }
  const sameDisk = (await stat(from)).dev === (existing ?? parentStat).dev;
  if (!sameDisk) await checkRoomFor(from, existing ? target : parent, freeBytes);
  return { from, to: target, sameDisk, targetExists: existing !== null };
}

async function checkRoomFor(from: string, where: string, freeBytes: FreeBytes): Promise<void> {
  const { bytes, special } = await measure(from);
  if (special !== null)
    throw refuse(
      `The folder holds ${special}, which is not a file, a folder or a link and can't be copied to another disk: remove it first, or choose a place on the same disk.`,
    );
  const free = await freeBytes(where);
  if (free < bytes + SPARE_BYTES)
    throw refuse(
      `There is not enough free space at ${where}: the folder needs ${formatBytes(bytes)} and ${formatBytes(free)} are free. Free some space or choose another disk.`,
    );
}

/** A move done on disk, before the config names the new place. */
export interface DoneMove {
  /** Puts the folder back where it was (the config could not be written). */
  readonly undo: () => Promise<void>;
  /** Once the device uses the new place: removes the old folder after a copy. */
  readonly finish: () => Promise<void>;
}

/** Moves the folder as planned (the device closed). */
export async function moveFolder(
  plan: MovePlan,
  onProgress: (progress: MoveProgress) => void,
): Promise<DoneMove> {
  let copy = plan;
  if (plan.sameDisk) {
    try {
      // The empty folder goes first: Windows renames onto no folder, even an empty one.
      if (plan.targetExists) await rmdir(plan.to);
      await rename(plan.from, plan.to);
      return {
        undo: () => rename(plan.to, plan.from),
        finish: () => Promise.resolve(),
      };
    } catch (e) {
      // One file system's two mount points (a bind mount) still refuse a rename: copy.
      if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw moveFailed(plan, e);
      copy = { ...plan, targetExists: false };
      await checkRoomFor(plan.from, path.dirname(plan.to), freeBytesOf);
    }
  }
  await copyVerified(copy, onProgress);
  return {
    // The old folder is whole until `finish`: undoing drops the copy.
    undo: () => removeCopy(copy),
    finish: () => rm(plan.from, { recursive: true, force: true }),
  };
}

/** Removes what a copy made: a target folder that was there (empty) stays, empty. */
async function removeCopy(plan: MovePlan): Promise<void> {
  if (plan.targetExists) {
    for (const name of await readdir(plan.to).catch(() => []))
      await rm(path.join(plan.to, name), { recursive: true, force: true });
  } else await rm(plan.to, { recursive: true, force: true });
}

const moveFailed = (plan: MovePlan, e: unknown) =>
  new NetGuardianError(
    'FileSystemError',
    `Could not move the folder to ${plan.to}: ${(e as Error).message}. It is still at ${plan.from}.`,
    'to',
  );

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const piece of createReadStream(file)) hash.update(piece as Buffer);
  return hash.digest('hex');
}

/** Copies the tree, each file read back and compared; on failure removes what it made. */
async function copyVerified(
  plan: MovePlan,
  onProgress: (progress: MoveProgress) => void,
): Promise<void> {
  const { files: total, bytes: totalBytes } = await measure(plan.from);
  let done = 0;
  let bytes = 0;
  onProgress({ done, total, bytes, totalBytes });
  // Folders' times are set after their contents (writing into a folder changes its time).
  const folders: { src: string; dst: string; st: Stats }[] = [];
  const copyDir = async (src: string, dst: string, made: boolean) => {
    const st = await lstat(src);
    if (made) await mkdir(dst, { mode: st.mode & 0o7777 });
    folders.push({ src, dst, st });
    for (const entry of await readdir(src, { withFileTypes: true })) {
      const from = path.join(src, entry.name);
      const to = path.join(dst, entry.name);
      if (entry.isDirectory()) await copyDir(from, to, true);
      else if (entry.isSymbolicLink()) {
        await symlink(await readlink(from), to);
        const lst = await lstat(from);
        await lutimes(to, lst.atime, lst.mtime).catch(() => undefined);
        done += 1;
      } else if (entry.isFile()) {
        const fst = await lstat(from);
        await copyFile(from, to, fsConstants.COPYFILE_EXCL);
        await chmod(to, fst.mode & 0o7777);
        await utimes(to, fst.atime, fst.mtime);
        if ((await sha256Of(from)) !== (await sha256Of(to)))
          throw new Error(`the copy of ${from} differs from it`);
        done += 1;
        bytes += fst.size;
      }
      onProgress({ done, total, bytes, totalBytes });
    }
  };
  try {
    await copyDir(plan.from, plan.to, !plan.targetExists);
    for (const f of folders.reverse()) {
      await chmod(f.dst, f.st.mode & 0o7777);
      await utimes(f.dst, f.st.atime, f.st.mtime);
    }
  } catch (e) {
    await removeCopy(plan);
    throw moveFailed(plan, e);
  }
}
