import { describe, expect, it } from 'vitest';
import { logLine } from './logLines.js';

describe('logLine', () => {
  it('writes a record as one line a person reads', () => {
    const record = JSON.stringify({
      level: 40,
      time: Date.UTC(2026, 11, 4, 23, 55, 1, 123),
      module: 'device-server',
      pid: 16326,
      msg: 'a store server outlived its owner; stopping it',
    });
    expect(logLine(record)).toBe(
      '2026-12-04T23:55:01.123Z warn device-server: a store server outlived its owner; stopping it (pid=16326)\n',
    );
  });

  it('keeps what is not a record as it is, one line', () => {
    expect(logLine('not json')).toBe('not json\n');
  });

  it('writes other fields as compact JSON after the message', () => {
    const line = logLine(
      JSON.stringify({ level: 50, time: 0, msg: 'sync failed', codes: ['A', 'B'], ms: 3 }),
    );
    expect(line).toBe('1970-01-01T00:00:00.000Z error sync failed (codes=["A","B"], ms=3)\n');
  });
});
