import { NetGuardianError } from '../errors.js';
import { err, ok, type Result } from '../result.js';

/**
 * A hybrid logical clock timestamp (Kulkarni et al., "Logical Physical Clocks").
 * `wallMs` follows physical time, `counter` orders events inside one millisecond
 * or while the physical clock lags, `nodeId` breaks the remaining ties so that
 * the order is total and the same on every device.
 */
export interface Hlc {
  readonly wallMs: number;
  readonly counter: number;
  readonly nodeId: string;
}

/** Default bound for a remote clock being ahead of ours before we hold its events. */
export const DEFAULT_MAX_CLOCK_AHEAD_MS = 5 * 60 * 1000;

const WALL_DIGITS = 15;
const COUNTER_DIGITS = 6;
const MAX_COUNTER = 10 ** COUNTER_DIGITS - 1;
const HLC_PATTERN = /^(\d{15})-(\d{6})-(.+)$/;

/** Total order: wall time, then counter, then node id (plain code-unit order, never locale). */
export function compareHlc(a: Hlc, b: Hlc): -1 | 0 | 1 {
  if (a.wallMs !== b.wallMs) return a.wallMs < b.wallMs ? -1 : 1;
  if (a.counter !== b.counter) return a.counter < b.counter ? -1 : 1;
  if (a.nodeId !== b.nodeId) return a.nodeId < b.nodeId ? -1 : 1;
  return 0;
}

/**
 * Fixed-width text form, e.g. `001732600000000-000003-laptop`. For equal-length
 * node ids the text sorts like `compareHlc`; code compares parsed values anyway.
 */
export function encodeHlc(h: Hlc): string {
  return `${String(h.wallMs).padStart(WALL_DIGITS, '0')}-${String(h.counter).padStart(COUNTER_DIGITS, '0')}-${h.nodeId}`;
}

const PREFIX_LENGTH = WALL_DIGITS + 1 + COUNTER_DIGITS;

/** `compareHlc` on encoded values, without parsing: the fixed-width prefix sorts as text. */
export function compareEncodedHlc(a: string, b: string): -1 | 0 | 1 {
  // As comparing a.slice(0, PREFIX_LENGTH) with b's, then a.slice(PREFIX_LENGTH + 1) with b's,
  // without building the four strings (folds compare HLCs for every event).
  return compareSlices(a, b, 0, PREFIX_LENGTH) || compareSlices(a, b, PREFIX_LENGTH + 1, Infinity);
}

/** `a.slice(from, to)` compared with `b.slice(from, to)` as strings (UTF-16 code units). */
function compareSlices(a: string, b: string, from: number, to: number): -1 | 0 | 1 {
  const la = Math.max(0, Math.min(a.length, to) - from);
  const lb = Math.max(0, Math.min(b.length, to) - from);
  const n = Math.min(la, lb);
  for (let i = from; i < from + n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca !== cb) return ca < cb ? -1 : 1;
  }
  return la === lb ? 0 : la < lb ? -1 : 1;
}

const DIGIT_0 = 48;
const DIGIT_9 = 57;
const DASH = 45;
/** What `.` in HLC_PATTERN does not match. */
const LINE_TERMINATOR = /[\n\r\u2028\u2029]/;

/** HLC_PATTERN's match without the regex engine, or undefined to let the regex decide. */
function decodeWellFormed(text: string): Hlc | undefined {
  if (text.length <= PREFIX_LENGTH + 1) return undefined;
  if (text.charCodeAt(WALL_DIGITS) !== DASH || text.charCodeAt(PREFIX_LENGTH) !== DASH)
    return undefined;
  for (let i = 0; i < PREFIX_LENGTH; i++) {
    if (i === WALL_DIGITS) continue;
    const c = text.charCodeAt(i);
    if (c < DIGIT_0 || c > DIGIT_9) return undefined;
  }
  const nodeId = text.slice(PREFIX_LENGTH + 1);
  if (LINE_TERMINATOR.test(nodeId)) return undefined;
  return {
    wallMs: Number(text.slice(0, WALL_DIGITS)),
    counter: Number(text.slice(WALL_DIGITS + 1, PREFIX_LENGTH)),
    nodeId,
  };
}

