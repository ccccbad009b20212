import type { Materializer, WaitingForSpace } from '../files/materializer.js';

/** How often a running device looks at the free space while files wait for it. */
export const SPACE_POLL_MS = 5_000;

export interface SpaceWaitOptions {
  /**
   * Bytes that can be written on the disk mounted at `volume`, keeping its reserve
   * (`DiskSpace.usable`); undefined when it can't be measured (then every poll tries).
   */
  readonly usable: (volume: string) => number | undefined;
  /** Brings the disk in line with the store (the device's reconcile). */
  readonly retry: () => Promise<void>;
  readonly onError: (e: Error) => void;
  readonly pollMs?: number;
}

/**
 * Files the materializer did not write for want of free space (listed as waiting for it) are
 * written by themselves once there is room: while any waits, the free space of the disks they
 * wait on is measured every few seconds (one statfs each), and once one has room for the
 * smallest file waiting on it the device reconciles, which writes what fits now. Nothing else
 * needs to touch those paths, and no retry runs while nothing has changed on the disk.
 *
 * What waits is known from the runs' reports, as the smallest size per disk. A retry's
 * reconcile takes up every entity out of step, so what its runs report is the whole of what
 * still waits: it replaces what was known (empty: polling stops). Runs in between (a pull) only
 * add to it.
 */
export class SpaceWait {
  /** Per disk (mount point), the smallest file waiting on it. */
  private smallest = new Map<string, number>();
  /** What the runs of the retry under way report (see above). */
  private collecting: Map<string, number> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly options: SpaceWaitOptions) {}

  /** A materializer run ended, leaving `waiting` files for want of space. */
  after(waiting: readonly WaitingForSpace[]): void {
    const into = this.collecting ?? this.smallest;
    for (const w of waiting) into.set(w.volume, Math.min(into.get(w.volume) ?? w.bytes, w.bytes));
    if (this.smallest.size > 0) this.poll();
  }

  /** Whether files are known to wait for space. */
  get waiting(): boolean {
    return this.smallest.size > 0;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private poll(): void {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => void this.look(), this.options.pollMs ?? SPACE_POLL_MS);
    this.timer.unref();
  }

  private async look(): Promise<void> {
    if (this.collecting || this.stopped) return;
    const room = [...this.smallest].some(([volume, bytes]) => {
      const usable = this.options.usable(volume);
      return usable === undefined || usable >= bytes;
    });
    if (!room) return;
    this.collecting = new Map();
    try {
      await this.options.retry();
      this.smallest = this.collecting;
    } catch (e) {
      // What was known still waits: looked at again at the next poll.
      this.options.onError(e as Error);
    } finally {
      this.collecting = undefined;
    }
    if (this.smallest.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }
}

/** The materializer, telling `wait` what each run left waiting for space. */
export function retryWhenSpace(materializer: Materializer, wait: SpaceWait): Materializer {
  return {
    trash: materializer.trash,
    async apply(entityIds) {
      const report = await materializer.apply(entityIds);
      wait.after(report.waitingForSpace);
      return report;
    },
  };
}
