import { describe, expect, it } from 'vitest';
import type { ActivityItem, ContractClient, PushMessage } from '../../src-shared/ipc/contract.js';
import { takeLogFormat } from './main.js';
import { printActivity } from './progress.js';

describe('--log-format', () => {
  it('is taken from anywhere on the line, the command left as it was', () => {
    expect(takeLogFormat(['start', '--log-format', 'json', '--data', 'd'], {})).toEqual({
      rest: ['start', '--data', 'd'],
      format: 'json',
    });
    expect(
      takeLogFormat(['--log-format=text', 'status'], { NETGUARDIAN_LOG_FORMAT: 'json' }),
    ).toEqual({
      rest: ['status'],
      format: 'text',
    });
    expect(takeLogFormat(['status'], { NETGUARDIAN_LOG_FORMAT: 'json' }).format).toBe('json');
    expect(takeLogFormat(['status'], {}).format).toBe('text');
    expect(takeLogFormat(['status', '--log-format', 'yaml'], {}).format).toEqual({ bad: 'yaml' });
    // After `--` it is a file name, not an option.
    expect(takeLogFormat(['upload', '--', '--log-format'], {}).rest).toEqual([
      'upload',
      '--',
      '--log-format',
    ]);
  });
});

describe('a daemon’s activity on stdout', () => {
  it('says a repeated failure at its 2nd, 4th and 8th try only, with since when', () => {
    let push: ((m: PushMessage) => void) | undefined;
    const client = {
      listen: (l: (m: PushMessage) => void) => {
        push = l;
        return () => undefined;
      },
    } as unknown as ContractClient;
    const lines: string[] = [];
    printActivity(client, (line) => lines.push(line));
    const since = Date.UTC(2026, 11, 6, 20, 44);
    const item = (count: number): ActivityItem => ({
      id: 7,
      at: since + count * 60_000,
      kind: 'error',
      message:
        "Can't reach the hub at 10.0.0.5. NetGuardian keeps trying; check that the hub is running.",
      ...(count > 1 ? { repeats: { count, since } } : {}),
    });
    for (let count = 1; count <= 9; count++) push?.({ channel: 'activity', payload: item(count) });
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe(
      "2026-12-06T20:45:00.000Z Can't reach the hub at 10.0.0.5. NetGuardian keeps trying; check that the hub is running.",
    );
    expect(lines.slice(1).map((l) => l.replace(/since \d\d:\d\d/, 'since HH:MM'))).toEqual([
      "2026-12-06T20:46:00.000Z Can't reach the hub at 10.0.0.5 since HH:MM · 2 tries. NetGuardian keeps trying; check that the hub is running.",
      "2026-12-06T20:48:00.000Z Can't reach the hub at 10.0.0.5 since HH:MM · 4 tries. NetGuardian keeps trying; check that the hub is running.",
      "2026-12-06T20:52:00.000Z Can't reach the hub at 10.0.0.5 since HH:MM · 8 tries. NetGuardian keeps trying; check that the hub is running.",
    ]);
  });
});
