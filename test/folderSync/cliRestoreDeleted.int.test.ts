/**
 * `netguardian restore --deleted-since` (issue 12 point 2) through the CLI: files deleted on one
 * device reach the other; the other brings them all back with one command, and the first device
 * gets them back byte for byte. Bad arguments are refused with a sentence naming them, changing
 * nothing.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFreshDatabase, type FreshDatabase } from '../support/freshDatabase.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';
import { folderTree } from './support/folderTree.js';
import { CliHub } from './support/cliHub.js';
import { addCliDevice, cliOk, runCli } from './support/runCli.js';

let db: FreshDatabase;
let tmp: TempDir;
let hub: CliHub;

beforeAll(async () => {
  db = await createFreshDatabase('foldersync_cli_restore_deleted');
  tmp = await makeTempDir('ng-cli-restore-deleted-');
  hub = await CliHub.start(tmp.path, db.url);
});

afterAll(async () => {
  try {
    await hub?.stop();
  } finally {
    await db?.drop();
    await tmp?.cleanup();
  }
});

/** A device made as the README says: invited by the hub, joined with `init --join`. */
const addDevice = (space: string, name: string) => addCliDevice(hub, space, name, tmp.path);

const FILES = 40;
const DELETED = 30;
const nameOf = (i: number) => `notes/n${String(i).padStart(2, '0')}.txt`;
const contentOf = (i: number) => `note ${i}: ${'x'.repeat(i * 7)}\n`;

describe('netguardian restore --deleted-since', () => {
  it('brings back on every device what one device deleted', async () => {
    const space = `restore-${randomBytes(4).toString('hex')}`;
    const laptop = await addDevice(space, 'laptop');
    const desktop = await addDevice(space, 'desktop');

    await writeNotes(laptop.folder);
    await cliOk(['sync', '--data', laptop.data]);
    await cliOk(['sync', '--data', desktop.data]);
    const whole = await folderTree(laptop.folder);
    expect(Object.keys(whole).filter((p) => p.endsWith('.txt'))).toHaveLength(FILES);
    expect(await folderTree(desktop.folder)).toEqual(whole);

    // The mass deletion, on the laptop; the desktop follows it.
    for (let i = 0; i < DELETED; i++) await rm(path.join(laptop.folder, nameOf(i)));
    await cliOk(['sync', '--data', laptop.data]);
    await cliOk(['sync', '--data', desktop.data]);
    expect((await readdir(path.join(desktop.folder, 'notes'))).length).toBe(FILES - DELETED);

    // Undone from the desktop, with one command.
    const out = await cliOk(['restore', '--deleted-since', '1h', '--data', desktop.data]);
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^restored 30 files deleted since /);
    expect(lines.slice(1, 21)).toEqual(Array.from({ length: 20 }, (_, i) => `  ${nameOf(i)}`));
    expect(lines[21]).toBe('  … and 10 more');
    expect(lines).toHaveLength(22);
    await cliOk(['sync', '--data', laptop.data]);
    expect(await folderTree(desktop.folder)).toEqual(whole);
    expect(await folderTree(laptop.folder)).toEqual(whole);
    for (let i = 0; i < FILES; i++)
      expect(await readFile(path.join(laptop.folder, nameOf(i)), 'utf8')).toBe(contentOf(i));

    // Again: nothing left to bring back.
    expect(await cliOk(['restore', '--deleted-since', '1h', '--data', desktop.data])).toMatch(
      /^no file was deleted since .*: nothing to restore\n$/,
    );
  });

  it('refuses a time it cannot read, or a path with --deleted-since, naming what was wrong', async () => {
    const folder = path.join(tmp.path, 'solo', 'folder');
    const data = path.join(tmp.path, 'solo', 'data');
    await cliOk(['init', '--folder', folder, '--name', 'solo', '--data', data]);
    await writeFile(path.join(folder, 'a.txt'), 'a\n');
    await cliOk(['sync', '--data', data]);
    const before = await cliOk(['history', 'a.txt', '--json', '--data', data]);

    const cases: [string[], RegExp][] = [
      [['--deleted-since', 'yesterday'], /--deleted-since "yesterday" is not a time/],
      [['--deleted-since', '2999-01-01'], /--deleted-since 2999-01-01 is in the future/],
      [['a.txt', '--deleted-since', '1h'], /either a path and a version, or --deleted-since/],
      [['a.txt'], /give the file and the version to bring back/],
    ];
    for (const [args, message] of cases) {
      const run = await runCli(['restore', ...args, '--data', data]);
      expect(run.code, args.join(' ')).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(message);
    }
    expect(await cliOk(['history', 'a.txt', '--json', '--data', data])).toBe(before);
  });
});

/** The FILES notes, in a folder of their own. */
async function writeNotes(folder: string): Promise<void> {
  await mkdir(path.join(folder, 'notes'));
  for (let i = 0; i < FILES; i++) await writeFile(path.join(folder, nameOf(i)), contentOf(i));
}
