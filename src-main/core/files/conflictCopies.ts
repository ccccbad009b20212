import path from 'node:path';
import { conflictCopyPath } from '../../../src-shared/conflictNames.js';
import type { FileVersion, FileView } from '../../../src-shared/crdt/fileEntity.js';
import type { ErrorCode } from '../../../src-shared/errors.js';
import { isDirectoryContent } from '../../../src-shared/fileKinds.js';
import type { Json } from '../../../src-shared/json.js';
import type { CRDTManager } from '../crdtManager.js';
import { writeTempFile, type ChunkResolver } from './contentWriter.js';
import type { DiskSpace } from './diskSpace.js';
import { renameDurably } from './durableFs.js';
import type { IndexEntry } from './fileIndex.js';
import { entityAbsPath, lstatOrUndefined, prepareTarget, type CheckedDirs } from './safePaths.js';
import { releaseTemp } from './tempFiles.js';

export interface ConflictCopyContext {
  readonly rootReal: string;
  readonly manager: CRDTManager;
  readonly resolver: ChunkResolver;
  readonly checkedDirs: CheckedDirs;
  /** Indexed files likely to hold the losers' chunks (the file at the entity's path). */
  readonly hints: readonly IndexEntry[];
  /** Gives up a temp file not renamed into place (the materializer's `DiscardedTemps`). */
  readonly discard: (temp: string) => void;
  /** The folder's disk: a copy it has no room for is not written (`NoSpace`, contentWriter.ts). */
  readonly space?: DiskSpace;
}

export interface ConflictCopyResult {
  readonly written: string[];
  readonly errors: { path: string; code: ErrorCode; message: string }[];
}

/**
 * Writes each losing content sibling of `view` as a file next to it, named
 * from the losing version alone (`conflictCopyPath`), so every device that
 * sees the conflict writes the same copy, with the version's modification
 * time. Written only when nothing is at that path and the store has no entity
 * there (a copy a peer recorded comes through its own entity; one a user
 * deleted stays deleted; one a user edited is theirs). So a copy holds other
 * bytes than its version's only if a user put them there: the name is unique
 * per content (its hash is in it), the bytes written are checked against that
 * hash, and nothing is ever written over an existing file. The copies are new
 * local files: the caller has the scanner record them, and identical copies
 * recorded by several devices are one version, not a new conflict.
 */
export async function writeConflictCopies(
  id: string,
  view: FileView,
  context: ConflictCopyContext,
): Promise<ConflictCopyResult> {
  const result: ConflictCopyResult = { written: [], errors: [] };
  const fail = (p: string, e: { code: ErrorCode; message: string }) =>
    result.errors.push({ path: p, code: e.code, message: e.message });
  for (const loser of view.conflicts) {
    if (!loser.value || isDirectoryContent(loser.value)) continue;
    const copyId = conflictCopyPath(id, loser);
    const abs = entityAbsPath(context.rootReal, copyId);
    if (!abs.ok) {
      fail(copyId, abs.error);
      continue;
    }
    if (await context.manager.getFileState(copyId)) continue;
    const target = await prepareTarget(context.rootReal, copyId, context.checkedDirs);
    if (!target.ok) {
      fail(copyId, target.error);
      continue;
    }
    if (await lstatOrUndefined(target.value.abs)) continue;
    const temp = await writeTempFile(
      path.dirname(target.value.abs),
      loser.value,
      context.resolver,
      context.hints,
      { mode: 0o644, ...mtimeToWrite(loser) },
      { discard: context.discard, space: context.space },
    );
    if (!temp.ok) {
      fail(copyId, temp.error);
      continue;
    }
    // Something appeared there meanwhile: it is left alone.
    if (await lstatOrUndefined(target.value.abs)) {
      context.discard(temp.value);
      continue;
    }
    try {
      // Durable before the caller records it (the temp file was fsynced by writeTempFile).
      await renameDurably(temp.value, target.value.abs);
    } catch (e) {
      // Not renamed (its folder moved meanwhile?), or renamed and the folder's fsync failed:
      // either way the temp name is given up.
      context.discard(temp.value);
      throw e;
    }
    releaseTemp(temp.value);
    result.written.push(copyId);
  }
  return result;
}

/**
 * The modification time a file written from `version` gets: the one recorded with the version.
 * `fallback` is the file's `mtimeMs` field, for versions recorded before versions carried it.
 */
export function mtimeToWrite(
  version: FileVersion | undefined,
  fallback?: Json,
): { mtimeMs?: number } {
  const m = version?.mtimeMs ?? fallback;
  return typeof m === 'number' && Number.isFinite(m) && m >= 0 ? { mtimeMs: m } : {};
}
