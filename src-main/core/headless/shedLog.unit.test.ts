import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { shedLog } from './shedLog.js';

/** A real logger writing its records into an array. */
function capture() {
  const records: { msg: string; evicted?: number; refused?: number }[] = [];
  const log = pino(
    { level: 'warn', base: undefined },
    { write: (line: string) => void records.push(JSON.parse(line) as (typeof records)[number]) },
  );
  return { log, records };
}

describe('shedLog', () => {
  it('warns at once, then at most once a minute with the count since the last warning', () => {
    const { log, records } = capture();
    let now = 1_000_000;
    const report = shedLog(
      log,
      { maxConnections: 128, maxUnauthenticated: 32, authenticateWithinMs: 10_000 },
      () => now,
    );
    report('evicted');
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ evicted: 1 });
    expect(records[0]?.msg).toContain('more connections without its access token');
    for (let i = 0; i < 500; i++) report('evicted');
    report('refused');
    report('expired');
    expect(records).toHaveLength(1);
    now += 60_000;
    report('evicted');
    expect(records.slice(1)).toMatchObject([{ evicted: 501 }, { refused: 1 }]);
    expect(records[2]?.msg).toContain('maximum of 128 connections');
  });

  it('never reports a stranger closed for not showing the token in time', () => {
    const { log, records } = capture();
    const report = shedLog(log, {
      maxConnections: 128,
      maxUnauthenticated: 32,
      authenticateWithinMs: 10_000,
    });
    for (let i = 0; i < 10; i++) report('expired');
    expect(records).toEqual([]);
  });
});
