import { link, lstat, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { NetGuardianError } from '../../../src-shared/errors.js';
import { normalizeEntityPath } from '../../../src-shared/paths.js';
import { err, ok, type Result } from '../../../src-shared/result.js';
import { fsyncDir } from './durableFs.js';
import { lstatOrUndefined, prepareTarget, resolveExisting } from './safePaths.js';
import type { Trash, TrashRecord } from './trash.js';

/**
 * What a person does to files from the app, done in the folder as a file manager would: rename
 * in place, move to the trash. The scanner then records the change like any other, so it syncs
 * like one made in the file manager. Nothing is ever written over, and nothing leaves the folder
 * except into this device's trash, where it stays restorable.
 */

const parentOf = (entityId: string) => entityId.slice(0, Math.max(0, entityId.lastIndexOf('/')));
const nameOf = (entityId: string) => entityId.slice(entityId.lastIndexOf('/') + 1);

const missing = (entityId: string) =>
  new NetGuardianError(
    'NotFound',
    `${entityId} is no longer in the folder (it may have been moved or deleted meanwhile)`,
    'path',
  );

/** The path `entityId` gets when renamed to `name` in its folder, or why that name can't be. */
export function renamedPath(entityId: string, name: string): Result<string, NetGuardianError> {
  const trimmed = name.trim();
  if (trimmed === '')
    return err(new NetGuardianError('InvalidArgument', 'The new name is empty.', 'name'));
  if (/[/\\]/.test(trimmed))
    return err(
      new NetGuardianError(
        'InvalidArgument',
        `“${trimmed}” can't be a name: a name can't hold “/” or “\\”.`,
        'name',
      ),
    );
  if (trimmed === '.' || trimmed === '..')
    return err(new NetGuardianError('InvalidArgument', `“${trimmed}” can't be a name.`, 'name'));
  const parent = parentOf(entityId);
  const to = normalizeEntityPath(parent === '' ? trimmed : `${parent}/${trimmed}`);
  if (!to.ok)
    return err(
      new NetGuardianError('InvalidArgument', `“${trimmed}” can't be a name: ${to.error.message}`),
    );
  return to;
}

/**
 * Renames `from` to `name` in the same folder; answers the new path. A file is linked under its
 * new name and then unlinked (the link fails if the name is taken, so nothing is written over
 * even if it appeared a moment ago); a folder is renamed after checking the name is free.
 */
export async function renameInFolder(
  rootReal: string,
  from: string,
  name: string,
): Promise<Result<string, NetGuardianError>> {
  const to = renamedPath(from, name);
  if (!to.ok) return to;
  if (to.value === from) return ok(from);
  const source = await resolveExisting(rootReal, from);
  if (!source.ok) return source;
  const sourceStat = source.value === undefined ? undefined : await lstatOrUndefined(source.value);
  if (source.value === undefined || !sourceStat) return err(missing(from));
  const target = await prepareTarget(rootReal, to.value);
  if (!target.ok) return target;
  const taken = () =>
    err(
      new NetGuardianError(
        'DuplicatePath',
        `There is already something called “${nameOf(to.value)}” in ${parentOf(to.value) || 'the folder'}; nothing was renamed.`,
        'name',
      ),
    );
  const existing = await lstatOrUndefined(target.value.abs);
  // The same entry under a name that differs only in case, on a folder that folds case: a rename.
  const sameEntry =
    existing !== undefined &&
    to.value.toLowerCase() === from.toLowerCase() &&
    existing.ino === sourceStat.ino &&
    existing.dev === sourceStat.dev;
  if (existing && !sameEntry) return taken();
  try {
    if (sourceStat.isDirectory() || sameEntry) await rename(source.value, target.value.abs);
    else {
      try {
        await link(source.value, target.value.abs);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') return taken();
        // A file system without hard links (FAT, some network shares): checked above, renamed.
        if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV') throw e;
        if (await lstatOrUndefined(target.value.abs)) return taken();
        await rename(source.value, target.value.abs);
      }
      if ((await lstatOrUndefined(source.value))?.ino === sourceStat.ino)
        await unlink(source.value);
    }
    await fsyncDir(path.dirname(target.value.abs));
  } catch (e) {
    return err(
      new NetGuardianError(
        'FileSystemError',
        `${from} could not be renamed: ${(e as Error).message}`,
        'path',
      ),
    );
  }
  return ok(to.value);
}

/** Moves `entityId` from the folder into the trash, where `trash:restore` can put it back. */
export async function moveToTrash(
  rootReal: string,
  trash: Trash,
  entityId: string,
): Promise<Result<TrashRecord, NetGuardianError>> {
  const source = await resolveExisting(rootReal, entityId);
  if (!source.ok) return source;
  if (source.value === undefined) return err(missing(entityId));
  let st;
  try {
    st = await lstat(source.value);
  } catch {
    return err(missing(entityId));
  }
  if (st.isSymbolicLink())
    return err(
      new NetGuardianError(
        'InvalidArgument',
        `${entityId} is a link, which NetGuardian doesn't sync; delete it in the file manager.`,
        'path',
      ),
    );
  try {
    return ok(
      await trash.move(source.value, {
        path: entityId,
        kind: st.isDirectory() ? 'dir' : 'file',
        hash: null,
        size: st.isDirectory() ? 0 : st.size,
        reason: 'deleted',
      }),
    );
  } catch (e) {
    return err(
      new NetGuardianError(
        'FileSystemError',
        `${entityId} could not be moved to the trash: ${(e as Error).message}`,
        'path',
      ),
    );
  }
}
