import type { Stats } from 'node:fs';
import { lstat, mkdir } from 'node:fs/promises';
import { lstatQuiet } from './localIo.js';
import path from 'node:path';
import { NetGuardianError } from '../../../src-shared/errors.js';
import { nameProblem } from '../../../src-shared/nameRules.js';
import { validateEntityPath } from '../../../src-shared/paths.js';
import { err, ok, type Result } from '../../../src-shared/result.js';

/**
 * Where the folder layer may touch the disk: only under the root's real path,
 * never through a symlink, never in a repository's `.git`. Every path it writes,
 * moves or reads for reuse comes from an entity id (possibly a peer's) and goes
 * through here.
 *
 * Limit: the checks run just before the operation, not atomically with it (no
 * openat in Node); a local process racing to swap a folder for a symlink in
 * between is outside what this defends against. Peers' paths are.
 */

type PathResult<T> = Result<T, NetGuardianError>;

const escapes = (entityId: string, why: string) =>
  new NetGuardianError(
    'PathEscapesRoot',
    `refusing ${JSON.stringify(entityId)}: ${why}`,
    'entityId',
  );

/** Characters HFS+ leaves out of names (`.g\u200cit` is `.git` there), as git's own check has it. */
const HFS_IGNORABLE = /[\u200c-\u200f\u202a-\u202e\u206a-\u206f\ufeff]/g;

/**
 * Whether a path segment is git's own folder on some file system: `.git` in any case (macOS and
 * Windows fold case), with trailing dots or spaces or an NTFS stream suffix (Windows drops or
 * reads past them), with characters HFS+ ignores, or as its 8.3 short name `git~1`.
 */
export function isGitSegment(segment: string): boolean {
  const name = segment
    .replace(HFS_IGNORABLE, '')
    .replace(/:.*$/, '')
    .replace(/[. ]+$/, '')
    .toLowerCase();
  return name === '.git' || name === 'git~1';
}

/**
 * Nothing is written, moved or removed in a repository's `.git` (hooks and config there are run
 * by git), whatever the ignore rules say: they leave `.git` out already, and this holds even if
 * they did not. Checked here, where every write and move of the folder layer resolves its path.
 */
function refuseGitPath(entityId: string): NetGuardianError | undefined {
  if (!entityId.split('/').some(isGitSegment)) return undefined;
  return escapes(entityId, 'it is in a .git folder, which belongs to git and is never synced');
}

/** `a/b/c` → `['a', 'a/b']`: the folders that must exist (as real folders) to hold it. */
export function ancestorsOf(entityId: string): string[] {
  const parts = entityId.split('/');
  const out: string[] = [];
  for (let i = 1; i < parts.length; i++) out.push(parts.slice(0, i).join('/'));
  return out;
}

/**
 * The absolute path of an entity under `rootReal` (a realpath). Refuses ids
 * that are not valid entity paths; ids that would leave the root (`..`,
 * absolute) are refused as PathEscapesRoot.
 */
export function entityAbsPath(rootReal: string, entityId: string): PathResult<string> {
  const valid = validateEntityPath(entityId);
  if (!valid.ok) {
    const hostile =
      entityId.startsWith('/') ||
      /^[A-Za-z]:/.test(entityId) ||
      entityId.split(/[\\/]/).some((s) => s === '..');
    return hostile ? err(escapes(entityId, valid.error.message)) : valid;
  }
  // A name this platform can't hold is never joined into a path (on Windows `a\\..\\b` would
  // climb). The materializer lists such names before it gets here (nameScreen.ts).
  const why = nameProblem(entityId, process.platform);
  if (why !== undefined)
    return err(
      new NetGuardianError(
        'InvalidPath',
        `path ${JSON.stringify(entityId)} can't be used on this device: its name ${why}`,
        'entityId',
      ),
    );
  const abs = path.join(rootReal, ...entityId.split('/'));
  if (!abs.startsWith(rootReal + path.sep))
    return err(escapes(entityId, 'it resolves outside the root'));
  return ok(abs);
}

/** lstat, or `undefined` when nothing is there (made synchronously: see localIo.ts). */
export async function lstatOrUndefined(abs: string): Promise<Stats | undefined> {
  return Promise.resolve(lstatQuiet(abs));
}

/**
 * Folders already checked (or created) as real folders during one batch of
 * work, so each is looked at once per batch rather than once per file in it.
 */
export type CheckedDirs = Set<string>;

/**
 * Checks the folders above an entity: each that exists must be a real folder
 * (not a symlink, not a file). Returns the ancestors that do not exist yet.
 */
export async function checkAncestors(
  rootReal: string,
  entityId: string,
  checked?: CheckedDirs,
): Promise<PathResult<string[]>> {
  const ancestors = ancestorsOf(entityId);
  for (const [i, dir] of ancestors.entries()) {
    if (checked?.has(dir)) continue;
    const st = await lstatOrUndefined(path.join(rootReal, ...dir.split('/')));
    if (!st) return ok(ancestors.slice(i));
    if (st.isSymbolicLink()) return err(escapes(entityId, `${dir} is a symlink`));
    if (!st.isDirectory()) {
      return err(
        new NetGuardianError(
          'PathBlocked',
          `cannot place ${JSON.stringify(entityId)}: ${dir} is a file here, not a folder (on another device it is a folder); move or rename one of them`,
          'entityId',
        ),
      );
    }
    checked?.add(dir);
  }
  return ok([]);
}

/**
 * Resolves an entity for writing: validates it (never in a `.git` folder), checks its ancestors, and
 * creates the missing ones one level at a time (re-checking each, so a
 * symlink appearing meanwhile is still refused). Returns the absolute path
 * and the folders it created.
 */
export async function prepareTarget(
  rootReal: string,
  entityId: string,
  checked?: CheckedDirs,
): Promise<PathResult<{ abs: string; createdDirs: string[] }>> {
  const inGit = refuseGitPath(entityId);
  if (inGit) return err(inGit);
  const abs = entityAbsPath(rootReal, entityId);
  if (!abs.ok) return abs;
  const missing = await checkAncestors(rootReal, entityId, checked);
  if (!missing.ok) return missing;
  for (const dir of missing.value) {
    const dirAbs = path.join(rootReal, ...dir.split('/'));
    try {
      await mkdir(dirAbs);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const st = await lstat(dirAbs);
      if (!st.isDirectory()) return err(escapes(entityId, `${dir} is not a folder`));
    }
    checked?.add(dir);
  }
  return ok({ abs: abs.value, createdDirs: missing.value });
}

/**
 * Resolves an entity for reading or moving what is there: validated (never in a `.git` folder),
 * and no ancestor is a symlink. `undefined` when an ancestor is missing (so is it).
 */
export async function resolveExisting(
  rootReal: string,
  entityId: string,
  checked?: CheckedDirs,
): Promise<PathResult<string | undefined>> {
  const inGit = refuseGitPath(entityId);
  if (inGit) return err(inGit);
  const abs = entityAbsPath(rootReal, entityId);
  if (!abs.ok) return abs;
  const missing = await checkAncestors(rootReal, entityId, checked);
  if (!missing.ok) return missing;
  return ok(missing.value.length > 0 ? undefined : abs.value);
}
