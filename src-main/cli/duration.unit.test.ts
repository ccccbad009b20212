import { describe, expect, it } from 'vitest';
import { isNetGuardianError } from '../../src-shared/errors.js';
import { parseDuration } from './duration.js';

describe('parseDuration', () => {
  it('reads minutes, hours and days', () => {
    expect(parseDuration('30m', 'expires')).toBe(1_800_000);
    expect(parseDuration('24h', 'expires')).toBe(86_400_000);
    expect(parseDuration('7d', 'expires')).toBe(604_800_000);
    expect(parseDuration(' 2H ', 'expires')).toBe(7_200_000);
    expect(parseDuration('30d', 'expires')).toBe(2_592_000_000);
  });

  it('refuses what is not a duration, zero, and more than 30 days, naming the option', () => {
    const refusal = (text: string) => {
      try {
        parseDuration(text, 'expires');
      } catch (e) {
        return isNetGuardianError(e) ? `${e.code}: ${e.message}` : String(e);
      }
      return 'accepted';
    };
    expect(refusal('soon')).toBe(
      'InvalidArgument: --expires "soon" is not a duration: give minutes, hours or days (30m, 24h, 7d)',
    );
    expect(refusal('10s')).toBe(
      'InvalidArgument: --expires "10s" is not a duration: give minutes, hours or days (30m, 24h, 7d)',
    );
    expect(refusal('0m')).toBe('InvalidArgument: --expires 0m must be from 1 minute to 30 days');
    expect(refusal('31d')).toBe('InvalidArgument: --expires 31d must be from 1 minute to 30 days');
    expect(refusal('721h')).toBe(
      'InvalidArgument: --expires 721h must be from 1 minute to 30 days',
    );
  });

  it('takes a longer limit where the command allows one (trash empty --older-than)', () => {
    expect(parseDuration('90d', 'older-than', 3650)).toBe(7_776_000_000);
    expect(() => parseDuration('3651d', 'older-than', 3650)).toThrow(
      '--older-than 3651d must be from 1 minute to 3650 days',
    );
    expect(() => parseDuration('banana', 'older-than', 3650)).toThrow(
      '--older-than "banana" is not a duration: give minutes, hours or days (30m, 24h, 7d)',
    );
  });
});
