import {
  closeSync,
  constants,
  fstatSync,
  fsync,
  lstatSync,
  openSync,
  readSync,
  unlinkSync,
  type Stats,
} from 'node:fs';

/**
 * The few file system calls the folder layer makes for every file, done synchronously.
 *
 * Why not node:fs/promises: each promise call queues work on libuv's thread pool and costs the
 * main thread 20–100 µs in bookkeeping on this project's 2-core reference machine, against
 * 5–20 µs for the same call made synchronously (10,000 files: lstat 230 ms against 50 ms, a
 * whole small-file read 800–1,000 ms against 150–220 ms). A first sync of 10,000 files makes
 * about eight such calls per file on each device, so the promise calls were a third of the
 * daemons' CPU time. These calls are metadata operations and reads of at most a chunk from a
 * local disk: microseconds each. fsync, which waits on the disk, stays asynchronous (`fsyncFd`),
 * so that several files' fsyncs overlap and the event loop stays free meanwhile.
 *
 * The core runs in its own process (never in the UI's), where a blocking call of microseconds
 * delays nothing a user sees.
 */

/**
 * Opening for reading: never through a symlink, and never blocking on a FIFO put where a file
 * was (O_NONBLOCK changes nothing for regular files; a positioned read of a FIFO then fails).
 */
export const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/** lstat, or `undefined` when nothing is there (ENOENT, or a file where a folder was expected). */
export function lstatQuiet(abs: string): Stats | undefined {
  try {
    return lstatSync(abs, { throwIfNoEntry: false });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw e;
  }
}

/**
 * Exactly `size` bytes at `offset` of a file, not followed through a symlink; `undefined` when
 * the file is shorter now. Throws the file system's error (ENOENT, ELOOP, EACCES, …).
 */
export function readRange(abs: string, offset: number, size: number): Buffer | undefined {
  const fd = openSync(abs, READ_FLAGS);
  try {
    const bytes = Buffer.allocUnsafe(size);
    let filled = 0;
    while (filled < size) {
      const n = readSync(fd, bytes, filled, size - filled, offset + filled);
      if (n === 0) return undefined;
      filled += n;
    }
    return bytes;
  } finally {
    closeSync(fd);
  }
}

/**
 * The whole content of an open file when it holds at most `max` bytes, in a buffer of its size;
 * `undefined` when it is larger, or grew while being read (one byte more than the stat said is
 * asked for, to notice that). Throws (code EINVAL) when the file is not a regular file.
 */
export function readWholeIfSmall(fd: number, max: number): Buffer | undefined {
  const st = fstatSync(fd);
  if (!st.isFile()) {
    throw Object.assign(new Error('not a regular file'), { code: 'EINVAL' });
  }
  const { size } = st;
  if (size > max) return undefined;
  const buf = Buffer.allocUnsafe(size + 1);
  let filled = 0;
  for (;;) {
    const n = readSync(fd, buf, filled, buf.length - filled, filled);
    if (n === 0) return buf.subarray(0, filled);
    filled += n;
    if (filled === buf.length) return undefined;
  }
}

/** fsync on libuv's thread pool: the one call here that waits on the disk. */
export function fsyncFd(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fsync(fd, (e) => (e ? reject(e) : resolve())));
}

/** Removes a file we wrote (a temp file) if it is still there; gone already is fine. */
export function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // Renamed or gone already: nothing to clean up.
  }
}
