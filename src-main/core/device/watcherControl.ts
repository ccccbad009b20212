import type { IgnoreRules } from '../files/ignoreRules.js';
import { watchFolder, type FolderWatcher } from '../files/watcher.js';

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
  /** Changed paths waiting for the folder to be quiet, each time their number changes. */
  readonly onPending?: (count: number) => void;
}

/**
 * The watcher comes back after this long without a large pulled batch. Coming back costs a walk
 * of the whole folder (chokidar's, then our scan's), so a sender pausing between batches must not
 * bring it back each time: at 1.5 s a first sync of 10,000 files restarted it in the middle for
 * about 2 s of the receiver's time. Local edits made meanwhile wait at most this long, then the
 * scan finds them (Syncthing's watcher waits 10 s by default).
 */
const WATCHER_RESUME_QUIET_MS = 5_000;
/** Full rescans while the watcher can't be used. */
const RESCAN_WITHOUT_WATCHER_MS = 60_000;

export class WatcherControl {
  private watcher: FolderWatcher | undefined;
  private suspended = false;
  private resumeTimer: NodeJS.Timeout | undefined;
  private rescanTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: WatcherControlOptions) {}

  async start(): Promise<void> {
    const { root, quietMs, ignore, onPaths, onPending } = this.options;
    const watcher = watchFolder({
      root,
      quietMs,
      // Not `excludes`: the watcher must still hear of `.netguardianignore` to reload the rules.
      isIgnored: (rel, isDir) => ignore().watcherSkips(rel, isDir),
      onPaths,
      ...(onPending ? { onPending } : {}),
      onError: (e) => {
        // The rescans stand in for the watcher: the next one that completes clears this.
        this.options.onError(
          `file watcher failed (${e.message}); falling back to a rescan every minute`,
        );
        this.scheduleRescans(RESCAN_WITHOUT_WATCHER_MS);
      },
    });
    this.watcher = watcher;
    await watcher.ready;
  }

  /** A full rescan every `intervalMs` (replacing any earlier schedule). */
  scheduleRescans(intervalMs: number): void {
    if (this.rescanTimer) clearInterval(this.rescanTimer);
    this.rescanTimer = setInterval(() => {
      this.options
        .fullScan()
        .catch((e: unknown) => this.options.onError(`rescan failed: ${(e as Error).message}`));
    }, intervalMs);
    this.rescanTimer.unref();
  }

  /**
   * Before the materializer writes a large pulled batch: the watcher stops until pulls go quiet.
   * chokidar re-reads (and stats every entry of) a folder each second while files land in it,
   * which cost more than the writes themselves during a first sync of 10,000 files. Files the
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
