import { describe, expect, it } from 'vitest';
import { EventLoopTurns } from './eventLoopTurns.js';

/** A loop of `ms` of work whose awaits resolve as microtasks only (as PGlite's do). */
async function busyLoop(ms: number, turns?: EventLoopTurns): Promise<void> {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    await Promise.resolve();
    await turns?.take();
  }
}

describe('EventLoopTurns', () => {
  it('lets a timer run during a loop whose awaits never leave the microtask queue', async () => {
    let firedAt: 'during' | 'after' | undefined;
    let looping = true;
    setTimeout(() => (firedAt = looping ? 'during' : 'after'), 0);
    await busyLoop(100, new EventLoopTurns(10));
    looping = false;
    expect(firedAt).toBe('during');
  });

  it('is needed: without it the same timer waits for the end of the loop', async () => {
    let firedAt: 'during' | 'after' | undefined;
    let looping = true;
    setTimeout(() => (firedAt = looping ? 'during' : 'after'), 0);
    await busyLoop(100);
    looping = false;
    await new Promise((r) => setTimeout(r, 5));
    expect(firedAt).toBe('after');
  });
});
