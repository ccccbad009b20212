/**
 * `netguardian ls` (issue 14 point 4): a folder's entries from the store, folders first, a page
 * at a time, run in process on a local-only device. The expected lines are written out by hand
 * from the tree the test makes.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '../support/tempDir.js';
import { cliOk, runCli } from './support/runCli.js';

let tmp: TempDir;
let folder: string;
let data: string;

beforeAll(async () => {
  tmp = await makeTempDir('ng-cli-ls-');
  folder = path.join(tmp.path, 'folder');
  data = path.join(tmp.path, 'data');
  await cliOk(['init', '--folder', folder, '--name', 'solo', '--data', data]);
  await mkdir(path.join(folder, 'docs', 'old'), { recursive: true });
  await writeFile(path.join(folder, 'docs', 'plan.txt'), 'plan\n');
  await writeFile(path.join(folder, 'docs', 'old', 'x.txt'), 'x');
  await writeFile(path.join(folder, 'Zebra.md'), '');
  await mkdir(path.join(folder, 'many'));
  for (let i = 0; i < 205; i++)
    await writeFile(path.join(folder, 'many', `f${String(i).padStart(3, '0')}`), `${i}`);
  await cliOk(['sync', '--data', data]);
}, 120_000);
afterAll(async () => {
  await tmp?.cleanup();
});

describe('netguardian ls', () => {
  it('lists the top folder and a folder below it, folders first, with sizes and states', async () => {
    expect((await cliOk(['ls', '--data', data])).split('\n')).toEqual([
      'docs/                Synced',
      'many/                Synced',
      'Zebra.md    0 bytes  Synced',
      '3 entries in the top folder',
      '',
    ]);
    expect((await cliOk(['ls', 'docs/', '--data', data])).split('\n')).toEqual([
      'old/                 Synced',
      'plan.txt    5 bytes  Synced',
      '2 entries in docs',
      '',
    ]);
  });

  it('shows the first 200 entries and says how many more; --all pages through every one', async () => {
    const first = (await cliOk(['ls', 'many', '--data', data])).trimEnd().split('\n');
    expect(first).toHaveLength(201);
    expect(first[0]).toMatch(/^f000 +1 byte {2}Synced$/);
    expect(first[200]).toBe('205 entries in many, 200 shown: --all lists every one');
    const all = JSON.parse(await cliOk(['ls', 'many', '--all', '--json', '--data', data])) as {
      folder: string;
      total: number;
      rows: { path: string }[];
    };
    expect(all.folder).toBe('many');
    expect(all.total).toBe(205);
    expect(all.rows.map((r) => r.path)).toEqual(
      Array.from({ length: 205 }, (_, i) => `many/f${String(i).padStart(3, '0')}`),
    );
  });

  it('says a folder it does not know holds nothing, and refuses a path outside the folder', async () => {
    expect(await cliOk(['ls', 'nowhere', '--data', data])).toBe(
      'nowhere holds nothing (or is not a folder this device knows)\n',
    );
    const outside = await runCli(['ls', path.join(tmp.path, 'elsewhere'), '--data', data]);
    expect(outside.code).not.toBe(0);
    expect(outside.stderr).toMatch(/is outside the synced folder/);
  });
});
