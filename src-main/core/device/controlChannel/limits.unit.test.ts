import { describe, expect, it } from 'vitest';
import { idleVerdict, type ConnectionActivity } from './limits.js';

const quiet: ConnectionActivity = {
  waitingForClient: true,
  partial: false,
  inFlight: 0,
  subscribed: false,
  unsentBytes: 0,
};

describe('idleVerdict', () => {
  it('closes a connection with nothing going on', () => {
    expect(idleVerdict(quiet)).toBe('close');
  });

  it('keeps a quiet subscriber, and one waiting for its own answer', () => {
    expect(idleVerdict({ ...quiet, subscribed: true })).toBe('keep');
    expect(idleVerdict({ ...quiet, inFlight: 1 })).toBe('keep');
  });

  it("keeps a connection while the owner's side is busy (an upload waiting on the disk)", () => {
    expect(idleVerdict({ ...quiet, waitingForClient: false, partial: true })).toBe('keep');
  });

  it('closes a client that stopped reading, or stopped half-way through sending', () => {
    expect(idleVerdict({ ...quiet, subscribed: true, inFlight: 2, unsentBytes: 1 })).toBe('close');
    expect(idleVerdict({ ...quiet, waitingForClient: false, unsentBytes: 1 })).toBe('close');
    expect(idleVerdict({ ...quiet, partial: true, subscribed: true, inFlight: 1 })).toBe('close');
  });
});
