import { watch, type FSWatcher, type Stats } from 'node:fs';
import { opendir } from 'node:fs/promises';
import path from 'node:path';
import { ChangeCoalescer } from './changeCoalescer.js';
import { lstatQuiet } from './localIo.js';

export interface FolderWatcherOptions {
  readonly root: string;
  /** Relative POSIX path, and whether it is a directory (when known). */
  readonly isIgnored: (relPath: string, isDir: boolean) => boolean;
  /** Settled batches of changed relative paths (files or directories, existing or gone). */
  readonly onPaths: (relPaths: string[]) => void;
  /**
   * The watcher can't watch everything (the OS limit on watches reached, a folder it may not
   * read): what it watches still reports; the caller falls back to periodic full scans.
   */
  readonly onError: (error: WatcherError) => void;
  /** How many changed paths wait for the folder to be quiet, each time that changes. */
  readonly onPending?: (count: number) => void;
  readonly quietMs?: number;
  readonly maxDelayMs?: number;
}

export interface FolderWatcher {
  /** Resolves once every folder is watched (the initial walk is done) and events are live. */
  readonly ready: Promise<void>;
  /** How many folders are watched now (one OS watch each). */
  watchedFolders(): number;
  close(): Promise<void>;
}

/** Why the watcher stopped short, with the OS's code (`ENOSPC`: the per-user watch limit). */
export class WatcherError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly folder: string,
  ) {
    super(message);
    this.name = 'WatcherError';
  }
}

/**
 * Why a folder may not be watched that is no failure of the watcher: it went (`ENOENT`), a file
 * took its place (`ENOTDIR`), or it can't be read (`EACCES`, `EPERM`; listed by the scan).
 */
const FOLDER_NOT_WATCHABLE = new Set(['ENOENT', 'ENOTDIR', 'EACCES', 'EPERM']);

const toRelative = (root: string, abs: string): string =>
  path.relative(root, abs).split(path.sep).join('/');

/** One folder's OS watch, and which folder it was when the watch began (its inode). */
interface FolderWatch {
  readonly handle: FSWatcher;
  readonly ino: number;
}

/**
 * One OS watch per folder, never per file (issue 14: chokidar held one per file as well, 101,003
 * inotify watches for a folder of 100,000 files, and the per-user limit ran out with two such
 * devices on one machine). A folder's watch (inotify on Linux) names every entry in it that is
 * made, removed, renamed, written or chmod'ed, so it says where to look; the scanner compares
 * with the index and decides what changed. A missed or duplicated event costs a stat, not data.
 *
 * It holds per-folder state only (the watch and the folder's inode), nothing per file: memory
 * grows with the folders of the tree, not with its files.
 */
