import { readFile } from 'node:fs/promises';
import {
  RESCAN_WITHOUT_WATCHER_MS,
  type WatcherProblem,
} from '../../../src-shared/watcherProblems.js';
import type { IgnoreRules } from '../files/ignoreRules.js';
import { watchFolder, type FolderWatcher, type WatcherError } from '../files/watcher.js';

/**
 * The device's eyes on its folder: the watcher, the periodic full rescans that catch what a
 * watcher misses (every minute while the watcher has failed), and stopping the watcher while
 * large pulled batches are written. It says where to look; the device scans.
 */
export interface WatcherControlOptions {
  readonly root: string;
  readonly quietMs: number;
  readonly ignore: () => IgnoreRules;
  /** Paths that changed, once the folder was quiet for `quietMs`. */
  readonly onPaths: (paths: string[]) => void;
  /** A full scan (the rescans, and the catch-up after the watcher was off). */
  readonly fullScan: () => Promise<void>;
  /** Something went wrong, in words. */
  readonly onError: (message: string) => void;
  /**
   * The folder is not watched whole (the OS's limit on watches, a folder it refused), or is
   * again (null): said when it changes.
   */
  readonly onProblem?: (problem: WatcherProblem | null) => void;
  /** Changed paths waiting for the folder to be quiet, each time their number changes. */
  readonly onPending?: (count: number) => void;
}

/**
 * The watcher comes back after this long without a large pulled batch. Coming back costs a walk
 * of the whole folder (the watcher's, then the scan's), so a sender pausing between batches must not
 * bring it back each time: at 1.5 s a first sync of 10,000 files restarted it in the middle for
 * about 2 s of the receiver's time. Local edits made meanwhile wait at most this long, then the
 * scan finds them (Syncthing's watcher waits 10 s by default).
 */
const WATCHER_RESUME_QUIET_MS = 5_000;

/** Linux's per-user limit on inotify watches, for the words; null where there is none. */
async function inotifyWatchLimit(): Promise<number | null> {
  const text = await readFile('/proc/sys/fs/inotify/max_user_watches', 'utf8').catch(() => '');
  const limit = Number.parseInt(text, 10);
  return Number.isSafeInteger(limit) ? limit : null;
}

/** What a watcher failure means for the user (`ENOSPC` from inotify: its watch limit). */
async function problemOf(error: WatcherError): Promise<WatcherProblem> {
  return error.code === 'ENOSPC'
    ? { kind: 'limit', message: error.message, limit: await inotifyWatchLimit() }
    : { kind: 'failed', message: error.message, limit: null };
}

