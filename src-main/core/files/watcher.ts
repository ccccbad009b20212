import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { ChangeCoalescer } from './changeCoalescer.js';

export interface FolderWatcherOptions {
  readonly root: string;
  /** Relative POSIX path, and whether it is a directory (when known). */
  readonly isIgnored: (relPath: string, isDir: boolean) => boolean;
  /** Settled batches of changed relative paths (files or directories, existing or gone). */
  readonly onPaths: (relPaths: string[]) => void;
  /** The watcher failed (e.g. inotify limit): the caller falls back to periodic full scans. */
  readonly onError: (error: Error) => void;
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
 * chokidar adapter: turns raw events into settled batches of relative paths.
 * It never decides what changed (the scanner compares with the index); it only
 * says where to look, so a missed or duplicated event costs a stat, not data.
 */
export function watchFolder(options: FolderWatcherOptions): FolderWatcher {
  const coalescer = new ChangeCoalescer({
    quietMs: options.quietMs ?? 50,
    maxDelayMs: options.maxDelayMs ?? 2_000,
    onFlush: options.onPaths,
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
