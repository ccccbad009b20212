import type { Stats } from 'node:fs';
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { ChangeCoalescer } from './changeCoalescer.js';
import { lstatQuiet } from './localIo.js';

export interface FolderWatcherOptions {
  readonly root: string;
  /** Relative POSIX path, and whether it is a directory (when known). */
  readonly isIgnored: (relPath: string, isDir: boolean) => boolean;
  /** Settled batches of changed relative paths (files or directories, existing or gone). */
  readonly onPaths: (relPaths: string[]) => void;
  /** The watcher failed (e.g. inotify limit): the caller falls back to periodic full scans. */
  readonly onError: (error: Error) => void;
  /** How many changed paths wait for the folder to be quiet, each time that changes. */
  readonly onPending?: (count: number) => void;
  readonly quietMs?: number;
  readonly maxDelayMs?: number;
}

export interface FolderWatcher {
  /** Resolves once the initial crawl is done and events are live. */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

const toRelative = (root: string, abs: string): string =>
  path.relative(root, abs).split(path.sep).join('/');

/**
 * The path a raw fs.watch event is about: chokidar watches folders (the event names an entry in
 * it) and files (the event names the file itself, by its base name).
 */
export function rawEventPath(watchedPath: string, evPath: string | null): string {
  if (!evPath) return watchedPath;
  if (path.basename(watchedPath) !== evPath) return path.join(watchedPath, evPath);
  // `x/x`: the folder's entry, or the file `x` watched on its own.
  return lstatQuiet(watchedPath)?.isDirectory() ? path.join(watchedPath, evPath) : watchedPath;
}

/**
 * chokidar adapter: turns raw events into settled batches of relative paths.
 * It never decides what changed (the scanner compares with the index); it only
 * says where to look, so a missed or duplicated event costs a stat, not data.
 */
export function watchFolder(options: FolderWatcherOptions): FolderWatcher {
  const coalescer = new ChangeCoalescer({
    quietMs: options.quietMs ?? 50,
    maxDelayMs: options.maxDelayMs ?? 2_000,
    onFlush: options.onPaths,
    ...(options.onPending ? { onSize: options.onPending } : {}),
  });
  const watcher: FSWatcher = watch(options.root, {
    ignoreInitial: true,
    followSymlinks: false,
    persistent: true,
    // Our coalescer does the debouncing; chokidar's atomic mode would delay every event by 100 ms.
    atomic: false,
    ignored: (abs: string, stats?: { isDirectory(): boolean }) => {
      const rel = toRelative(options.root, abs);
      if (rel === '' || rel.startsWith('..')) return false;
      return options.isIgnored(rel, stats?.isDirectory() ?? false);
    },
  });
  const onPath = (abs: string) => {
    const rel = toRelative(options.root, abs);
    if (rel !== '' && !rel.startsWith('..')) coalescer.add(rel);
  };
  for (const event of ['add', 'change', 'addDir'] as const) watcher.on(event, onPath);
  // Paths (folders or files) whose own watch said they went, while chokidar may still count them
  // as watched; see `rewatch`. chokidar saying the path is gone means it let go of it itself and
  // adds it afresh when it comes back.
  const vanished = new Set<string>();
  for (const event of ['unlink', 'unlinkDir'] as const)
    watcher.on(event, (abs: string) => {
      vanished.delete(abs);
      onPath(abs);
    });
  /**
   * A path removed or moved away and made again at once, as a folder or as a file
   * (`rm -rf docs && mkdir docs`, a folder replaced by a file, a file moved to the trash and a
   * folder made in its place) is not watched by chokidar any more: when it re-reads the parent
   * the name is there again, so it keeps the old watch, dead (inotify drops a watch with its
   * folder) or following the old folder or file wherever it went, and would hand it to a new
   * `add()` as well (its fs.watch handles are shared by path). Nothing in a folder kept so gets
   * an event, and a file kept so has no watch of its own: when it in turn goes and a folder comes
   * (the materializer moving it to the trash), nothing says so. `unwatch` closes the old handle
   * (and ignores the path until `add` takes it back), so unwatch and add the path and every
   * folder chokidar watched under it that is a folder now (their watches died with it; those
   * gone are dropped when chokidar reads the new folder). The path is reported whole: what a
   * folder held when it came back never gets an event, and the scanner walks it. Nothing there
   * yet: it stays remembered until chokidar lets go of it or the parent names it again.
   */
  const rewatch = (abs: string) => {
    const now = lstatQuiet(abs);
    if (!now) return;
    vanished.delete(abs);
    const rel = toRelative(options.root, abs);
    if (rel === '' || rel.startsWith('..')) return;
    if (!now.isDirectory() && !now.isFile()) return;
    if (options.isIgnored(rel, now.isDirectory())) return;
    const under = `${abs}${path.sep}`;
    const paths = now.isDirectory()
      ? [abs, ...Object.keys(watcher.getWatched()).filter((d) => d.startsWith(under))]
          .filter((d) => d === abs || lstatQuiet(d)?.isDirectory())
          .sort()
      : [abs];
    watcher.unwatch(paths);
    watcher.add(paths);
    coalescer.add(rel);
  };
  // chokidar's own watch of a file follows its path to whatever is there next (`_handleFile`
  // re-watches the path when the inode changed): a file moved away and a folder made in its
  // place gets the file's listener, which says `change` for the folder at events in it (the
  // scanner would walk it each time) and never reads it. The listener says so before it
  // re-watches, so the folder is rewatched a turn later, past that.
  let closed = false;
  watcher.on('change', (abs: string, stats?: Stats) => {
    if (stats?.isDirectory())
      setImmediate(() => {
        if (!closed) rewatch(abs);
      });
  });
  // A chmod alone: the OS reports it (inotify IN_ATTRIB, as fs.watch's 'change'), but chokidar
  // emits 'change' only when the modification time moved or the access time is not past it, so
  // a chmod of a file read since its last edit goes unsaid. Its raw event still names the path.
  // Also: a save within 50 ms of the last `change` chokidar emitted for a file is dropped by its
  // throttle; the raw event still comes, so the path is reported after the later save as well.
  watcher.on('raw', (event: string, evPath: string | null, details: unknown) => {
    const watchedPath = (details as { watchedPath?: unknown } | undefined)?.watchedPath;
    if (typeof watchedPath !== 'string') return;
    if (event === 'rename') {
      // A watch names itself (its base name) when its own folder or file goes: remember it, and
      // if something is there again by now, it is a new one. The parent names it (an entry
      // created) when it is made later. (The same name from a folder's watch may also be an
      // entry of that name inside it: rewatching then costs a read of the folder, nothing more.)
      // A chmod of a folder comes this way too (inotify's IN_ATTRIB on a folder carries
      // IN_ISDIR, which libuv reports as 'rename', not 'change'): the rewatch reports the folder,
      // so a folder's chmod alone is heard, at the cost of re-reading it and its subfolders (the
      // event does not tell it from a folder made again, whose inode may be the old one's).
      if (evPath === path.basename(watchedPath)) {
        vanished.add(watchedPath);
        rewatch(watchedPath);
      }
      const entry = evPath ? path.join(watchedPath, evPath) : undefined;
      if (entry !== undefined && vanished.has(entry)) rewatch(entry);
      return;
    }
    if (event !== 'change') return;
    const abs = rawEventPath(watchedPath, evPath);
    const rel = toRelative(options.root, abs);
    if (rel === '' || rel.startsWith('..') || options.isIgnored(rel, false)) return;
    coalescer.add(rel);
  });
  watcher.on('error', (e: unknown) =>
    options.onError(e instanceof Error ? e : new Error(String(e))),
  );
  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return {
    ready,
    async close() {
      // `add` would open a closed chokidar watcher again.
      closed = true;
      coalescer.dispose();
      await watcher.close();
    },
  };
}
