import { describe, expect, it } from 'vitest';
import { RestartBudget } from './restartBudget.js';

const MIN = 60_000;

describe('restarting the core', () => {
  it('restarts three crashes in a row, longer each time, and gives up at the fourth', () => {
    let now = 0;
    const budget = new RestartBudget(() => now);
    const decisions = [0, 1, 2, 3].map((i) => {
      now = i * 20_000;
      return budget.onExit();
    });
    expect(decisions).toEqual([
      { restart: true, delayMs: 2_000, recent: 1 },
      { restart: true, delayMs: 4_000, recent: 2 },
      { restart: true, delayMs: 6_000, recent: 3 },
      { restart: false, delayMs: 8_000, recent: 4 },
    ]);
  });

  it('forgets crashes older than ten minutes: one a week apart is restarted every time', () => {
    let now = 0;
    const budget = new RestartBudget(() => now);
    for (let week = 0; week < 6; week++) {
      now = week * 7 * 24 * 60 * MIN;
      expect(budget.onExit()).toEqual({ restart: true, delayMs: 2_000, recent: 1 });
    }
    // Two close together after a quiet spell count as two, not as the sixth and seventh.
    now += 11 * MIN;
    budget.onExit();
    now += MIN;
    expect(budget.onExit()).toEqual({ restart: true, delayMs: 4_000, recent: 2 });
  });
});
