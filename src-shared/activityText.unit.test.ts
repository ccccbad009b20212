import { describe, expect, it } from 'vitest';
import { activityText } from './activityText.js';
import type { ActivityItem } from './ipc/contract.js';

const at = Date.UTC(2026, 11, 6, 20, 50);
const since = Date.UTC(2026, 11, 6, 20, 44);
const item = (message: string, count?: number): ActivityItem => ({
  id: 3,
  at,
  kind: 'error',
  message,
  ...(count === undefined ? {} : { repeats: { count, since } }),
});

describe('activityText', () => {
  it('says an item once as it is', () => {
    expect(activityText(item('notes.txt changed on laptop'))).toBe('notes.txt changed on laptop');
  });

  it('says a repeated failure once: since when and how often after what happened', () => {
    const unreachable =
      "Can't reach the hub at 127.0.0.1. NetGuardian keeps trying; check that the hub is running.";
    expect(activityText(item(unreachable, 7), () => '20:44')).toBe(
      "Can't reach the hub at 127.0.0.1 since 20:44 · 7 tries. NetGuardian keeps trying; check that the hub is running.",
    );
    expect(activityText(item('The disk is full.', 1214), () => '20:44')).toBe(
      'The disk is full since 20:44 · 1,214 tries',
    );
  });
});
