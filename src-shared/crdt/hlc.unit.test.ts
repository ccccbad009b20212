import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkProperty, FC_SEED } from '../../test/support/fastCheck.js';
import {
  compareEncodedHlc,
  compareHlc,
  decodeHlc,
  DEFAULT_MAX_CLOCK_AHEAD_MS,
  encodeHlc,
  HybridLogicalClock,
  parseHlc,
  type Hlc,
} from './hlc.js';

const check = checkProperty(import.meta.url);

const T0 = 1_700_000_000_000;
const nodeIdArb = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,11}$/);
const hlcArb: fc.Arbitrary<Hlc> = fc.record({
  wallMs: fc.oneof(fc.integer({ min: 0, max: 10 ** 15 - 1 }), fc.integer({ min: T0, max: T0 + 3 })),
  counter: fc.oneof(fc.integer({ min: 0, max: 999_999 }), fc.nat(2)),
  nodeId: fc.oneof(nodeIdArb, fc.constantFrom('a', 'b', 'ab')),
});

/** A physical clock the test moves by hand. */
function manualClock(start = T0) {
  const clock = { ms: start, now: () => clock.ms };
  return clock;
}

type Step =
  | { kind: 'tick'; dt: number }
  | { kind: 'receive'; dt: number; remoteOffset: number; counter: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('tick' as const), dt: fc.integer({ min: -60_000, max: 60_000 }) }),
  fc.record({
    kind: fc.constant('receive' as const),
    dt: fc.integer({ min: -60_000, max: 60_000 }),
    // Mostly within the bound, sometimes past it.
    remoteOffset: fc.integer({ min: -600_000, max: 2 * DEFAULT_MAX_CLOCK_AHEAD_MS }),
    counter: fc.oneof(fc.nat(3), fc.constant(999_999)),
  }),
);

