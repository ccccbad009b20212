import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DeferredRetry } from './deferredRetry.js';

describe('DeferredRetry', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('retries 2 s after a run deferred something, backing off while runs keep deferring', async () => {
    const at: number[] = [];
    const start = Date.now();
    const retry = new DeferredRetry(
      () => {
        at.push(Date.now() - start);
        // The retry's own run defers again, as a file still changing would.
        retry.after(1);
        return Promise.resolve();
      },
      () => undefined,
    );
    retry.after(2);
    await vi.advanceTimersByTimeAsync(200_000);
    // 2 s, then 4, 8, 16, 32, 60, 60, … between retries.
    expect(at.slice(0, 7)).toEqual([2_000, 6_000, 14_000, 30_000, 62_000, 122_000, 182_000]);
    retry.stop();
  });

  it('starts over once a run defers nothing, and one retry waits at a time', async () => {
    let retries = 0;
    const retry = new DeferredRetry(
      () => {
        retries++;
        return Promise.resolve();
      },
      () => undefined,
    );
    retry.after(1);
    retry.after(5);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(retries).toBe(1);
    retry.after(1);
    await vi.advanceTimersByTimeAsync(3_999);
    expect(retries).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(retries).toBe(2);
    retry.after(0);
    retry.after(1);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(retries).toBe(3);
    retry.stop();
    retry.after(1);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(retries).toBe(3);
  });

  it('retries paths a run failed to write (a download cut off), thinning out to ten minutes', async () => {
    const at: number[] = [];
    const start = Date.now();
    const retry = new DeferredRetry(
      () => {
        at.push(Date.now() - start);
        // The hub is still away: the retry's own run fails the file again.
        retry.after(0, 1);
        return Promise.resolve();
      },
      () => undefined,
    );
    retry.after(0, 1);
    await vi.advanceTimersByTimeAsync(3_000_000);
    // 2 s, then 4, 8, … 512 s, then every 600 s.
    expect(at.slice(0, 12)).toEqual([
      2_000, 6_000, 14_000, 30_000, 62_000, 126_000, 254_000, 510_000, 1_022_000, 1_622_000,
      2_222_000, 2_822_000,
    ]);
    retry.stop();
  });
});
