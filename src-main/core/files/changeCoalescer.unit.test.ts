import { describe, expect, it } from 'vitest';
import { ChangeCoalescer, type Timers } from './changeCoalescer.js';

/** Hand-driven clock: `advance` fires due timers in order. */
function manualTimers() {
  let now = 0;
  let next = 1;
  const due = new Map<number, { at: number; fn: () => void }>();
  const timers: Timers = {
    setTimeout: (fn, ms) => {
      const id = next++;
      due.set(id, { at: now + ms, fn });
      return id;
    },
    clearTimeout: (h) => {
      due.delete(h as number);
    },
    now: () => now,
  };
  const advance = (ms: number) => {
    const end = now + ms;
    for (let guard = 0; guard < 1000; guard++) {
      const first = [...due.entries()].sort((a, b) => a[1].at - b[1].at)[0];
      if (!first || first[1].at > end) break;
      due.delete(first[0]);
      now = first[1].at;
      first[1].fn();
    }
    now = end;
  };
  return { timers, advance };
}

describe('ChangeCoalescer', () => {
  it('turns a burst into one batch after the folder is quiet', () => {
    const { timers, advance } = manualTimers();
    const batches: string[][] = [];
    const c = new ChangeCoalescer({
      quietMs: 50,
      maxDelayMs: 1000,
      onFlush: (p) => batches.push(p),
      timers,
    });
    c.add('a.txt');
    advance(20);
    c.add('.a.txt.swp');
    c.add('a.txt');
    advance(49);
    expect(batches).toEqual([]);
    advance(1);
    expect(batches).toEqual([['a.txt', '.a.txt.swp']]);
  });

  it('releases a continuously rewritten path after maxDelayMs', () => {
    const { timers, advance } = manualTimers();
    const batches: string[][] = [];
    const c = new ChangeCoalescer({
      quietMs: 50,
      maxDelayMs: 200,
      onFlush: (p) => batches.push(p),
      timers,
    });
    for (let t = 0; t < 10; t++) {
      c.add('log.txt');
      advance(30);
    }
    expect(batches.length).toBeGreaterThanOrEqual(1);
    expect(batches[0]).toEqual(['log.txt']);
  });

  it('flush() releases at once and dispose() drops pending paths', () => {
    const { timers, advance } = manualTimers();
    const batches: string[][] = [];
    const c = new ChangeCoalescer({
      quietMs: 50,
      maxDelayMs: 200,
      onFlush: (p) => batches.push(p),
      timers,
    });
    c.add('x');
    c.flush();
    expect(batches).toEqual([['x']]);
    c.add('y');
    c.dispose();
    advance(1000);
    c.add('z');
    expect(batches).toEqual([['x']]);
  });

  it('tells how many paths it holds as that changes, reaching 0 only after the batch was handed on', () => {
    const { timers, advance } = manualTimers();
    const told: string[] = [];
    const c = new ChangeCoalescer({
      quietMs: 50,
      maxDelayMs: 1000,
      onFlush: (p) => told.push(`flush ${p.join(',')}`),
      onSize: (n) => told.push(`size ${n}`),
      timers,
    });
    c.add('big.iso');
    c.add('big.iso');
    c.add('big.iso');
    c.add('notes.txt');
    advance(50);
    c.add('gone.txt');
    c.dispose();
    expect(told).toEqual([
      'size 1',
      'size 2',
      'flush big.iso,notes.txt',
      'size 0',
      'size 1',
      // Dropped unflushed on dispose: nothing is held any more.
      'size 0',
    ]);
  });
});