export function decodeHlc(text: string): Result<Hlc, NetGuardianError> {
  const fast = decodeWellFormed(text);
  if (fast) return ok(fast);
  const m = HLC_PATTERN.exec(text);
  if (!m)
    return err(
      new NetGuardianError('InvalidEvent', `hlc "${text}" is not <wall>-<counter>-<node>`, 'hlc'),
    );
  return ok({ wallMs: Number(m[1]), counter: Number(m[2]), nodeId: m[3] as string });
}

export function parseHlc(text: string): Hlc {
  const r = decodeHlc(text);
  if (!r.ok) throw r.error;
  return r.value;
}

export interface HybridLogicalClockOptions {
  readonly nodeId: string;
  /** Physical clock; injectable so tests can skew it. */
  readonly now?: () => number;
  readonly maxAheadMs?: number;
}

/**
 * The per-device clock. `tick()` stamps a local event; `receive()` folds in a
 * remote timestamp so that our next event sorts after everything we have seen.
 * A remote timestamp too far ahead of our physical clock is refused (not folded
 * in): accepting it would drag every later local event into the future.
 */
export class HybridLogicalClock {
  readonly nodeId: string;
  private readonly now: () => number;
  readonly maxAheadMs: number;
  private last: Hlc;

  constructor(options: HybridLogicalClockOptions) {
    this.nodeId = options.nodeId;
    this.now = options.now ?? Date.now;
    this.maxAheadMs = options.maxAheadMs ?? DEFAULT_MAX_CLOCK_AHEAD_MS;
    this.last = { wallMs: 0, counter: 0, nodeId: this.nodeId };
  }

  /** The latest timestamp issued or observed. */
  current(): Hlc {
    return this.last;
  }

  tick(): Hlc {
    const physical = this.now();
    const wallMs = Math.max(this.last.wallMs, physical);
    const counter = wallMs === this.last.wallMs ? this.last.counter + 1 : 0;
    this.last = this.bump(wallMs, counter);
    return this.last;
  }

  /** Whether `remote` is further ahead of our physical clock than the bound allows. */
  isTooFarAhead(remote: Hlc): boolean {
    return remote.wallMs - this.now() > this.maxAheadMs;
  }

  receive(remote: Hlc): Result<Hlc, NetGuardianError> {
    const physical = this.now();
    if (remote.wallMs - physical > this.maxAheadMs) {
      const aheadS = Math.round((remote.wallMs - physical) / 1000);
      return err(
        new NetGuardianError(
          'ClockAhead',
          `device ${remote.nodeId}'s clock is ${aheadS}s ahead of ours (limit ${Math.round(this.maxAheadMs / 1000)}s)`,
          'hlc',
        ),
      );
    }
    return ok(this.observe(remote));
  }

  /**
   * Folds in a timestamp this device already accepted, without the bound:
   * on restart, the store's own log (our events and peers' events taken in
   * earlier) must stay behind every new local event, even if the physical
   * clock went back meanwhile (as `tick()` guarantees while running).
   */
  observe(remote: Hlc): Hlc {
    const physical = this.now();
    const wallMs = Math.max(this.last.wallMs, remote.wallMs, physical);
    let counter: number;
    if (wallMs === this.last.wallMs && wallMs === remote.wallMs) {
      counter = Math.max(this.last.counter, remote.counter) + 1;
    } else if (wallMs === this.last.wallMs) {
      counter = this.last.counter + 1;
    } else if (wallMs === remote.wallMs) {
      counter = remote.counter + 1;
    } else {
      counter = 0;
    }
    this.last = this.bump(wallMs, counter);
    return this.last;
  }

  /** Keeps the counter within its fixed width by borrowing the next millisecond. */
  private bump(wallMs: number, counter: number): Hlc {
    if (counter > MAX_COUNTER) return { wallMs: wallMs + 1, counter: 0, nodeId: this.nodeId };
    return { wallMs, counter, nodeId: this.nodeId };
  }
}
