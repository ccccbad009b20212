import { closeSync, constants, openSync, readdirSync, renameSync, writeSync } from 'node:fs';
import path from 'node:path';
import { fsyncFd } from './localIo.js';
import { discardTemp, nextTempName, releaseTemp } from './tempFiles.js';

/**
 * Durable writes: a file we put in place survives a power cut either whole and new or whole and
 * old, never half-written, and a rename we made is not undone. The rule, written once here:
 * write a temp file beside the target, fsync it, rename it over the target, fsync the folder.
 * The folder's fsync is what makes the rename itself durable: until then the file system may
 * still hold the folder's old entries on disk (ext4 without a journal, most file systems but
 * journaled ext4 after a crash at the wrong moment).
 *
 * Every temp file we create, in the synced folder or in the data directory, is named by
 * `nextTempName` (tempFiles.ts), so the clean-ups (staleTemps.ts) recognize exactly ours, and is
 * in flight until its write releases it.
 */

/**
 * A fresh temp path in the folder of `target` (not created: for copies made by other calls). The
 * caller releases it (`releaseTemp`, `discardTemp`, tempFiles.ts) once renamed or given up.
 */
export const tempPathBeside = (target: string): string =>
  path.join(path.dirname(target), nextTempName());

/**
 * Creates a new temp file in `dir`, open for writing, in flight until the caller releases it
 * (tempFiles.ts). `wx` never opens an existing file (nor follows a symlink there): a name taken
 * moves on to the next one. `mode` goes through the umask, as for any file created.
 */
export function createTempFile(dir: string, mode = 0o666): { temp: string; fd: number } {
  for (let attempt = 0; ; attempt++) {
    const temp = path.join(dir, nextTempName());
    try {
      return { temp, fd: openSync(temp, 'wx', mode) };
    } catch (e) {
      // Not created: the name is nobody's.
      releaseTemp(temp);
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 100) throw e;
    }
  }
}

export function writeAll(fd: number, bytes: Uint8Array): void {
  for (let done = 0; done < bytes.byteLength;) {
    done += writeSync(fd, bytes, done, bytes.byteLength - done);
  }
}

/**
 * fsync errors meaning the file system cannot fsync a folder at all (some network and FUSE file
 * systems): nothing more can be done there, so the write goes on as it did before. Any other
 * error (EIO, ENOSPC) is the disk failing and is thrown.
 */
const DIR_FSYNC_UNSUPPORTED = new Set(['EINVAL', 'ENOTSUP', 'EOPNOTSUPP']);

/** Makes the entries of `dir` (files created, renamed or removed in it) durable. */
export async function fsyncDir(dir: string): Promise<void> {
  // Windows cannot open a folder as a file to flush it; NTFS journals its metadata itself.
  if (process.platform === 'win32') return;
  const fd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    await fsyncFd(fd);
  } catch (e) {
    if (!DIR_FSYNC_UNSUPPORTED.has((e as NodeJS.ErrnoException).code ?? '')) throw e;
  } finally {
    closeSync(fd);
  }
}

/** Folders fsynced at once by `fsyncDirs`: their flushes overlap on the disk. */
const FSYNC_CONCURRENCY = 8;

/** `fsyncDir` for each distinct folder, several at once. */
export async function fsyncDirs(dirs: Iterable<string>): Promise<void> {
  const queue = [...new Set(dirs)];
  const worker = async () => {
    for (let dir = queue.pop(); dir !== undefined; dir = queue.pop()) await fsyncDir(dir);
  };
  await Promise.all(Array.from({ length: Math.min(FSYNC_CONCURRENCY, queue.length) }, worker));
}

/** Makes a closed file's content durable (a temp file filled by a copy). */
export async function fsyncFile(file: string): Promise<void> {
  // Opened for writing: fsync needs write access on some systems (Windows).
  const fd = openSync(file, 'r+');
  try {
    await fsyncFd(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Makes a copied folder tree durable: each file's content and each folder's entries. Iterative,
 * one folder listed at a time; symlinks are not followed (a link's own entry is in its folder).
 */
export async function fsyncTree(top: string): Promise<void> {
  const stack = [top];
  for (let dir = stack.pop(); dir !== undefined; dir = stack.pop()) {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const abs = path.join(dir, entry.name);
      if (entry.isDirectory()) stack.push(abs);
      else if (entry.isFile()) await fsyncFile(abs);
    }
    await fsyncDir(dir);
  }
}

/**
 * Replaces `target` with `data` durably: a temp file beside it, written and fsynced, renamed over
 * it, and the folder fsynced. On any failure before the rename the old target is untouched and
 * the temp file removed. `mode` (default 0o666) goes through the umask, as `writeFile`'s does.
 */
export async function writeFileDurably(
  target: string,
  data: string | Uint8Array,
  options: { readonly mode?: number } = {},
): Promise<void> {
  await writeAndRename(target, data, options.mode ?? 0o666, (fd) => fsyncFd(fd));
  await fsyncDir(path.dirname(target));
}

/**
 * What a batch of writes still owes before it can be relied on: files whose content, and folders
 * whose entries, must be fsynced. The caller flushes them all at once (`TempFlusher.flush`: one
 * syncfs for a large batch) before doing what depends on them, or `fsyncOwed` them.
 */
export interface OwedSync {
  readonly files: string[];
  readonly dirs: string[];
}

export const owedSync = (): OwedSync => ({ files: [], dirs: [] });

/** Makes what is owed durable one fsync at a time (a single item, where no batch flush is). */
export async function fsyncOwed(owed: OwedSync): Promise<void> {
  for (const file of new Set(owed.files)) await fsyncFile(file);
  await fsyncDirs(owed.dirs);
  owed.files.length = 0;
  owed.dirs.length = 0;
}

/**
 * `writeFileDurably` for a batch: the temp file and rename, whole for any reader, with the fsyncs
 * owed (`owed`). Until they are flushed a power cut may leave the old target, or the new one
 * empty: only for files nothing else relies on before the batch's flush.
 */
export async function writeFileOwingSync(
  target: string,
  data: string | Uint8Array,
  owed: OwedSync,
): Promise<void> {
  await writeAndRename(target, data, 0o666, () => Promise.resolve());
  owed.files.push(target);
  owed.dirs.push(path.dirname(target));
}

async function writeAndRename(
  target: string,
  data: string | Uint8Array,
  mode: number,
  beforeClose: (fd: number) => Promise<void>,
): Promise<void> {
  const { temp, fd } = createTempFile(path.dirname(target), mode);
  try {
    try {
      writeAll(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
      await beforeClose(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, target);
    releaseTemp(temp);
  } catch (e) {
    discardTemp(temp);
    throw e;
  }
}

/**
 * Renames durably: the target's folder is fsynced, then the source's when it differs. That
 * order: a crash between the two may leave the entry in both folders (a file system check
 * repairs that), never in neither. The content itself must already be durable (the caller
 * fsynced its temp file, or it is a file that was in place before).
 */
export async function renameDurably(from: string, to: string): Promise<void> {
  renameSync(from, to);
  await fsyncDir(path.dirname(to));
  if (path.dirname(from) !== path.dirname(to)) await fsyncDir(path.dirname(from));
}
