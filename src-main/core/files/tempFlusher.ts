import { execFile } from 'node:child_process';
import { closeSync, openSync, statSync } from 'node:fs';
import path from 'node:path';
import { fsyncDirs } from './durableFs.js';
import { fsyncFd } from './localIo.js';

/** Files fsynced at once when each is flushed alone. */
const FSYNC_CONCURRENCY = 8;
/**
 * Fewer files and folders than this are fsynced one by one even where syncfs works: spawning
 * `sync` (a fork of a large process) and flushing everything dirty on the file system cost more
 * than a few fsyncs, and a single changed file is the common case of live sync, where latency
 * counts.
 */
const SYNCFS_MIN_FILES = 64;

/**
 * Makes written temp files durable before they are renamed into place (DESIGN.md §5: temp file,
 * fsync, rename), and then the renames (their folders), for a whole group of files at once where
 * the system allows it. The trash's copies of the files a group replaces go the same way
 * (`OwedSync`, durableFs.ts).
 *
 * An fsync per file costs a journal commit and a disk cache flush each: on this project's
 * reference machine (ext4 on a virtual disk) about 0.45 ms of disk time per file however many
 * run at once, and while those commits run, creating the next temp files waits on the journal.
 * For a first sync of 10,000 small files that was most of the receiving device's time. On Linux
 * one syncfs(2) for the file system holding a group's temp files makes all of them durable at
 * the cost of about one commit: coreutils' `sync -f DIR` calls it (Node has no binding for it).
 * Where that is not available (other systems, no coreutils), and for small groups, each file is
 * fsynced instead.
 */
export class TempFlusher {
  /** undefined: not tried yet; false: unavailable here, files are fsynced one by one. */
  private syncfsWorks: boolean | undefined;

  constructor(options: { readonly syncfs?: boolean } = {}) {
    this.syncfsWorks = (options.syncfs ?? process.platform === 'linux') ? undefined : false;
  }

  /** Whether one flush covers many files cheaply: callers then write a group before flushing. */
  get batches(): boolean {
    return this.syncfsWorks !== false;
  }

  /**
   * Makes these closed files' content, and these folders' entries (files renamed, linked or
   * created in them), durable; throws the file system's error if it cannot.
   */
  async flush(files: readonly string[], dirs: readonly string[] = []): Promise<void> {
    if (files.length + dirs.length === 0) return;
    if (this.syncfsWorks !== false && files.length + dirs.length >= SYNCFS_MIN_FILES) {
      try {
        await syncFileSystems([...new Set([...files.map((f) => path.dirname(f)), ...dirs])]);
        this.syncfsWorks = true;
        return;
      } catch (e) {
        // Worked before: a real failure of the disk. Never worked: not available here.
        if (this.syncfsWorks === true) throw e;
        this.syncfsWorks = false;
      }
    }
    await fsyncEach(files);
    await fsyncDirs(dirs);
  }
}

/** `sync -f` once per file system (st_dev) these folders are on. */
async function syncFileSystems(dirs: readonly string[]): Promise<void> {
  const dirByDevice = new Map<number, string>();
  for (const dir of dirs) {
    const { dev } = statSync(dir);
    if (!dirByDevice.has(dev)) dirByDevice.set(dev, dir);
  }
  for (const dir of dirByDevice.values()) {
    await new Promise<void>((resolve, reject) => {
      execFile('sync', ['-f', dir], { timeout: 120_000 }, (error, _stdout, stderr) => {
        if (!error) resolve();
        else reject(new Error(`sync -f ${dir} failed: ${String(stderr).trim() || error.message}`));
      });
    });
  }
}

async function fsyncEach(files: readonly string[]): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const file = files[next++] as string;
      // Opened for writing: fsync needs write access on some systems (Windows).
      const fd = openSync(file, 'r+');
      try {
        await fsyncFd(fd);
      } finally {
        closeSync(fd);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(FSYNC_CONCURRENCY, files.length) }, worker));
}
