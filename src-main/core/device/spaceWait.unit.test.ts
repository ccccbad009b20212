import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WaitingForSpace } from '../files/materializer.js';
import { SpaceWait } from './spaceWait.js';

const MiB = 1024 * 1024;
const waits = (path: string, bytes: number, volume = '/data'): WaitingForSpace => ({
  path,
  bytes,
  volume,
});

describe('SpaceWait', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('retries once the disk has room for the smallest waiting file, and stops when none waits', async () => {
    const usable = new Map([['/data', 1 * MiB]]);
    const looked: string[] = [];
    let retries = 0;
    let stillWaiting: WaitingForSpace[] = [];
    const wait: SpaceWait = new SpaceWait({
      usable: (volume) => {
        looked.push(volume);
        return usable.get(volume);
      },
      retry: () => {
        retries++;
        // The retry's runs report what still waits.
        wait.after(stillWaiting);
        return Promise.resolve();
      },
      onError: () => undefined,
      pollMs: 1_000,
    });
    wait.after([waits('big.iso', 5 * MiB), waits('small.bin', 2 * MiB)]);
    expect(wait.waiting).toBe(true);
    await vi.advanceTimersByTimeAsync(3_000);
    // 1 MiB usable, 2 MiB the smallest: looked three times, no retry.
    expect(looked).toEqual(['/data', '/data', '/data']);
    expect(retries).toBe(0);
    // Room for small.bin only: one retry, after which big.iso still waits.
    usable.set('/data', 2 * MiB);
    stillWaiting = [waits('big.iso', 5 * MiB)];
    await vi.advanceTimersByTimeAsync(1_000);
    expect(retries).toBe(1);
    // The smallest is big.iso's 5 MiB now: 2 MiB usable is not worth a retry.
    await vi.advanceTimersByTimeAsync(5_000);
    expect(retries).toBe(1);
    usable.set('/data', 6 * MiB);
    stillWaiting = [];
    await vi.advanceTimersByTimeAsync(1_000);
    expect(retries).toBe(2);
    expect(wait.waiting).toBe(false);
    // Nothing waits: the disk is not looked at any more.
    looked.length = 0;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(looked).toEqual([]);
    expect(retries).toBe(2);
  });

  it('looks at each disk for its own smallest file', async () => {
    const usable = new Map([
      ['/data', 0],
      ['/media/usb', 3 * MiB],
    ]);
    let retries = 0;
    const wait = new SpaceWait({
      usable: (volume) => usable.get(volume),
      retry: () => {
        retries++;
        return Promise.resolve();
      },
      onError: () => undefined,
      pollMs: 1_000,
    });
    wait.after([waits('a.bin', 2 * MiB, '/data'), waits('usb/b.bin', 4 * MiB, '/media/usb')]);
    wait.after([waits('c.bin', 1 * MiB, '/data')]);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(retries).toBe(0);
    // /data has room for c.bin (1 MiB), the smallest on it.
    usable.set('/data', 1 * MiB);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(retries).toBe(1);
    wait.stop();
  });

  it('keeps waiting after a failed retry, and never runs two retries at once', async () => {
    let retries = 0;
    let finish: (() => void) | undefined;
    const errors: string[] = [];
    const wait = new SpaceWait({
      usable: () => 10 * MiB,
      retry: () => {
        retries++;
        if (retries === 1) return Promise.reject(new Error('store closed'));
        return new Promise<void>((resolve) => (finish = resolve));
      },
      onError: (e) => errors.push(e.message),
      pollMs: 1_000,
    });
    wait.after([waits('a.bin', MiB)]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(errors).toEqual(['store closed']);
    expect(wait.waiting).toBe(true);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(retries).toBe(2);
    // The second retry is still running: later polls start none.
    await vi.advanceTimersByTimeAsync(5_000);
    expect(retries).toBe(2);
    finish?.();
    await vi.advanceTimersByTimeAsync(0);
    expect(wait.waiting).toBe(false);
    wait.stop();
  });
});
