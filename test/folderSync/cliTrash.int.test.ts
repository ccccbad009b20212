/**
 * `netguardian trash list` and `trash empty` (issue 14 point 5) as a person runs them: real
 * `netguardian` processes on a local-only device, without a daemon (the command opens the device)
 * and with one (the command asks it); the daemon prunes what is past the age limit as it starts.
 * A bad `--older-than` is refused in one line and changes nothing.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTrash } from '../../src-main/core/files/trash.js';
import {
  netguardianOk,
  runNetguardian,
  startDaemon,
  type Daemon,
} from '../owner/support/netguardian.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

const DAY = 86_400_000;

let tmp: TempDir;
let daemon: Daemon | undefined;

beforeAll(async () => {
  tmp = await makeTempDir('ng-cli-trash-');
});
afterAll(async () => {
  await daemon?.kill('SIGKILL').catch(() => undefined);
  await tmp?.cleanup();
});

/** "2026-12-06 03:10:05 UTC", as the list prints a time. */
const utc = (ms: number) => `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
const lines = (out: string) => out.replace(/\n$/, '').split('\n');

describe('netguardian trash', () => {
  it('lists and empties the trash with or without a daemon; the daemon prunes old items', async () => {
    const folder = path.join(tmp.path, 'solo', 'folder');
    const data = path.join(tmp.path, 'solo', 'data');
    await netguardianOk(['init', '--folder', folder, '--name', 'solo', '--data', data]);
    // A folder of 2,000 bytes: the trash may hold 10% of it, 200 bytes.
    await writeFile(path.join(folder, 'kept.bin'), 'k'.repeat(2_000));
    await netguardianOk(['sync', '--data', data]);

    // Three items deleted at known times: 40 days, 8 days and an hour ago (whole seconds).
    const now = Math.floor(Date.now() / 1000) * 1000;
    const times = { old: now - 40 * DAY, week: now - 8 * DAY, hour: now - 3_600_000 };
    const scratch = path.join(tmp.path, 'solo', 'scratch');
    await mkdir(scratch);
    for (const [name, at, bytes] of [
      ['old.txt', times.old, 10],
      ['week.txt', times.week, 20],
      ['docs/hour.txt', times.hour, 30],
    ] as const) {
      const abs = path.join(scratch, path.basename(name));
      await writeFile(abs, 'x'.repeat(bytes));
      await createTrash({ dataDir: data, now: () => at }).move(abs, {
        path: name,
        kind: 'file',
        hash: null,
        size: bytes,
        reason: 'deleted',
      });
    }
    const keeps = 'it keeps items 30 days and at most 10% of the folder (200 bytes).';

    // No daemon: the command opens the device.
    const listed = lines(await netguardianOk(['trash', 'list', '--data', data]));
    expect(listed).toEqual([
      `${utc(times.hour)}  docs/hour.txt  30 bytes  deleted`,
      `${utc(times.week)}  week.txt  20 bytes  deleted`,
      `${utc(times.old)}  old.txt  10 bytes  deleted`,
      `3 items in the trash, 60 bytes; ${keeps}`,
    ]);

    // A duration it cannot read: one line, exit 1, nothing removed.
    const banana = await runNetguardian([
      'trash',
      'empty',
      '--older-than',
      'banana',
      '--data',
      data,
    ]);
    expect(banana.code).toBe(1);
    expect(banana.stdout).toBe('');
    expect(banana.stderr).toBe(
      'netguardian: --older-than "banana" is not a duration: give minutes, hours or days (30m, 24h, 7d)\n',
    );
    expect(lines(await netguardianOk(['trash', 'list', '--data', data]))).toEqual(listed);

    // The daemon prunes as it starts: the 40-day-old item goes (older than 30 days).
    daemon = await startDaemon(data);
    expect(lines(await netguardianOk(['trash', 'list', '--data', data]))).toEqual([
      `${utc(times.hour)}  docs/hour.txt  30 bytes  deleted`,
      `${utc(times.week)}  week.txt  20 bytes  deleted`,
      `2 items in the trash, 50 bytes; ${keeps}`,
    ]);
    expect(await netguardianOk(['trash', 'empty', '--older-than', '7d', '--data', data])).toBe(
      'Removed 1 item older than 7d from the trash (20 bytes); 1 item left (30 bytes).\n',
    );
    const zeroSpan = await runNetguardian(['trash', 'empty', '--older-than', '0m', '--data', data]);
    expect(zeroSpan.code).toBe(1);
    expect(zeroSpan.stderr).toBe(
      'netguardian: --older-than 0m must be from 1 minute to 3650 days\n',
    );
    await daemon.kill('SIGTERM');
    daemon = undefined;

    // Without the daemon again: everything goes.
    expect(await netguardianOk(['trash', 'empty', '--data', data])).toBe(
      'Removed 1 item from the trash (30 bytes); 0 items left (0 bytes).\n',
    );
    expect(await netguardianOk(['trash', 'list', '--data', data])).toBe(
      `The trash is empty; ${keeps}\n`,
    );
  });
});
