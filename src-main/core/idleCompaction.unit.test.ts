import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fullGarbageCollection, IdleCompaction } from './idleCompaction.js';

describe('IdleCompaction', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('collects once, 10 s after the last activity of a burst, never during it', () => {
    let collections = 0;
    const idle = new IdleCompaction(() => collections++, 10_000);
    for (let i = 0; i < 20; i++) {
      idle.activity();
      vi.advanceTimersByTime(1_000);
    }
    expect(collections).toBe(0);
    vi.advanceTimersByTime(8_999);
    expect(collections).toBe(0);
    vi.advanceTimersByTime(1);
    expect(collections).toBe(1);
    vi.advanceTimersByTime(60_000);
    expect(collections).toBe(1);
    // A second burst, a second collection.
    idle.activity();
    vi.advanceTimersByTime(10_000);
    expect(collections).toBe(2);
  });

  it('does nothing after dispose', () => {
    let collections = 0;
    const idle = new IdleCompaction(() => collections++, 10_000);
    idle.activity();
    idle.dispose();
    vi.advanceTimersByTime(20_000);
    expect(collections).toBe(0);
  });

  it('gets a real full collection from V8', () => {
    const gc = fullGarbageCollection();
    expect(typeof gc).toBe('function');
    expect(() => gc?.()).not.toThrow();
  });
});
