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
  for (const event of ['add', 'change', 'unlink', 'addDir', 'unlinkDir'] as const)
    watcher.on(event, onPath);
  // A chmod alone: the OS reports it (inotify IN_ATTRIB, as fs.watch's 'change'), but chokidar
  // emits 'change' only when the modification time moved or the access time is not past it, so
  // a chmod of a file read since its last edit goes unsaid. Its raw event still names the path.
  watcher.on('raw', (event: string, evPath: string | null, details: unknown) => {
    const watchedPath = (details as { watchedPath?: unknown } | undefined)?.watchedPath;
    if (event !== 'change' || typeof watchedPath !== 'string') return;
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
      coalescer.dispose();
      await watcher.close();
    },
  };
}
