/**
 * Collects changed paths and releases them once the folder has been quiet
 * for `quietMs` (a burst, or an editor's write-temp-then-rename save, becomes
 * one batch), but never holds a path longer than `maxDelayMs` (a file that is
 * rewritten continuously still syncs). Pure: timers are injected, so tests
 * drive time by hand (VS Code's watcher keeps its coalescer apart the same way).
 */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

export const realTimers: Timers = {
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
  now: () => Date.now(),
};

export interface ChangeCoalescerOptions {
  readonly quietMs: number;
  readonly maxDelayMs: number;
  readonly onFlush: (paths: string[]) => void;
  /**
   * How many paths it holds, each time that changes (after `onFlush` took them): changes
   * noticed but not handed on yet, which the app counts as not recorded.
   */
  readonly onSize?: (size: number) => void;
  readonly timers?: Timers;
}

export class ChangeCoalescer {
  private readonly pending = new Set<string>();
  private firstAt: number | undefined;
  private timer: unknown;
  private readonly timers: Timers;
  private disposed = false;

  constructor(private readonly options: ChangeCoalescerOptions) {
    this.timers = options.timers ?? realTimers;
  }

  get size(): number {
    return this.pending.size;
  }

  add(path: string): void {
    if (this.disposed) return;
    const before = this.pending.size;
    this.pending.add(path);
    if (this.pending.size !== before) this.options.onSize?.(this.pending.size);
    const now = this.timers.now();
    this.firstAt ??= now;
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    const untilMax = this.firstAt + this.options.maxDelayMs - now;
    this.timer = this.timers.setTimeout(
      () => this.flush(),
      Math.max(0, Math.min(this.options.quietMs, untilMax)),
    );
  }

  flush(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.firstAt = undefined;
    if (this.pending.size === 0) return;
    const paths = [...this.pending];
    this.pending.clear();
    this.options.onFlush(paths);
    this.options.onSize?.(0);
  }

  dispose(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    const held = this.pending.size;
    this.pending.clear();
    this.disposed = true;
    // Dropped: whoever stops a watcher scans the folder again before trusting it.
    if (held > 0) this.options.onSize?.(0);
  }
}
