import { describe, expect, it } from 'vitest';
import {
  isSyncInterval,
  syncIntervalForInput,
  syncIntervalFromInput,
  SYNC_INTERVAL_RULE,
} from './syncInterval.js';

const RULE = 'Choose a sync interval from 5 seconds to 24 hours (1440 minutes), in whole seconds.';

describe('the sync interval rule', () => {
  it('takes whole seconds from 5 s to 24 h', () => {
    expect(isSyncInterval(5_000)).toBe(true);
    expect(isSyncInterval(30_000)).toBe(true);
    expect(isSyncInterval(86_400_000)).toBe(true);
    expect(isSyncInterval(4_000)).toBe(false);
    expect(isSyncInterval(86_401_000)).toBe(false);
    expect(isSyncInterval(5_500)).toBe(false);
  });

  it('reads a number in seconds or minutes, decimals allowed', () => {
    expect(syncIntervalFromInput('45', 'seconds')).toEqual({ ok: true, ms: 45_000 });
    expect(syncIntervalFromInput(' 5 ', 'minutes')).toEqual({ ok: true, ms: 300_000 });
    expect(syncIntervalFromInput('0.5', 'minutes')).toEqual({ ok: true, ms: 30_000 });
    expect(syncIntervalFromInput('0.1', 'minutes')).toEqual({ ok: true, ms: 6_000 });
    expect(syncIntervalFromInput('1440', 'minutes')).toEqual({ ok: true, ms: 86_400_000 });
  });

  it('refuses anything else with one sentence', () => {
    expect(SYNC_INTERVAL_RULE).toBe(RULE);
    for (const [text, unit] of [
      ['', 'seconds'],
      ['abc', 'minutes'],
      ['4', 'seconds'],
      ['0.05', 'minutes'],
      ['1441', 'minutes'],
      ['7.5', 'seconds'],
      ['-10', 'seconds'],
      ['Infinity', 'minutes'],
    ] as const)
      expect(syncIntervalFromInput(text, unit)).toEqual({ ok: false, message: RULE });
  });

  it('shows whole minutes in minutes, anything else in seconds', () => {
    expect(syncIntervalForInput(30_000)).toEqual({ value: '30', unit: 'seconds' });
    expect(syncIntervalForInput(60_000)).toEqual({ value: '1', unit: 'minutes' });
    expect(syncIntervalForInput(300_000)).toEqual({ value: '5', unit: 'minutes' });
    expect(syncIntervalForInput(90_000)).toEqual({ value: '90', unit: 'seconds' });
  });
});
