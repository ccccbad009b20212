import { describe, expect, it } from 'vitest';
import { HashOrder, LARGE_FILE_BYTES } from './hashOrder.js';

const file = (name: string, size: number) => ({ name, stats: { size } });

function drain<T>(order: HashOrder<T & { stats: { size: number } }>): T[] {
  const out: T[] = [];
  for (let f = order.next(); f; f = order.next()) out.push(f);
  return out;
}

describe('HashOrder', () => {
  it('takes small files smallest first and spreads large ones evenly among them', () => {
    const small = Array.from({ length: 10_000 }, (_, i) =>
      file(`s${i}`, 1024 + ((i * 7919) % 3072)),
    );
    const large = Array.from({ length: 20 }, (_, i) => file(`b${i}`, 4 * 2 ** 20 + i));
    const order = drain(new HashOrder([...large, ...small]));

    expect(order).toHaveLength(10_020);
    expect(new Set(order.map((f) => f.name)).size).toBe(10_020);
    const smallSizes = order
      .filter((f) => f.stats.size < LARGE_FILE_BYTES)
      .map((f) => f.stats.size);
    expect(smallSizes).toEqual([...smallSizes].sort((a, b) => a - b));

    // The k-th large file comes once k/21 of the small ones were taken: none at either end.
    const positions = order.flatMap((f, i) => (f.stats.size >= LARGE_FILE_BYTES ? [i] : []));
    expect(positions).toHaveLength(20);
    positions.forEach((at, k) => {
      const smallBefore = at - k;
      expect(smallBefore).toBe(Math.ceil((10_000 * (k + 1)) / 21));
    });
    expect(order.at(-1)?.stats.size).toBeLessThan(LARGE_FILE_BYTES);
  });

  it('handles only small, only large and no files', () => {
    expect(
      drain(new HashOrder([file('b', 3), file('a', 1), file('c', 2)])).map((f) => f.name),
    ).toEqual(['a', 'c', 'b']);
    const big = (n: string, mib: number) => file(n, mib * 2 ** 20);
    expect(drain(new HashOrder([big('x', 9), big('y', 2)])).map((f) => f.name)).toEqual(['y', 'x']);
    expect(new HashOrder([]).next()).toBeUndefined();
  });

  it('puts a lone large file in the middle', () => {
    const files = [
      file('big', LARGE_FILE_BYTES),
      ...Array.from({ length: 10 }, (_, i) => file(`s${i}`, i)),
    ];
    expect(drain(new HashOrder(files)).findIndex((f) => f.name === 'big')).toBe(5);
  });
});
