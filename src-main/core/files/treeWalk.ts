import { lstatSync, readdirSync, type Dirent, type Stats } from 'node:fs';
import path from 'node:path';
import { NetGuardianError } from '../../../src-shared/errors.js';
import { validateEntityPath } from '../../../src-shared/paths.js';
import { TEMP_PREFIX } from './ignoreRules.js';

export interface WalkedFile {
  /** Entity id: the path on disk, names as the file system gave them. */
  readonly path: string;
  readonly stats: Stats;
}

/** One folder's worth of entries, as the walk reaches it. */
export interface WalkBatch {
  /** The folder listed (entity id, `''` for the root). */
  readonly dir: string;
  readonly files: readonly WalkedFile[];
  readonly dirs: readonly WalkedFile[];
}

export interface WalkOptions {
  readonly rootReal: string;
  /** Folder to start at (entity id), `''` for the root. It is not reported itself. */
  readonly start: string;
  readonly isIgnored: (path: string, isDir: boolean) => boolean;
  /** Paths already indexed were validated when they were first seen: not again (a rescan's hot path). */
  readonly isKnown?: (path: string) => boolean;
  /** Awaited before each folder is listed (the scanner reads what the index holds of it). */
  readonly beforeList?: (dir: string) => Promise<void>;
  /**
   * Before each folder's batch is handed out: the folders the walk lists next, nearest first
   * (at most `UPCOMING`), so the caller can start reading what it needs of them meanwhile.
   */
  readonly upcoming?: (dirs: readonly string[]) => void;
  readonly onSymlink: (path: string) => void;
  /** A name that is not a valid entity path, or a folder that could not be read. */
  readonly onError: (path: string, error: NetGuardianError) => void;
  /** Folders (or entries) that could not be read: what was there must not count as gone. */
  readonly onUnreadableDir: (path: string, error: NetGuardianError) => void;
  /** A FIFO, socket or device node that is not ignored: there is nothing to sync in it. */
  readonly onSpecialFile?: (path: string) => void;
  /** An entry named as our temp files are (skipped by the walk): absolute path and name. */
  readonly onTempFile?: (abs: string, name: string) => void;
}

/** Entries handled between two yields to the event loop. */
const SLICE = 512;

/** How many of the next folders `upcoming` names. */
export const UPCOMING = 3;

const childPath = (parent: string, name: string) => (parent === '' ? name : `${parent}/${name}`);
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Walks a folder tree iteratively (an explicit stack, one folder at a time),
 * never following symlinks, skipping ignored entries and our own temp files.
 * Yields each folder's files and subfolders with their lstat.
 *
 * Listing and lstat are synchronous, in slices with a yield to the event loop
 * in between: on the thread pool, 10,000 lstat promises cost several times
 * the system calls themselves, and a rescan must stay well under half a second.
 */
export async function* walkTree(options: WalkOptions): AsyncGenerator<WalkBatch> {
  const stack: string[] = [options.start];
  let sinceYield = 0;
  while (stack.length > 0) {
    const dirRel = stack.pop() as string;
    const dirAbs =
      dirRel === '' ? options.rootReal : path.join(options.rootReal, ...dirRel.split('/'));
    await options.beforeList?.(dirRel);
    let entries: Dirent[];
    try {
      entries = readdirSync(dirAbs, { withFileTypes: true });
    } catch (e) {
      const error = ioError(dirRel, 'list', e);
      options.onUnreadableDir(dirRel, error);
      options.onError(dirRel, error);
      continue;
    }
    const files: WalkedFile[] = [];
    const dirs: WalkedFile[] = [];
    for (const entry of entries) {
      if (++sinceYield >= SLICE) {
        sinceYield = 0;
        await yieldToLoop();
      }
      const rel = childPath(dirRel, entry.name);
      if (entry.name.startsWith(TEMP_PREFIX)) {
        options.onTempFile?.(path.join(dirAbs, entry.name), entry.name);
        continue;
      }
      if (entry.isSymbolicLink()) {
        options.onSymlink(rel);
        continue;
      }
      // Sockets, FIFOs and devices are not synced, and said so (unless ignored).
      if (!entry.isDirectory() && !entry.isFile()) {
        if (!options.isIgnored(rel, false)) options.onSpecialFile?.(rel);
        continue;
      }
      if (!options.isKnown?.(rel)) {
        const invalid = checkName(rel);
        if (invalid) {
          options.onError(rel, invalid);
          continue;
        }
      }
      if (options.isIgnored(rel, entry.isDirectory())) continue;
      let st: Stats | undefined;
      try {
        // Gone between listing and lstat: undefined (the watcher reports it).
        st = lstatSync(path.join(dirAbs, entry.name), { throwIfNoEntry: false });
      } catch (e) {
        const error = ioError(rel, 'stat', e);
        options.onError(rel, error);
        options.onUnreadableDir(rel, error);
        continue;
      }
      if (!st) {
        // A name that is not UTF-8 reads back with U+FFFD in it, under which nothing is found.
        if (entry.name.includes('\ufffd')) options.onError(rel, notUtf8(rel));
        continue;
      }
      if (st.isSymbolicLink()) options.onSymlink(rel);
      else if (st.isDirectory()) dirs.push({ path: rel, stats: st });
      else if (st.isFile()) files.push({ path: rel, stats: st });
    }
    // Reverse so the stack pops subfolders in listing order.
    for (let i = dirs.length - 1; i >= 0; i--) stack.push((dirs[i] as WalkedFile).path);
    options.upcoming?.(stack.slice(-UPCOMING).reverse());
    yield { dir: dirRel, files, dirs };
  }
}

/**
 * Why a name on disk cannot be an entity id, if it cannot: only what no device accepts (a path
 * too long). Any name the file system holds is otherwise recorded as it is.
 */
function checkName(rel: string): NetGuardianError | undefined {
  const id = validateEntityPath(rel);
  return id.ok ? undefined : id.error;
}

const notUtf8 = (rel: string) =>
  new NetGuardianError(
    'InvalidPath',
    `${JSON.stringify(rel)} is not valid UTF-8 (shown here with \ufffd where its bytes are not text)`,
    'path',
  );

export function ioError(rel: string, action: string, e: unknown): NetGuardianError {
  const reason = e instanceof Error ? e.message : String(e);
  return new NetGuardianError(
    'FileSystemError',
    `cannot ${action} ${JSON.stringify(rel || '.')}: ${reason}`,
    'path',
  );
}
