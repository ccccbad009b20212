/**
 * The `netguardian` CLI end to end (issue 3 points 6 and 8), run in process
 * with `main(argv, env)`: a hub run with `netguardian hub start` (a child
 * process, on a fresh database), two devices joined to it with `hub invite` and
 * `init --join`, real folders, and the everyday commands, down to a conflict
 * resolved and a version restored. Ends with both folders equal byte for byte.
 */
import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFile, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFreshDatabase, type FreshDatabase } from '../support/freshDatabase.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';
import { fileEntry, folderTree } from './support/folderTree.js';
import { CliHub } from './support/cliHub.js';
import { addCliDevice, cliOk, runCli } from './support/runCli.js';

let db: FreshDatabase;
let tmp: TempDir;
let hub: CliHub;

beforeAll(async () => {
  db = await createFreshDatabase('foldersync_cli');
  tmp = await makeTempDir('ng-e2e-cli-');
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

/** `conflicts --json`: the contract's ConflictInfo (winner first). */
interface ConflictJson {
  path: string;
  versions: { eventId: string; device: string; winner: boolean; hash: string }[];
}
/** `history --json`: the contract's HistoryEntry, newest first. */
interface HistoryJson {
  eventId: string;
  deleted: boolean;
  hash: string | null;
}

describe('netguardian CLI', () => {
  it('runs a hub and two devices from init to restore', async () => {
    const space = `cli-${randomBytes(4).toString('hex')}`;
    const device = async (name: string) => {
      const made = await addCliDevice(hub, space, name, tmp.path);
      expect(made.init).toContain(`initialized ${name}`);
      expect(made.init).toContain(`hub: ${hub.address} (paired;`);
      return made;
    };
    const laptop = await device('laptop');
    const desktop = await device('desktop');

    // upload on one device, sync on both.
    const original = 'quarterly report, first draft\n';
    const source = path.join(tmp.path, 'report.txt');
    await writeFile(source, original);
    expect(await cliOk(['upload', source, '--data', laptop.data])).toMatch(
      /uploaded .*report\.txt as report\.txt \(30 bytes\)/,
    );
    expect(await readFile(path.join(laptop.folder, 'report.txt'), 'utf8')).toBe(original);
    expect(await cliOk(['sync', '--data', desktop.data])).toMatch(/synced: sent 0, received 1/);
    await cliOk(['sync', '--data', laptop.data]);
    expect(await readFile(path.join(desktop.folder, 'report.txt'), 'utf8')).toBe(original);

    const status = JSON.parse(await cliOk(['status', '--json', '--data', desktop.data])) as {
      files: number;
      conflicts: number;
      deviceName: string;
      running: boolean;
      hub: { pendingUpload: number; reachable: boolean } | null;
      state: { phase: string; headline: string; detail: string };
    };
    expect(status).toMatchObject({ files: 1, conflicts: 0, deviceName: 'desktop', running: false });
    expect(status.hub).toMatchObject({ pendingUpload: 0, reachable: true });
    // Opened by the command itself (no daemon): never "starting", and never "Synced" either, as
    // nobody watches the folder for edits since the last scan.
    expect(status.state).toEqual({
      phase: 'stopped',
      headline: 'Not running — the folder is not watched',
      detail:
        'Changes made in the folder since the last scan are found and synced when `netguardian start` (or `netguardian sync`) runs.',
    });
    expect((await cliOk(['status', '--data', desktop.data])).split('\n')[0]).toBe(
      'Not running — the folder is not watched',
    );

    // The same file edited on both devices before either syncs.
    await writeFile(path.join(laptop.folder, 'report.txt'), 'edited on the laptop\n');
    await writeFile(path.join(desktop.folder, 'report.txt'), 'edited on the desktop\n');
    await cliOk(['sync', '--data', laptop.data]);
    await cliOk(['sync', '--data', desktop.data]);
    await cliOk(['sync', '--data', laptop.data]);
    for (const d of [laptop, desktop]) {
      const conflicts = JSON.parse(
        await cliOk(['conflicts', '--json', '--data', d.data]),
      ) as ConflictJson[];
      expect(conflicts).toHaveLength(1);
      expect(conflicts[0]?.path).toBe('report.txt');
      expect(conflicts[0]?.versions).toHaveLength(2);
      expect(conflicts[0]?.versions.filter((v) => v.winner)).toHaveLength(1);
    }

    expect(await cliOk(['resolve', 'report.txt', '--keep', 'both', '--data', laptop.data])).toBe(
      'resolved report.txt: kept both\n',
    );
    await cliOk(['sync', '--data', desktop.data]);
    for (const d of [laptop, desktop]) {
      expect(JSON.parse(await cliOk(['conflicts', '--json', '--data', d.data]))).toEqual([]);
    }
    const afterResolve = await folderTree(laptop.folder);
    expect(await folderTree(desktop.folder)).toEqual(afterResolve);
    // Keep both: both edits are in the folder, one at the path and one as a copy.
    expect(Object.values(afterResolve).sort()).toEqual(
      [fileEntry('edited on the laptop\n'), fileEntry('edited on the desktop\n')].sort(),
    );

    // history lists the upload; restore brings its content back (as a new change, synced).
    const history = JSON.parse(
      await cliOk(['history', 'report.txt', '--json', '--data', laptop.data]),
    ) as HistoryJson[];
    expect(history.length).toBeGreaterThanOrEqual(3);
    // Newest first: the upload is the last entry.
    const first = history.at(-1) as HistoryJson;
    expect(first.deleted).toBe(false);
    expect(first.hash).toBe(createHash('sha256').update(original).digest('hex'));
    const restored = await cliOk([
      'restore',
      'report.txt',
      first.eventId.slice(0, 13),
      '--data',
      laptop.data,
    ]);
    expect(restored).toBe(`restored report.txt to version ${first.eventId}\n`);
    expect(await readFile(path.join(laptop.folder, 'report.txt'), 'utf8')).toBe(original);
    await cliOk(['sync', '--data', desktop.data]);
    expect(await readFile(path.join(desktop.folder, 'report.txt'), 'utf8')).toBe(original);
    const latest = JSON.parse(
      await cliOk(['history', 'report.txt', '--json', '--data', desktop.data]),
    ) as HistoryJson[];
    expect(latest[0]?.hash).toBe(first.hash);

    const final = await folderTree(laptop.folder);
    expect(await folderTree(desktop.folder)).toEqual(final);
    expect(final['report.txt']).toBe(fileEntry(original));
  });

  it("status lists the files that can't sync, with why, in words and in --json", async () => {
    const folder = path.join(tmp.path, 'listing', 'folder');
    const data = path.join(tmp.path, 'listing', 'data');
    await cliOk(['init', '--folder', folder, '--name', 'lister', '--data', data]);
    await writeFile(path.join(folder, 'real.txt'), 'real\n');
    await symlink(path.join(folder, 'real.txt'), path.join(folder, 'link.txt'));
    execFileSync('mkfifo', [path.join(folder, 'pipe')]);
    await cliOk(['sync', '--data', data]);

    const text = await cliOk(['status', '--data', data]);
    expect(text).toContain(
      "2 files can't sync:\n  link.txt — is a symbolic link\n  pipe — is a special file (pipe, socket or device)\n",
    );
    const json = JSON.parse(await cliOk(['status', '--json', '--data', data])) as {
      unsyncable: { total: number; files: { path: string; reason: string; side: string }[] };
    };
    expect(json.unsyncable.total).toBe(2);
    expect(json.unsyncable.files.map((f) => [f.path, f.reason, f.side])).toEqual([
      ['link.txt', 'symlink', 'local'],
      ['pipe', 'special-file', 'local'],
    ]);

    // Gone from the folder: gone from the list at the next scan.
    await rm(path.join(folder, 'pipe'));
    await cliOk(['sync', '--data', data]);
    expect(await cliOk(['status', '--data', data])).toContain(
      "1 file can't sync:\n  link.txt — is a symbolic link\n",
    );
  });

  it('fails with one line on stderr and exit code 1', async () => {
    const run = await runCli(['status', '--data', '/nonexistent']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^netguardian: no NetGuardian device in \/nonexistent.*\n$/);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});