export function watchFolder(options: FolderWatcherOptions): FolderWatcher {
  const { root } = options;
  const coalescer = new ChangeCoalescer({
    quietMs: options.quietMs ?? 50,
    maxDelayMs: options.maxDelayMs ?? 2_000,
    onFlush: options.onPaths,
    ...(options.onPending ? { onSize: options.onPending } : {}),
  });
  const watches = new Map<string, FolderWatch>();
  let closed = false;
  /** Said once per kind of failure: a full disk of watches would otherwise say it per folder. */
  const failuresSaid = new Set<string>();

  const report = (abs: string) => {
    const rel = toRelative(root, abs);
    if (rel !== '' && !rel.startsWith('..')) coalescer.add(rel);
  };
  const ignoredFolder = (abs: string) => {
    const rel = toRelative(root, abs);
    return rel !== '' && options.isIgnored(rel, true);
  };

  const fail = (e: unknown, folder: string) => {
    const code = (e as NodeJS.ErrnoException).code;
    // Gone or replaced by a file since it was seen (its parent's watch reports that), or not
    // readable (the scan lists it as a folder that can't sync, and cannot read it either): not
    // the watcher falling short.
    if (code !== undefined && FOLDER_NOT_WATCHABLE.has(code)) return;
    const key = code ?? 'unknown';
    if (closed || failuresSaid.has(key)) return;
    failuresSaid.add(key);
    options.onError(new WatcherError((e as Error).message, code, folder));
  };

  /** Stops watching `abs` and every folder under it (they went with it, or will be re-read). */
  const unwatchTree = (abs: string) => {
    const under = `${abs}${path.sep}`;
    for (const [dir, w] of watches)
      if (dir === abs || dir.startsWith(under)) {
        watches.delete(dir);
        w.handle.close();
      }
  };

  /** Watches one folder (before it is read, so nothing made meanwhile goes unheard). */
  const watchOne = (dir: string, stats: Stats): boolean => {
    if (closed || watches.has(dir)) return false;
    let handle: FSWatcher;
    try {
      handle = watch(dir, { persistent: true }, (event, name) => onEvent(dir, handle, event, name));
    } catch (e) {
      fail(e, dir);
      return false;
    }
    // A watched folder removed: the OS ends the watch; Node may say so as an error.
    handle.on('error', () => {
      if (watches.get(dir)?.handle !== handle) return;
      watches.delete(dir);
      handle.close();
      recheckFolder(dir);
    });
    watches.set(dir, { handle, ino: stats.ino });
    return true;
  };

  /**
   * Watches `top` and every folder under it, directory by directory (one folder's entries in
   * memory at a time). With `reportFolders` (a folder made or moved in while watching), each
   * folder is reported once its watch is set: the scanner's walk of it, after that, finds what
   * was made in it before the watch, and the watch hears the rest.
   */
  const watchTree = async (top: string, reportFolders: boolean): Promise<void> => {
    const pending = [top];
    for (let dir = pending.pop(); dir !== undefined && !closed; dir = pending.pop()) {
      const stats = lstatQuiet(dir);
      if (!stats?.isDirectory() || ignoredFolder(dir)) continue;
      if (!watchOne(dir, stats)) continue;
      if (reportFolders) report(dir);
      try {
        const entries = await opendir(dir);
        for await (const entry of entries)
          if (entry.isDirectory()) pending.push(path.join(dir, entry.name));
      } catch (e) {
        // Gone since (its parent's watch says so) or unreadable: the scan says which.
        fail(e, dir);
      }
    }
  };

  /**
   * What is at `abs` now, against what is watched there: a folder not watched yet (made, moved
   * in, or made again in place of one removed) is watched with what it holds and reported whole;
   * a watched folder gone or no longer a folder is let go of.
   */
  const recheckFolder = (abs: string) => {
    if (closed) return;
    const now = lstatQuiet(abs);
    const watched = watches.get(abs);
    if (watched && (!now?.isDirectory() || now.ino !== watched.ino)) unwatchTree(abs);
    if (now?.isDirectory() && !watches.has(abs) && !ignoredFolder(abs))
      void watchTree(abs, true).catch((e: unknown) => fail(e, abs));
  };

  const onEvent = (dir: string, handle: FSWatcher, event: string, name: string | Buffer | null) => {
    if (closed) return;
    // An event still queued for a watch let go of (its folder removed or replaced).
    if (watches.get(dir)?.handle !== handle) {
      handle.close();
      return;
    }
    if (name === null) {
      // The OS dropped events (its queue overflowed): the folder is re-read whole.
      report(dir);
      return;
    }
    const entry = path.join(dir, name.toString());
    // The folder's own watch names the folder itself (its base name, as a rename) when it is
    // removed or moved: the OS ended that watch and the ones under it are stale. A folder made
    // again there is watched afresh and reported whole. Not decided by the inode: a folder
    // removed and made again at once often gets the same one. The same name may also be an
    // entry `x/x`: then the folder is re-read for nothing, which costs a walk, not data.
    if (event === 'rename' && name.toString() === path.basename(dir)) {
      unwatchTree(dir);
      recheckFolder(dir);
      report(dir);
    }
    const rel = toRelative(root, entry);
    if (rel === '' || rel.startsWith('..')) return;
    const stats = lstatQuiet(entry);
    if (options.isIgnored(rel, stats?.isDirectory() ?? watches.has(entry))) return;
    if (stats?.isDirectory() || watches.has(entry)) recheckFolder(entry);
    coalescer.add(rel);
  };

  const ready = watchTree(root, false).catch((e: unknown) => fail(e, root));
  return {
    ready,
    watchedFolders: () => watches.size,
    async close() {
      closed = true;
      coalescer.dispose();
      for (const w of watches.values()) w.handle.close();
      watches.clear();
      await ready;
    },
  };
}
