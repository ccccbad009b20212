import { close, constants, fsync, open } from 'node:fs';
import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { tryLock } from 'fs-native-extensions';
import { z } from 'zod';
import { NetGuardianError } from '../../../src-shared/errors.js';
import { messages } from '../../../src-shared/messages.js';
import { err, ok, type Result } from '../../../src-shared/result.js';

/**
 * One owner process per data directory. The owner holds an OS lock on
 * `<dataDir>/owner.lock` for its whole life: an open-file-description lock
 * (fcntl F_OFD_SETLK on Linux, flock on macOS, LockFileEx on Windows), taken
 * without waiting. The kernel drops it when the file is closed or the process
 * ends however it ends, so a crash never leaves a stale lock. Two open file
 * descriptions conflict even inside one process, so a second acquire in the
 * same process is refused too.
 *
 * Node opens files with O_CLOEXEC, so child processes (an embedded PostgreSQL,
 * a spawned tool) never inherit the descriptor and cannot keep the lock alive
 * after the owner is gone.
 *
 * `<dataDir>/owner.json` says who holds the lock, for the one-line refusal
 * a second process prints. It is informational only: it may be stale after a
 * crash, so a refused process only believes it when its pid is alive.
 */

export interface OwnerInfo {
  readonly pid: number;
  readonly command: string;
  /** ISO 8601. */
  readonly startedAt: string;
}

export interface OwnerLock {
  readonly dataDir: string;
  /** Removes owner.json and drops the lock. Idempotent. */
  release(): Promise<void>;
}

const LOCK_FILE = 'owner.lock';
const OWNER_FILE = 'owner.json';

const openFd = promisify(open);
const closeFd = promisify(close);
const fsyncFd = promisify(fsync);

/** O_NOFOLLOW where the platform has it: a symlink planted at owner.lock is refused. */
const LOCK_OPEN_FLAGS = constants.O_RDWR | constants.O_CREAT | (constants.O_NOFOLLOW ?? 0);

const ownerSchema = z.object({
  pid: z.number().int().positive(),
  command: z.string().min(1).max(512),
  startedAt: z.string().min(1).max(64),
});

/**
 * Takes the data directory for this process, or says who has it
 * (`AlreadyRunning`). Creates the directory (0700) and the lock file (0600)
 * when missing.
 */
export async function acquireOwnerLock(
  dataDir: string,
  me: { command: string },
): Promise<Result<OwnerLock, NetGuardianError>> {
  const lockFile = path.join(dataDir, LOCK_FILE);
  let fd: number;
  try {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    fd = await openFd(lockFile, LOCK_OPEN_FLAGS, 0o600);
  } catch (e) {
    return err(fileSystemError(`cannot open ${lockFile}`, e));
  }

  let locked: boolean;
  try {
    locked = tryLock(fd);
  } catch (e) {
    // tryLock maps EAGAIN to false; POSIX also allows EACCES for a held lock, and libuv
    // reports Windows' ERROR_LOCK_VIOLATION as EBUSY.
    if (!isHeldElsewhere(e)) {
      await closeFd(fd);
      return err(fileSystemError(`cannot lock ${lockFile}`, e));
    }
    locked = false;
  }
  if (!locked) {
    await closeFd(fd);
    return err(
      new NetGuardianError('AlreadyRunning', messages.alreadyRunning(await liveOwner(dataDir))),
    );
  }

  const info: OwnerInfo = {
    pid: process.pid,
    command: me.command,
    startedAt: new Date().toISOString(),
  };
  try {
    await writeOwnerFile(dataDir, info);
  } catch (e) {
    await closeFd(fd);
    return err(fileSystemError(`cannot write ${path.join(dataDir, OWNER_FILE)}`, e));
  }

  // The descriptor is a plain number held in this closure, never a FileHandle: a FileHandle
  // that is garbage collected gets closed, which would silently drop the lock.
  let released: Promise<void> | undefined;
  return ok({
    dataDir,
    release: () =>
      (released ??= (async () => {
        try {
          await removeOwnerFileIfMine(dataDir, info);
        } finally {
          await closeFd(fd);
        }
      })()),
  });
}

/** Who owner.json says holds the lock; undefined when it is missing or unreadable as JSON. */
export async function readOwner(dataDir: string): Promise<OwnerInfo | undefined> {
  let text: string;
  try {
    text = await readFile(path.join(dataDir, OWNER_FILE), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = ownerSchema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

/** owner.json when the process it names is alive; a crashed owner's file names a dead pid. */
async function liveOwner(dataDir: string): Promise<OwnerInfo | undefined> {
  let owner: OwnerInfo | undefined;
  try {
    owner = await readOwner(dataDir);
  } catch {
    // The refusal stands either way; the file only adds who holds the lock.
    return undefined;
  }
  return owner !== undefined && isAlive(owner.pid) ? owner : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to another user.
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** Temp file, fsync, rename, fsync of the folder: a reader sees the old file or the new one. */
async function writeOwnerFile(dataDir: string, info: OwnerInfo): Promise<void> {
  const file = path.join(dataDir, OWNER_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(info) + '\n', { mode: 0o600, flush: true });
  await rename(tmp, file);
  await fsyncDir(dataDir);
}

async function removeOwnerFileIfMine(dataDir: string, info: OwnerInfo): Promise<void> {
  const current = await readOwner(dataDir);
  if (current?.pid !== info.pid || current.startedAt !== info.startedAt) return;
  await unlink(path.join(dataDir, OWNER_FILE)).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'ENOENT') throw e;
  });
}

/** Makes a rename in `dir` durable. Windows cannot open a folder for fsync; NTFS journals it. */
async function fsyncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const fd = await openFd(dir, constants.O_RDONLY);
  try {
    await fsyncFd(fd);
  } finally {
    await closeFd(fd);
  }
}

function isHeldElsewhere(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'EAGAIN' || code === 'EACCES' || code === 'EBUSY';
}

function fileSystemError(what: string, e: unknown): NetGuardianError {
  const message = e instanceof Error ? e.message : String(e);
  return new NetGuardianError('FileSystemError', `${what}: ${message}`);
}
