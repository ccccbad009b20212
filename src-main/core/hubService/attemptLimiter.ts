/**
 * Limits attempts per key (a remote address trying invite secrets): at most `maxAttempts` in a
 * window of `windowMs` that starts at the key's first attempt; after that the key is refused until
 * the window has passed, and then starts a new one. A fixed window, not a sliding one: simple,
 * and enough to make guessing a 256-bit secret (or hammering the pairing route) pointless.
 *
 * Memory is bounded: at most `maxKeys` keys are tracked; a new key beyond that evicts the key
 * whose window started longest ago. (Someone with more than `maxKeys` addresses can so reset
 * their own counts; the secrets do not depend on this limit, it only keeps the work bounded.)
 */

export interface AttemptLimiterOptions {
  readonly maxAttempts: number;
  readonly windowMs: number;
  readonly maxKeys: number;
  /** Milliseconds, monotonic enough for windows (default `Date.now`). */
  readonly now?: () => number;
}

export type AttemptVerdict =
  | { readonly allowed: true; readonly remaining: number }
  | { readonly allowed: false; readonly retryAfterMs: number };

interface Window {
  readonly startedAt: number;
  count: number;
}

export class AttemptLimiter {
  private readonly maxAttempts: number;
  private readonly windowMs: number;
  private readonly maxKeys: number;
  private readonly now: () => number;
  /** In order of window start (a Map iterates in insertion order; a new window re-inserts). */
  private readonly windows = new Map<string, Window>();

  constructor(options: AttemptLimiterOptions) {
    for (const [name, value] of [
      ['maxAttempts', options.maxAttempts],
      ['windowMs', options.windowMs],
      ['maxKeys', options.maxKeys],
    ] as const) {
      if (!Number.isSafeInteger(value) || value < 1)
        throw new RangeError(`${name} must be a whole number, 1 or more; got ${String(value)}`);
    }
    this.maxAttempts = options.maxAttempts;
    this.windowMs = options.windowMs;
    this.maxKeys = options.maxKeys;
    this.now = options.now ?? Date.now;
  }

  /** Counts one attempt of `key` and says whether it may go ahead. A refused attempt is not counted. */
  attempt(key: string): AttemptVerdict {
    const now = this.now();
    const current = this.windows.get(key);
    if (current !== undefined && now - current.startedAt < this.windowMs) {
      if (current.count >= this.maxAttempts)
        return { allowed: false, retryAfterMs: current.startedAt + this.windowMs - now };
      current.count += 1;
      return { allowed: true, remaining: this.maxAttempts - current.count };
    }
    // A new window: re-inserted at the end, so the Map stays in order of window start.
    this.windows.delete(key);
    this.dropExpired(now);
    while (this.windows.size >= this.maxKeys) {
      const oldest = this.windows.keys().next();
      if (oldest.done === true) break;
      this.windows.delete(oldest.value);
    }
    this.windows.set(key, { startedAt: now, count: 1 });
    return { allowed: true, remaining: this.maxAttempts - 1 };
  }

  /** Whether `key` has used up its window (nothing is counted). */
  blocked(key: string): boolean {
    const current = this.windows.get(key);
    return (
      current !== undefined &&
      this.now() - current.startedAt < this.windowMs &&
      current.count >= this.maxAttempts
    );
  }

  /** Keys tracked now (for tests and metrics). */
  get size(): number {
    return this.windows.size;
  }

  /** Windows that have passed, from the oldest; stops at the first still running. */
  private dropExpired(now: number): void {
    for (const [key, window] of this.windows) {
      if (now - window.startedAt < this.windowMs) return;
      this.windows.delete(key);
    }
  }
}
