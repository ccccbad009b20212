/**
 * `netguardian restore` checks that the version's bytes can still be had (a
 * copy in the folder, by hash, or the hub's chunks) before it writes anything:
 * a local-only device whose old version was overwritten refuses with one line
 * and leaves the history as it was; once a copy is back in the folder, the
 * same restore goes through.
 */
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '../support/tempDir.js';
import { cliOk, runCli } from './support/runCli.js';

let tmp: TempDir;

beforeAll(async () => {
  tmp = await makeTempDir('ng-cli-restore-');
});
afterAll(async () => {
  await tmp?.cleanup();
});

/** `history --json`: the contract's HistoryEntry, newest first. */
interface HistoryJson {
  eventId: string;
  deleted: boolean;
  hash: string | null;
}

describe('netguardian restore', () => {
  it('refuses a version whose bytes are gone, writing nothing', async () => {
    const folder = path.join(tmp.path, 'folder');
    const data = path.join(tmp.path, 'data');
    await cliOk(['init', '--folder', folder, '--name', 'solo', '--data', data]);
    const file = path.join(folder, 'notes.txt');
    const history = async () =>
      JSON.parse(await cliOk(['history', 'notes.txt', '--json', '--data', data])) as HistoryJson[];

    await writeFile(file, 'first draft\n');
    await cliOk(['sync', '--data', data]);
    await writeFile(file, 'second draft, longer\n');
    await cliOk(['sync', '--data', data]);
    const before = await history();
    expect(before.map((h) => h.deleted)).toEqual([false, false]);
    const first = before[1] as HistoryJson;
    expect(first.hash).toBe(createHash('sha256').update('first draft\n').digest('hex'));

    // No hub, and no file in the folder holds the first draft any more.
    const refused = await runCli(['restore', 'notes.txt', first.eventId, '--data', data]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(
      /^netguardian: .*no longer stored anywhere this device can reach/,
    );
    expect(refused.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(await history()).toEqual(before);
    expect(await readFile(file, 'utf8')).toBe('second draft, longer\n');

    // A copy with the same bytes anywhere in the folder is enough.
    await writeFile(path.join(folder, 'copy.txt'), 'first draft\n');
    await cliOk(['sync', '--data', data]);
    expect(await cliOk(['restore', 'notes.txt', first.eventId, '--data', data])).toBe(
      `restored notes.txt to version ${first.eventId}\n`,
    );
    expect(await readFile(file, 'utf8')).toBe('first draft\n');
    const after = await history();
    expect(after).toHaveLength(3);
    expect(after[0]?.hash).toBe(first.hash);
  });
});
