/**
 * `netguardian upload --as` goes through the path rules every write does (issue 15, point 2):
 * measured before, with `linkdir -> ../outside` in the folder, `--as linkdir/escaped.txt` wrote
 * outside the folder, and `--as precious.txt` replaced an existing file without a trash copy.
 */
import { readFile, readdir, symlink, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '../support/tempDir.js';
import { cliOk, runCli } from './support/runCli.js';

let tmp: TempDir;
let folder: string;
let outside: string;
let data: string;
let source: string;

beforeAll(async () => {
  tmp = await makeTempDir('ng-cli-upload-');
  folder = path.join(tmp.path, 'folder');
  outside = path.join(tmp.path, 'outside');
  data = path.join(tmp.path, 'data');
  source = path.join(tmp.path, 'new.txt');
  await mkdir(folder);
  await mkdir(outside);
  await writeFile(path.join(folder, 'precious.txt'), 'precious\n');
  await symlink('../outside', path.join(folder, 'linkdir'));
  await writeFile(source, 'new\n');
  await cliOk(['init', '--folder', folder, '--name', 'solo', '--data', data]);
}, 120_000);
afterAll(async () => {
  await tmp?.cleanup();
});

describe('netguardian upload --as', () => {
  it('refuses a path through a symlink, by name, and writes nothing anywhere', async () => {
    const run = await runCli(['upload', source, '--as', 'linkdir/escaped.txt', '--data', data]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('refusing "linkdir/escaped.txt": linkdir is a symlink');
    expect(await readdir(outside)).toEqual([]);
    // The folder's marker (DESIGN.md), the link and the file it had: nothing else.
    expect((await readdir(folder)).sort()).toEqual([
      '.netguardian-folder',
      'linkdir',
      'precious.txt',
    ]);
  });

  it('refuses a path that climbs out of the folder', async () => {
    const run = await runCli(['upload', source, '--as', '../escaped.txt', '--data', data]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/upload: path: .*"\.\." segment|outside the synced folder/);
    expect(await readdir(tmp.path)).not.toContain('escaped.txt');
  });

  it('never replaces an existing file: the upload takes the next free name', async () => {
    expect(await cliOk(['upload', source, '--as', 'precious.txt', '--data', data])).toMatch(
      /uploaded .*new\.txt as precious \(2\)\.txt \(4 bytes\)/,
    );
    expect(await readFile(path.join(folder, 'precious.txt'), 'utf8')).toBe('precious\n');
    expect(await readFile(path.join(folder, 'precious (2).txt'), 'utf8')).toBe('new\n');
  });
});
