/**
 * Changes the watcher noticed in the folder that are not recorded yet, counted so the status
 * never says "Synced" while a file is still being copied in: paths waiting for the folder to be
 * quiet (the watcher's coalescer), paths handed to the scanner and not scanned yet, and files
 * the last scan found still changing (the scanner leaves those for the watcher to report again;
 * a 40 MB copy keeps changing for seconds). `tell` hears the count each time it changes; a
 * batch being handed from the watcher to the scanner counts twice for that synchronous moment
 * (never 0: nothing pushes the state in between).
 */
export class NoticedChanges {
  private waiting = 0;
  private scanning = 0;
  private stillChanging = 0;
  private told = 0;

  constructor(private readonly tell: (count: number) => void) {}

  /** Paths the watcher holds until the folder is quiet. */
  waitingNow(count: number): void {
    this.waiting = count;
    this.report();
  }

  /** A batch of the watcher's paths handed to the scanner. */
  scanStarted(paths: number): void {
    this.scanning += paths;
    this.report();
  }

  /**
   * That batch scanned: `busy` files changed while being read, so they are not recorded yet
   * (the watcher reports them again as they keep changing).
   */
  scanEnded(paths: number, busy: number): void {
    this.scanning = Math.max(0, this.scanning - paths);
    this.stillChanging = busy;
    this.report();
  }

  /** A full scan looked at every file: what it found still changing is all that is left. */
  fullScanEnded(busy: number): void {
    this.stillChanging = busy;
    this.report();
  }

  private report(): void {
    // A file still changing is usually also waiting again (the watcher hears the copy go on):
    // the larger of the two counts it once, and is 0 only when both are.
    const count = Math.max(this.waiting + this.scanning, this.stillChanging);
    if (count === this.told) return;
    this.told = count;
    this.tell(count);
  }
}