describe(`HybridLogicalClock (seed ${FC_SEED})`, () => {
  it('issues strictly increasing timestamps while the physical clock jumps back and forth', () => {
    check(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 60 }), (steps) => {
        const physical = manualClock();
        const clock = new HybridLogicalClock({ nodeId: 'me', now: physical.now });
        let last = clock.current();
        for (const step of steps) {
          physical.ms = Math.max(0, physical.ms + step.dt);
          if (step.kind === 'tick') {
            const next = clock.tick();
            expect(compareHlc(next, last)).toBe(1);
            // Never behind the physical clock.
            expect(next.wallMs).toBeGreaterThanOrEqual(physical.ms);
            expect(next.nodeId).toBe('me');
            last = next;
          } else {
            const remote: Hlc = {
              wallMs: Math.max(0, physical.ms + step.remoteOffset),
              counter: step.counter,
              nodeId: 'peer',
            };
            const result = clock.receive(remote);
            if (remote.wallMs - physical.ms > DEFAULT_MAX_CLOCK_AHEAD_MS) {
              expect(result.ok).toBe(false);
              expect(clock.current()).toEqual(last);
            } else {
              if (!result.ok) throw result.error;
              expect(compareHlc(result.value, last)).toBe(1);
              expect(compareHlc(result.value, remote)).toBe(1);
              expect(clock.current()).toEqual(result.value);
              last = result.value;
            }
          }
          // The text form keeps its fixed width, so it still sorts.
          expect(encodeHlc(last)).toMatch(/^\d{15}-\d{6}-me$/);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('ticks within one millisecond order by counter, then move on with the physical clock', () => {
    const physical = manualClock();
    const clock = new HybridLogicalClock({ nodeId: 'n', now: physical.now });
    expect(clock.tick()).toEqual({ wallMs: T0, counter: 0, nodeId: 'n' });
    expect(clock.tick()).toEqual({ wallMs: T0, counter: 1, nodeId: 'n' });
    physical.ms = T0 - 5000; // the clock went back five seconds
    expect(clock.tick()).toEqual({ wallMs: T0, counter: 2, nodeId: 'n' });
    physical.ms = T0 + 1;
    expect(clock.tick()).toEqual({ wallMs: T0 + 1, counter: 0, nodeId: 'n' });
  });

  it('receive() moves past the remote timestamp', () => {
    const physical = manualClock();
    const clock = new HybridLogicalClock({ nodeId: 'n', now: physical.now });
    clock.tick();
    const remote = { wallMs: T0 + 60_000, counter: 7, nodeId: 'peer' };
    const r = clock.receive(remote);
    expect(r).toEqual({ ok: true, value: { wallMs: T0 + 60_000, counter: 8, nodeId: 'n' } });
    // ...and later local events sort after it, though our physical clock is behind.
    expect(compareHlc(clock.tick(), remote)).toBe(1);
  });

  it('borrows the next millisecond instead of overflowing the counter', () => {
    const physical = manualClock();
    const clock = new HybridLogicalClock({ nodeId: 'n', now: physical.now });
    const r = clock.receive({ wallMs: T0, counter: 999_999, nodeId: 'peer' });
    expect(r).toEqual({ ok: true, value: { wallMs: T0 + 1, counter: 0, nodeId: 'n' } });
    expect(encodeHlc(clock.tick())).toBe(`00${T0 + 1}-000001-n`);
  });

  it('refuses a remote too far ahead with ClockAhead and leaves the clock as it was', () => {
    const physical = manualClock();
    const clock = new HybridLogicalClock({ nodeId: 'n', now: physical.now, maxAheadMs: 60_000 });
    clock.tick();
    const before = clock.current();
    const ahead = { wallMs: T0 + 60_001, counter: 0, nodeId: 'fast-laptop' };
    expect(clock.isTooFarAhead(ahead)).toBe(true);
    const r = clock.receive(ahead);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('ClockAhead');
    expect(r.error.field).toBe('hlc');
    expect(r.error.message).toContain('fast-laptop');
    expect(clock.current()).toEqual(before);
    // The next local event is stamped as if the remote had never been seen.
    expect(clock.tick()).toEqual({ wallMs: T0, counter: 1, nodeId: 'n' });
    // Exactly at the bound is accepted; once our clock catches up, the held one is too.
    expect(clock.receive({ wallMs: T0 + 60_000, counter: 0, nodeId: 'peer' }).ok).toBe(true);
    physical.ms = T0 + 10_000;
    expect(clock.isTooFarAhead(ahead)).toBe(false);
    expect(clock.receive(ahead).ok).toBe(true);
  });

  it('observe() folds in a timestamp already accepted, without the bound', () => {
    const clock = new HybridLogicalClock({ nodeId: 'n', now: () => T0, maxAheadMs: 1000 });
    const stored = { wallMs: T0 + 3_600_000, counter: 3, nodeId: 'peer' };
    expect(clock.observe(stored)).toEqual({ wallMs: T0 + 3_600_000, counter: 4, nodeId: 'n' });
    expect(compareHlc(clock.tick(), stored)).toBe(1);
  });

  it('defaults the bound to five minutes', () => {
    const clock = new HybridLogicalClock({ nodeId: 'n', now: () => T0 });
    expect(clock.maxAheadMs).toBe(5 * 60 * 1000);
    expect(clock.receive({ wallMs: T0 + 5 * 60 * 1000 + 1, counter: 0, nodeId: 'p' }).ok).toBe(
      false,
    );
  });
});

describe(`HLC text form (seed ${FC_SEED})`, () => {
  it('decode(encode(h)) round-trips', () => {
    check(
      fc.property(hlcArb, (h) => {
        const text = encodeHlc(h);
        expect(text).toHaveLength(23 + h.nodeId.length);
        expect(decodeHlc(text)).toEqual({ ok: true, value: h });
        expect(parseHlc(text)).toEqual(h);
      }),
      { numRuns: 2000 },
    );
  });

  it('compareEncodedHlc agrees with compareHlc', () => {
    check(
      fc.property(hlcArb, hlcArb, (a, b) => {
        expect(compareEncodedHlc(encodeHlc(a), encodeHlc(b))).toBe(compareHlc(a, b));
        expect(compareHlc(a, b)).toBe(-compareHlc(b, a) || 0);
      }),
      { numRuns: 2000 },
    );
  });

  it('decodeHlc and compareEncodedHlc on any text agree with their regex and slice definitions', () => {
    // The definitions the hand-written versions replace.
    const pattern = /^(\d{15})-(\d{6})-(.+)$/;
    const referenceDecode = (text: string) => {
      const m = pattern.exec(text);
      return m ? { wallMs: Number(m[1]), counter: Number(m[2]), nodeId: m[3] } : undefined;
    };
    const referenceCompare = (a: string, b: string) => {
      const [pa, pb] = [a.slice(0, 22), b.slice(0, 22)];
      if (pa !== pb) return pa < pb ? -1 : 1;
      const [na, nb] = [a.slice(23), b.slice(23)];
      return na === nb ? 0 : na < nb ? -1 : 1;
    };
    const part = fc.oneof(
      fc.stringMatching(/^[0-9]{0,16}$/),
      fc.constantFrom('-', '--', '\n', '\u2028', 'x', '٣', ''),
    );
    const text = fc.oneof(
      hlcArb.map(encodeHlc),
      fc.tuple(part, part, part, part, fc.string({ maxLength: 4 })).map((p) => p.join('')),
      fc
        .tuple(hlcArb, fc.constantFrom('\n', '\r', '\u2029', 'é', ''))
        .map(([h, tail]) => `${encodeHlc(h)}${tail}`),
    );
    check(
      fc.property(text, text, (a, b) => {
        const decoded = decodeHlc(a);
        expect(decoded.ok ? decoded.value : undefined).toEqual(referenceDecode(a));
        expect(compareEncodedHlc(a, b)).toBe(referenceCompare(a, b));
      }),
      { numRuns: 5000 },
    );
  });

  it('with same-length node ids, the plain text order is the HLC order', () => {
    const sameLength = fc.record({
      wallMs: fc.integer({ min: T0, max: T0 + 3 }),
      counter: fc.nat(3),
      nodeId: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{3}$/),
    });
    check(
      fc.property(sameLength, sameLength, (a, b) => {
        const [x, y] = [encodeHlc(a), encodeHlc(b)];
        expect(x < y ? -1 : x > y ? 1 : 0).toBe(compareHlc(a, b));
      }),
      { numRuns: 2000 },
    );
  });

  it('rejects malformed text with InvalidEvent on field hlc', () => {
    for (const bad of [
      '',
      'x',
      '1-2-a',
      '001700000000000-000001-',
      '001700000000000-1-a',
      '1700000000000-000001-a',
      '001700000000000-000001-a\nb',
    ]) {
      const r = decodeHlc(bad);
      expect(r.ok, bad).toBe(false);
      if (!r.ok) expect([r.error.code, r.error.field]).toEqual(['InvalidEvent', 'hlc']);
    }
    expect(() => parseHlc('nope')).toThrow(/not <wall>-<counter>-<node>/);
  });
});
