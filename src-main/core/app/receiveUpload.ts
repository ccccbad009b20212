import { open } from 'node:fs/promises';
import path from 'node:path';
import { NetGuardianError } from '../../../src-shared/errors.js';
import { normalizeEntityPath } from '../../../src-shared/paths.js';
import { refusalError, type DiskSpace } from '../files/diskSpace.js';
import { fsyncDirs, tempPathBeside } from '../files/durableFs.js';
import { entityAbsPath, prepareTarget } from '../files/safePaths.js';
import { giveUpTemp } from '../files/staleTemps.js';
import { releaseTemp } from '../files/tempFiles.js';
import type { ImportProgress } from './importFiles.js';
import { linkUnique } from './uniqueNames.js';

/**
 * One file uploaded into the folder (the headless UI's drag and drop): the
 * bytes stream into a temp file next to the target (never synced), which is
 * fsynced and linked into place under the given name, or "name (2).ext" when
 * that is taken; its folder, and those holding folders created for it, are
 * fsynced. Nothing is overwritten; a failed upload leaves nothing behind.
 */

export interface UploadContext {
  readonly root: string;
  readonly record: (entityPaths: readonly string[]) => Promise<void>;
  readonly onProgress: (progress: ImportProgress) => void;
  /** Refuse bodies larger than this many bytes. */
  readonly maxBytes?: number;
  /** The folder's disk: an upload it has no room for (keeping its reserve) is refused first. */
  readonly space?: DiskSpace;
}

export interface UploadResult {
  /** Where it landed (differs from the asked path when the name was taken). */
  readonly path: string;
  readonly size: number;
}

const DEFAULT_MAX = 16 * 1024 * 1024 * 1024;

export async function receiveUpload(
  ctx: UploadContext,
  relPath: string,
  body: AsyncIterable<Uint8Array>,
  declaredSize: number | null,
): Promise<UploadResult> {
  const id = normalizeEntityPath(relPath);
  if (!id.ok) {
    const escape = entityAbsPath(ctx.root, relPath.replace(/\\/g, '/'));
    const error = escape.ok ? id.error : escape.error;
    throw new NetGuardianError(error.code, `upload: path: ${error.message}`, 'path');
  }
  const prepared = await prepareTarget(ctx.root, id.value);
  if (!prepared.ok)
    throw new NetGuardianError(
      prepared.error.code,
      `upload: path: ${prepared.error.message}`,
      'path',
    );
  const max = ctx.maxBytes ?? DEFAULT_MAX;
  if (declaredSize !== null && declaredSize > max)
    throw new NetGuardianError(
      'PayloadTooLarge',
      `upload: the file is larger than ${max} bytes`,
      'body',
    );
  const dir = path.dirname(prepared.value.abs);
  const room = ctx.space?.check(dir, declaredSize ?? 0);
  if (room && !room.ok) throw refusalError('upload', room.error);
  const tmp = tempPathBeside(prepared.value.abs);
  const total = declaredSize ?? 0;
  let bytes = 0;
  let lastProgress = 0;
  const fh = await open(tmp, 'wx', 0o644).catch((e: unknown) => {
    releaseTemp(tmp);
    throw e;
  });
  let name: string;
  try {
    try {
      for await (const chunk of body) {
        bytes += chunk.byteLength;
        if (bytes > max)
          throw new NetGuardianError(
            'PayloadTooLarge',
            `upload: the file is larger than ${max} bytes`,
            'body',
          );
        await fh.write(chunk);
        const now = Date.now();
        if (now - lastProgress >= 100) {
          lastProgress = now;
          ctx.onProgress({ done: 0, total: 1, bytes, totalBytes: Math.max(total, bytes) });
        }
      }
      if (declaredSize !== null && bytes !== declaredSize)
        throw new NetGuardianError(
          'InvalidArgument',
          `upload: received ${bytes} bytes, the request announced ${declaredSize}`,
          'body',
        );
      await fh.sync();
    } finally {
      await fh.close();
    }
    name = await linkUnique(tmp, dir, path.basename(prepared.value.abs));
  } catch (e) {
    // Where it was made, or where the user moved its folder meanwhile.
    await giveUpTemp(tmp, ctx.root);
    throw e;
  }
  // Linked into place and its temp name removed (or renamed there).
  releaseTemp(tmp);
  await fsyncDirs(
    prepared.value.createdDirs.map((d) => path.dirname(path.join(ctx.root, ...d.split('/')))),
  );
  const slash = id.value.lastIndexOf('/');
  const placed = slash >= 0 ? `${id.value.slice(0, slash + 1)}${name}` : name;
  await ctx.record([placed]);
  ctx.onProgress({ done: 1, total: 1, bytes, totalBytes: bytes });
  return { path: placed, size: bytes };
}
