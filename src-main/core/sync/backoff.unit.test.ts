import { describe, expect, it } from 'vitest';
import { HUB_RETRY, backoffDelay } from './backoff.js';

describe('backoffDelay', () => {
  it('doubles from the first delay and stops at the cap (1, 2, 4, 8, 16, 30, 30 s)', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelay(HUB_RETRY, n));
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
  });

  it('stays at the cap after very many failures', () => {
    expect(backoffDelay(HUB_RETRY, 10_000)).toBe(30_000);
  });

  it('treats zero failures like the first', () => {
    expect(backoffDelay({ firstMs: 50, maxMs: 400 }, 0)).toBe(50);
  });
});
