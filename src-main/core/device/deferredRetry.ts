import type { Materializer } from '../files/materializer.js';

/** The first retry of what a materializer run left deferred, and the longest wait between two. */
export const DEFERRED_RETRY_FIRST_MS = 2_000;
export const DEFERRED_RETRY_MAX_MS = 60_000;
/**
 * The longest wait between two retries of paths a run failed to write (and deferred nothing):
 * a failure may last (a name this disk refuses, a folder without permission), so its retries
 * thin out further than a deferral's, but never stop.
 */
export const FAILED_RETRY_MAX_MS = 10 * 60_000;

/**
 * What the materializer left deferred (a file still changing here, recorded first and "decided on
 * the next apply"; a folder in the way) is tried again soon. Without this nothing applied it
 * again until something else touched the same path or the device reconciled (at start, on a
 * `sync`): a device that had gone quiet could hold a pulled file unwritten for good. The same goes
 * for paths a run failed to write: a download cut off when its hub process was killed failed the
 * file's write, and nothing wrote it until a manual `sync` (a new admin's try saw it twice).
 * Retries back off (2 s, doubling to a minute while runs defer, to ten minutes while they only
 * fail), and start over once a run defers and fails nothing.
 */
export class DeferredRetry {
  private timer: NodeJS.Timeout | undefined;
  private delayMs = DEFERRED_RETRY_FIRST_MS;
  private stopped = false;

  constructor(
    /** Brings the disk in line with the store (the device's reconcile). */
    private readonly retry: () => Promise<void>,
    private readonly onError: (e: Error) => void,
  ) {}

  /** A materializer run ended, leaving `deferred` entities out of step and `failed` paths unwritten. */
  after(deferred: number, failed = 0): void {
    if (deferred === 0 && failed === 0) {
      this.delayMs = DEFERRED_RETRY_FIRST_MS;
      return;
    }
    if (this.timer || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.stopped) this.retry().catch((e: unknown) => this.onError(e as Error));
    }, this.delayMs);
    this.timer.unref();
    this.delayMs = Math.min(
      this.delayMs * 2,
      deferred > 0 ? DEFERRED_RETRY_MAX_MS : FAILED_RETRY_MAX_MS,
    );
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** The materializer, telling `retry` what each run left deferred or failed to write. */
export function retryDeferred(materializer: Materializer, retry: DeferredRetry): Materializer {
  return {
    trash: materializer.trash,
    async apply(entityIds) {
      const report = await materializer.apply(entityIds);
      retry.after(report.deferred.length, report.errors.length);
      return report;
    },
  };
}