export class WatcherControl {
  private watcher: FolderWatcher | undefined;
  /** Why the folder is not watched whole; null while it is. */
  private problem: WatcherProblem | null = null;
  /** The rescan interval asked for (`scheduleRescans`); shorter while `problem` is set. */
  private rescanEveryMs: number | undefined;
  private suspended = false;
  private resumeTimer: NodeJS.Timeout | undefined;
  private rescanTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: WatcherControlOptions) {}

  /**
   * Watches the folder; resolves once every folder is watched, or as many as the OS allowed
   * (then the problem is said, and rescans stand in for the rest until a later start watches
   * all of it).
   */
  async start(): Promise<void> {
    const { root, quietMs, ignore, onPaths, onPending } = this.options;
    let failure: WatcherError | undefined;
    let started = false;
    const watcher = watchFolder({
      root,
      quietMs,
      // Not `excludes`: the watcher must still hear of `.netguardianignore` to reload the rules.
      isIgnored: (rel, isDir) => ignore().watcherSkips(rel, isDir),
      onPaths,
      ...(onPending ? { onPending } : {}),
      onError: (e) => {
        failure ??= e;
        // Past the first walk: said now (a folder made later could not be watched).
        if (started) void this.setProblem(e);
      },
    });
    this.watcher = watcher;
    await watcher.ready;
    started = true;
    if (failure) await this.setProblem(failure);
    else this.clearProblem();
  }

  private async setProblem(error: WatcherError): Promise<void> {
    if (this.problem !== null) return;
    const problem = await problemOf(error);
    if (this.closed || this.problem !== null) return;
    this.problem = problem;
    this.options.onProblem?.(problem);
    if (this.rescanEveryMs !== undefined) this.scheduleRescans(this.rescanEveryMs);
  }

  private clearProblem(): void {
    if (this.problem === null) return;
    this.problem = null;
    this.options.onProblem?.(null);
    if (this.rescanEveryMs !== undefined) this.scheduleRescans(this.rescanEveryMs);
  }

  /**
   * A full rescan every `intervalMs` (replacing any earlier schedule); every minute at most
   * while the folder is not watched whole, each one trying to watch all of it again first.
   */
  scheduleRescans(intervalMs: number): void {
    this.rescanEveryMs = intervalMs;
    if (this.rescanTimer) clearInterval(this.rescanTimer);
    const every =
      this.problem === null ? intervalMs : Math.min(intervalMs, RESCAN_WITHOUT_WATCHER_MS);
    this.rescanTimer = setInterval(() => {
      this.rescan().catch((e: unknown) =>
        this.options.onError(`rescan failed: ${(e as Error).message}`),
      );
    }, every);
    this.rescanTimer.unref();
  }

  private async rescan(): Promise<void> {
    // The limit may have been raised (or other programs let go of watches) since.
    if (this.problem !== null && this.watcher && !this.closed) {
      const old = this.watcher;
      this.watcher = undefined;
      await old.close();
      if (!this.closed) await this.start();
    }
    await this.options.fullScan();
  }

  /** Why the folder is not watched whole now; null while it is (or nothing watches it). */
  problemNow(): WatcherProblem | null {
    return this.problem;
  }

  /** How many folders are watched now (one OS watch each); 0 while the watcher is off. */
  watchedFolders(): number {
    return this.watcher?.watchedFolders() ?? 0;
  }

  /**
   * Before the materializer writes a large pulled batch: the watcher stops until pulls go quiet.
   * Each written file would be an event and a path to scan, for a write the materializer
   * recorded already (chokidar, the watcher before issue 14, also re-read a whole folder each
   * second while files landed in it: more than the writes cost in a first sync). Files the
   * materializer replaces are re-checked on disk first either way; a local edit elsewhere while
   * the watcher is off is found by the full scan that runs when it is back (`resume`).
   */
  async suspend(): Promise<void> {
    if (this.resumeTimer) clearTimeout(this.resumeTimer);
    this.resumeTimer = undefined;
    const watcher = this.watcher;
    if (!watcher) return;
    this.watcher = undefined;
    this.suspended = true;
    await watcher.close();
  }

  /** After a sync run: a suspended watcher comes back once no large batch arrived for a while. */
  scheduleResume(): void {
    if (!this.suspended || this.closed) return;
    if (this.resumeTimer) clearTimeout(this.resumeTimer);
    this.resumeTimer = setTimeout(() => {
      this.resumeTimer = undefined;
      this.resume().catch((e: unknown) =>
        this.options.onError(`restarting the file watcher failed: ${(e as Error).message}`),
      );
    }, WATCHER_RESUME_QUIET_MS);
    this.resumeTimer.unref();
  }

  /** The watcher again, then a full scan for what changed locally while it was off. */
  private async resume(): Promise<void> {
    if (!this.suspended || this.closed) return;
    this.suspended = false;
    await this.start();
    if (this.closed) return;
    await this.options.fullScan();
  }

  /** Stops watching and rescanning until `start` and `scheduleRescans` are called again. */
  async stop(): Promise<void> {
    if (this.rescanTimer) clearInterval(this.rescanTimer);
    if (this.resumeTimer) clearTimeout(this.resumeTimer);
    this.rescanTimer = undefined;
    this.resumeTimer = undefined;
    this.suspended = false;
    const watcher = this.watcher;
    this.watcher = undefined;
    await watcher?.close();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.stop();
  }
}
