import { describe, expect, it } from 'vitest';
import { messages, shortTime } from './messages.js';

describe('messages.alreadyRunning', () => {
  const now = new Date(2026, 11, 4, 23, 0);

  it('names the command, pid and local start time of a running owner', () => {
    const startedAt = new Date(2026, 11, 4, 22, 14).toISOString();
    expect(
      messages.alreadyRunning({ pid: 4242, command: 'netguardian start', startedAt }, now),
    ).toBe(
      'this device is already running: netguardian start (pid 4242, since 22:14). ' +
        'Stop it first, or run commands while it runs: they talk to it.',
    );
  });

  it('says the date when the owner started on another day, and nothing when unknown', () => {
    expect(shortTime(new Date(2026, 10, 30, 8, 5).toISOString(), now)).toBe('2026-11-30 08:05');
    expect(shortTime('not a date', now)).toBeNull();
    expect(
      messages.alreadyRunning({ pid: 7, command: 'netguardian serve', startedAt: '?' }, now),
    ).toBe(
      'this device is already running: netguardian serve (pid 7). ' +
        'Stop it first, or run commands while it runs: they talk to it.',
    );
    expect(messages.alreadyRunning(undefined, now)).toBe(
      'this device is already running in another process. ' +
        'Stop it first, or run commands while it runs: they talk to it.',
    );
  });
});
