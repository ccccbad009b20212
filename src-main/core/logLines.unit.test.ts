import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { childLogger } from './log.js';
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

  it('names a nested logger as module/part, from records with each key once', () => {
    const lines: string[] = [];
    const root = pino(
      { base: undefined, timestamp: false },
      { write: (r: string) => lines.push(r) },
    );
    const nested = childLogger(childLogger(root, 'owner'), 'staleTemps');
    nested.info('swept');
    const record = lines[0] ?? '';
    // Each key once: a parser can't lose the outer name to the inner one.
    expect(record.match(/"module"/g)).toHaveLength(1);
    expect(JSON.parse(record)).toMatchObject({ module: 'owner', part: 'staleTemps', msg: 'swept' });
    expect(logLine(record)).toMatch(/ info owner\/staleTemps: swept\n$/);
  });
});
