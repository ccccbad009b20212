import { describe, expect, it } from 'vitest';
import { ConnectionLimits, type Shed, type Timers } from './connectionLimits.js';

/** Timers the test fires by hand. */
function manualTimers() {
  const pending = new Map<number, { callback: () => void; ms: number }>();
  let next = 1;
  const timers: Timers = {
    set: (callback, ms) => {
      pending.set(next, { callback, ms });
      return next++;
    },
    clear: (handle) => void pending.delete(handle as number),
  };
  return {
    timers,
    pending: () => pending.size,
    /** Fires every pending timer (each is the deadline of one connection). */
    fireAll() {
      const due = [...pending.values()];
      pending.clear();
      for (const t of due) t.callback();
    },
  };
}

class FakeSocket {
  destroyed = false;
  private onClose: (() => void) | undefined;
  constructor(readonly name: string) {}
  destroy(): void {
    this.destroyed = true;
  }
  once(_event: 'close', listener: () => void): this {
    this.onClose = listener;
    return this;
  }
  /** The peer or Node closed it. */
  closed(): void {
    this.destroyed = true;
    this.onClose?.();
  }
}

function setup(maxConnections: number, maxUnauthenticated: number) {
  const clock = manualTimers();
  const shed: Shed[] = [];
  const limits = new ConnectionLimits<FakeSocket>(
    { maxConnections, maxUnauthenticated, authenticateWithinMs: 10_000 },
    (what) => shed.push(what),
    clock.timers,
  );
  return { clock, shed, limits };
}

describe('ConnectionLimits', () => {
  it('closes a connection that shows no token by its deadline, not one that did', () => {
    const { clock, shed, limits } = setup(10, 5);
    const stranger = new FakeSocket('stranger');
    const holder = new FakeSocket('holder');
    expect(limits.admit(stranger)).toBe(true);
    expect(limits.admit(holder)).toBe(true);
    limits.authenticated(holder);
    expect(clock.pending()).toBe(1);
    clock.fireAll();
    expect(stranger.destroyed).toBe(true);
    expect(holder.destroyed).toBe(false);
    expect(shed).toEqual(['expired']);
    expect(limits.open).toBe(1);
    expect(limits.unauthenticated).toBe(0);
  });

  it('at the cap on strangers, a newcomer closes the oldest stranger', () => {
    const { shed, limits } = setup(10, 3);
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((n) => new FakeSocket(n)) as [
      FakeSocket,
      FakeSocket,
      FakeSocket,
      FakeSocket,
    ];
    for (const s of [a, b, c]) expect(limits.admit(s)).toBe(true);
    expect(limits.admit(d)).toBe(true);
    expect([a, b, c, d].map((s) => s.destroyed)).toEqual([true, false, false, false]);
    expect(limits.unauthenticated).toBe(3);
    expect(shed).toEqual(['evicted']);
  });

  it('at the cap on all connections, a newcomer closes the oldest stranger, or is refused when all hold the token', () => {
    const { shed, limits } = setup(3, 3);
    const holders = ['h1', 'h2'].map((n) => new FakeSocket(n));
    for (const h of holders) {
      limits.admit(h);
      limits.authenticated(h);
    }
    const stranger = new FakeSocket('stranger');
    limits.admit(stranger);
    const newcomer = new FakeSocket('newcomer');
    expect(limits.admit(newcomer)).toBe(true);
    expect(stranger.destroyed).toBe(true);
    limits.authenticated(newcomer);
    expect(limits.open).toBe(3);
    expect(limits.admit(new FakeSocket('one too many'))).toBe(false);
    expect(shed).toEqual(['evicted', 'refused']);
    expect(holders.some((h) => h.destroyed)).toBe(false);
  });

  it('frees a place when a connection closes', () => {
    const { limits } = setup(1, 1);
    const first = new FakeSocket('first');
    limits.admit(first);
    limits.authenticated(first);
    expect(limits.admit(new FakeSocket('second'))).toBe(false);
    first.closed();
    expect(limits.open).toBe(0);
    expect(limits.admit(new FakeSocket('third'))).toBe(true);
  });

  it('closeAll closes every connection and leaves no deadline pending', () => {
    const { clock, limits } = setup(10, 10);
    const sockets = ['a', 'b', 'c'].map((n) => new FakeSocket(n));
    for (const s of sockets) limits.admit(s);
    limits.authenticated(sockets[0]!);
    limits.closeAll();
    expect(sockets.every((s) => s.destroyed)).toBe(true);
    expect(limits.open).toBe(0);
    expect(clock.pending()).toBe(0);
  });
});
