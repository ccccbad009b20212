/** The longest a scan waits for the push of its batch before the last (see `ScanPacer`). */
const SCAN_AHEAD_WAIT_MS = 1_000;

/**
 * Paces a running device's first scan against its pushes. Each batch the scan commits is pushed
 * at once, and the scan hashes on only once the push of the batch before it is done (at most
 * `SCAN_AHEAD_WAIT_MS`): one batch ahead, never more. Scanning and pushing share this process's
 * one thread; left to run ahead, a first scan of 10,000 files took the thread for seconds while
 * its pushes crawled, and other devices received their first files after the whole scan rather
 * than within a second or two. A push that fails or overruns the wait stops the waiting until a
 * push succeeds again, so an unreachable hub never slows the scan by more than one wait.
 */
export class ScanPacer {
  /** The push started for the scan's last recorded batch. */
  private scanPush: Promise<void> | undefined;
  /** The last such push failed or overran its wait: the scan does not wait for pushes. */
  private stalled = false;

  constructor(
    /** Pushes what is recorded; resolves with whether it failed. */
    private readonly push: () => Promise<{ readonly error: string | null }>,
    /** Whether pushing now makes sense (a running daemon with a hub, not paused). */
    private readonly active: () => boolean,
  ) {}

  /** A scan committed a batch: push it; the promise, if any, is what the scan waits for. */
  onBatch(): Promise<void> | undefined {
    if (!this.active()) return undefined;
    const previous = this.scanPush;
    this.scanPush = this.push().then(
      (report) => {
        this.stalled = report.error !== null;
      },
      () => {
        this.stalled = true;
      },
    );
    if (!previous || this.stalled) return undefined;
    let timer: NodeJS.Timeout | undefined;
    const overrun = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.stalled = true;
        resolve();
      }, SCAN_AHEAD_WAIT_MS);
    });
    return Promise.race([previous, overrun]).finally(() => clearTimeout(timer));
  }
}
