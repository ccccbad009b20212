import { describe, expect, it } from 'vitest';
import { AttemptLimiter } from './attemptLimiter.js';

/** A clock the test moves by hand. */
function fakeClock(start = 1_000_000) {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}

describe('AttemptLimiter', () => {
  it('allows N attempts per window, refuses the next until the window has passed', () => {
    const clock = fakeClock();
    const limiter = new AttemptLimiter({
      maxAttempts: 3,
      windowMs: 60_000,
      maxKeys: 10,
      now: clock.now,
    });
    expect(limiter.attempt('10.0.0.1')).toEqual({ allowed: true, remaining: 2 });
    clock.advance(10_000);
    expect(limiter.attempt('10.0.0.1')).toEqual({ allowed: true, remaining: 1 });
    expect(limiter.attempt('10.0.0.1')).toEqual({ allowed: true, remaining: 0 });
    expect(limiter.attempt('10.0.0.1')).toEqual({ allowed: false, retryAfterMs: 50_000 });
    clock.advance(49_999);
    expect(limiter.attempt('10.0.0.1')).toEqual({ allowed: false, retryAfterMs: 1 });
    clock.advance(1);
    // The window (started at the first attempt) has passed: a new one.
    expect(limiter.attempt('10.0.0.1')).toEqual({ allowed: true, remaining: 2 });
  });

  it('counts each key on its own', () => {
    const clock = fakeClock();
    const limiter = new AttemptLimiter({
      maxAttempts: 1,
      windowMs: 1_000,
      maxKeys: 10,
      now: clock.now,
    });
    expect(limiter.attempt('a').allowed).toBe(true);
    expect(limiter.attempt('a').allowed).toBe(false);
    expect(limiter.attempt('b').allowed).toBe(true);
    expect(limiter.attempt('b').allowed).toBe(false);
  });

  it('tracks at most maxKeys keys, evicting the one whose window started first', () => {
    const clock = fakeClock();
    const limiter = new AttemptLimiter({
      maxAttempts: 1,
      windowMs: 60_000,
      maxKeys: 3,
      now: clock.now,
    });
    for (const key of ['a', 'b', 'c']) {
      expect(limiter.attempt(key).allowed).toBe(true);
      clock.advance(1_000);
    }
    expect(limiter.size).toBe(3);
    expect(limiter.attempt('a').allowed).toBe(false);
    // A fourth key evicts "a" (oldest window), so "a" is forgotten and "b", "c" still refused.
    expect(limiter.attempt('d').allowed).toBe(true);
    expect(limiter.size).toBe(3);
    expect(limiter.attempt('b').allowed).toBe(false);
    expect(limiter.attempt('c').allowed).toBe(false);
    expect(limiter.attempt('d').allowed).toBe(false);
    expect(limiter.attempt('a').allowed).toBe(true); // a new window; evicts "b"
    expect(limiter.size).toBe(3);
    expect(limiter.attempt('b').allowed).toBe(true);
  });

  it('drops windows that have passed before evicting live ones', () => {
    const clock = fakeClock();
    const limiter = new AttemptLimiter({
      maxAttempts: 1,
      windowMs: 1_000,
      maxKeys: 100,
      now: clock.now,
    });
    for (let i = 0; i < 100; i++) limiter.attempt(`k${i}`);
    expect(limiter.size).toBe(100);
    clock.advance(1_000);
    expect(limiter.attempt('new').allowed).toBe(true);
    expect(limiter.size).toBe(1);
  });

  it('refuses nonsense limits', () => {
    expect(() => new AttemptLimiter({ maxAttempts: 0, windowMs: 1, maxKeys: 1 })).toThrow(
      /maxAttempts/,
    );
    expect(() => new AttemptLimiter({ maxAttempts: 1, windowMs: 1.5, maxKeys: 1 })).toThrow(
      /windowMs/,
    );
    expect(() => new AttemptLimiter({ maxAttempts: 1, windowMs: 1, maxKeys: -1 })).toThrow(
      /maxKeys/,
    );
  });
});
