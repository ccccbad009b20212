import type { Materializer } from '../files/materializer.js';

/** The first retry of what a materializer run left deferred, and the longest wait between two. */
export const DEFERRED_RETRY_FIRST_MS = 2_000;
export const DEFERRED_RETRY_MAX_MS = 60_000;

/**
 * What the materializer left deferred (a file still changing here, recorded first and "decided on
 * the next apply"; a folder in the way) is tried again soon. Without this nothing applied it
 * again until something else touched the same path or the device reconciled (at start, on a
 * `sync`): a device that had gone quiet could hold a pulled file unwritten for good. Retries back
 * off (2 s, doubling to a minute) while runs keep deferring, and start over once one defers none.
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

  /** A materializer run ended, leaving `deferred` entities out of step. */
  after(deferred: number): void {
    if (deferred === 0) {
      this.delayMs = DEFERRED_RETRY_FIRST_MS;
      return;
    }
    if (this.timer || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.stopped) this.retry().catch((e: unknown) => this.onError(e as Error));
    }, this.delayMs);
    this.timer.unref();
    this.delayMs = Math.min(this.delayMs * 2, DEFERRED_RETRY_MAX_MS);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** The materializer, telling `retry` what each run left deferred. */
export function retryDeferred(materializer: Materializer, retry: DeferredRetry): Materializer {
  return {
    trash: materializer.trash,
    async apply(entityIds) {
      const report = await materializer.apply(entityIds);
      retry.after(report.deferred.length);
      return report;
    },
  };
}
