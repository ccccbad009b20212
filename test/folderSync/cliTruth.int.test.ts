/**
 * What a new user's trial of the CLI found untrue or unhelpful (issue 12), said truly now: real
 * `netguardian` processes (the built bundle), a real hub and real folders, and the words a person
 * reads asserted as written out here.
 *
 * - `status` counts files and folders apart ("3 files, 4 folders"); `--json` keeps `files`
 *   (both) and adds `folders`.
 * - `conflicts` says which version is this device's (mine) and which another's (theirs), naming
 *   the devices, and what each `--keep` keeps; `resolve --keep theirs` then keeps that one.
 * - A folder there without its marker is "not recognized" (not "missing") with the way out,
 *   `netguardian folder attach`; a folder not there is "missing", with its path, and resumes by
 *   itself. `sync` then fails, saying nothing was synced from it.
 * - `folder attach` refuses an empty folder and one missing most files, and never records a
 *   deletion: even forced onto an empty folder it writes every file back instead of deleting
 *   them everywhere. A running daemon takes the re-attached folder at once.
 *
 * Nothing is random: `npx vitest run --project int test/folderSync/cliTruth.int.test.ts`.
 */
import { mkdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConflictInfo, DeviceStatusView } from '../../src-shared/ipc/contract.js';
import { openPgClient } from '../../src-main/core/store/pgClient.js';
import type { DeviceDirs } from '../owner/support/devices.js';
import {
  describeRun,
  netguardianOk,
  runNetguardian,
  startDaemon,
  type CliRun,
  type Daemon,
} from '../owner/support/netguardian.js';
import { createFreshDatabase, type FreshDatabase } from '../support/freshDatabase.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';
import { CliHub } from './support/cliHub.js';
import { addCliDevice } from './support/runCli.js';
import { fileEntry, folderTree, pollUntil } from './support/folderTree.js';

const SPACE = 'cli-truth';
const MARKER = '.netguardian-folder';

let tmp: TempDir;
let db: FreshDatabase;
let hub: CliHub;
let laptop: DeviceDirs;
let desktop: DeviceDirs;
let daemon: Daemon | undefined;

beforeAll(async () => {
  tmp = await makeTempDir('ng-cli-truth-');
  db = await createFreshDatabase('foldersync_cli_truth');
  hub = await CliHub.start(tmp.path, db.url);
  laptop = await joinedDevice('laptop');
  desktop = await joinedDevice('desktop');
});

/** A device joined as the README says: `hub invite`, then `init --join`. */
async function joinedDevice(name: string): Promise<DeviceDirs> {
  const made = await addCliDevice(hub, SPACE, name, tmp.path);
  return { name, folder: made.folder, dataDir: made.data, nodeId: made.nodeId };
}

afterAll(async () => {
  await daemon?.kill('SIGKILL').catch(() => undefined);
  await hub?.stop();
  await db?.drop();
  await tmp?.cleanup();
});

const sync = (d: DeviceDirs) => netguardianOk(['sync', '--data', d.dataDir]);

async function statusJson(d: DeviceDirs): Promise<DeviceStatusView> {
  return JSON.parse(
    await netguardianOk(['status', '--json', '--data', d.dataDir]),
  ) as DeviceStatusView;
}

const statusText = async (d: DeviceDirs): Promise<string[]> =>
  (await netguardianOk(['status', '--data', d.dataDir])).replace(/\n$/, '').split('\n');

/** A log line at warn level (the tests' NETGUARDIAN_LOG), as the CLI writes it on stderr. */
const WARNING = /^\d{4}-\d\d-\d\dT[\d:.]+Z warn .*\n/gm;
/**
 * A progress line ("Receiving changes: 1/1"): there when another device's change happens to
 * arrive during the command, which is timing, not what the command says about the folder.
 */
const PROGRESS = /^(Receiving|Sending) changes: .*\n/gm;

/**
 * A failure as the CLI prints one: exit 1, nothing on stdout, the one line on stderr (beside
 * the log's warnings: a device opened by the command notes that its folder is not used).
 */
function expectFailure(run: CliRun, line: string): void {
  const stderr = run.stderr.replace(WARNING, '').replace(PROGRESS, '');
  expect({ code: run.code, stdout: run.stdout, stderr }, describeRun(run)).toEqual({
    code: 1,
    stdout: '',
    stderr: `netguardian: ${line}\n`,
  });
}

/** `file_deleted` events the hub holds for the space. */
async function deletionsOnHub(): Promise<number> {
  const client = await openPgClient({ connectionString: db.url });
  try {
    const rows = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM crdt_events WHERE space_id = $1 AND event_type = 'file_deleted'`,
      [SPACE],
    );
    return rows[0]?.n ?? -1;
  } finally {
    await client.close();
  }
}

const ISO = String.raw`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z`;

/** What both folders hold once in step (the marker apart). */
const expected: Record<string, string> = {};

describe('the CLI says what is true', () => {
  it('status counts files and folders apart', async () => {
    const files: Record<string, string> = {
      'docs/a.txt': 'a, in docs\n',
      'b.txt': 'b, at the top\n',
      'photos/2024/c.jpg': 'not really a photo\n',
    };
    await mkdir(path.join(laptop.folder, 'docs', 'notes'), { recursive: true });
    await mkdir(path.join(laptop.folder, 'photos', '2024'), { recursive: true });
    for (const [rel, text] of Object.entries(files)) {
      await writeFile(path.join(laptop.folder, rel), text);
      expected[rel] = fileEntry(text);
    }
    for (const dir of ['docs', 'docs/notes', 'photos', 'photos/2024']) expected[dir] = 'dir';
    await sync(laptop);
    await sync(desktop);
    expect(await folderTree(desktop.folder)).toEqual(expected);

    for (const d of [laptop, desktop]) {
      expect(await statusText(d)).toContain('files     3 files, 4 folders');
      // `files` stays what it was (files and folders, for scripts); `folders` is new.
      expect(await statusJson(d)).toMatchObject({ files: 7, folders: 4 });
    }
  });

  it('conflicts says which version is mine and which is theirs, and resolve keeps that one', async () => {
    const mine = 'b, edited on the laptop\n';
    const theirs = 'b, edited on the desktop, an hour later\n';
    await writeFile(path.join(laptop.folder, 'b.txt'), mine);
    await writeFile(path.join(desktop.folder, 'b.txt'), theirs);
    // The desktop's edit is the newer one: it is the version on disk everywhere.
    const at = (iso: string) => new Date(iso);
    await utimes(
      path.join(laptop.folder, 'b.txt'),
      at('2026-01-05T10:00:00Z'),
      at('2026-01-05T10:00:00Z'),
    );
    await utimes(
      path.join(desktop.folder, 'b.txt'),
      at('2026-01-05T11:00:00Z'),
      at('2026-01-05T11:00:00Z'),
    );
    await sync(laptop);
    await sync(desktop);
    await sync(laptop);

    const ids = JSON.parse(
      await netguardianOk(['conflicts', '--json', '--data', laptop.dataDir]),
    ) as ConflictInfo[];
    expect(ids.map((c) => c.path)).toEqual(['b.txt']);
    const idOf = (device: string) =>
      ids[0]?.versions.find((v) => v.device === device)?.eventId ?? 'none';
    const [laptopId, desktopId] = [idOf('laptop'), idOf('desktop')];
    // The JSON answer keeps its fields and adds what each --keep keeps.
    expect(ids[0]).toMatchObject({
      versions: [
        { device: 'desktop', side: 'theirs', winner: true, size: theirs.length, copyPath: null },
        { device: 'laptop', side: 'mine', winner: false, size: mine.length },
      ],
      keeps: {
        mine: { eventId: laptopId, device: 'laptop', side: 'mine', deleted: false },
        theirs: { eventId: desktopId, device: 'desktop', side: 'theirs', deleted: false },
      },
    });

    const onLaptop = (await netguardianOk(['conflicts', '--data', laptop.dataDir])).split('\n');
    expect(onLaptop[0]).toBe('b.txt');
    expect(onLaptop[1]).toMatch(
      new RegExp(`^  on disk  theirs  desktop  ${ISO}  40 bytes  version ${desktopId}$`),
    );
    expect(onLaptop[2]).toMatch(
      new RegExp(
        `^  copy     mine    laptop \\(this device\\)  ${ISO}  24 bytes  version ${laptopId}  as b\\.conflict-\\S+\\.txt$`,
      ),
    );
    expect(onLaptop.slice(3)).toEqual([
      `  --keep mine keeps this device's (laptop) version ${laptopId}; --keep theirs keeps desktop's version ${desktopId}; --keep both keeps every version (the others as copies)`,
      'resolve with: netguardian resolve <path> --keep mine|theirs|both',
      '',
    ]);
    // On the desktop the same versions are the other way round.
    const onDesktop = (await netguardianOk(['conflicts', '--data', desktop.dataDir])).split('\n');
    expect(onDesktop[1]).toMatch(/^ {2}on disk {2}mine {4}desktop \(this device\) {2}/);
    expect(onDesktop[2]).toMatch(/^ {2}copy {5}theirs {2}laptop {2}/);
    expect(onDesktop[3]).toBe(
      `  --keep mine keeps this device's (desktop) version ${desktopId}; --keep theirs keeps laptop's version ${laptopId}; --keep both keeps every version (the others as copies)`,
    );

    // "theirs" on the desktop is the laptop's edit, as it said: not the one on its disk.
    await netguardianOk(['resolve', 'b.txt', '--keep', 'theirs', '--data', desktop.dataDir]);
    await sync(laptop);
    expected['b.txt'] = fileEntry(mine);
    expect(await readFile(path.join(desktop.folder, 'b.txt'), 'utf8')).toBe(mine);
    expect(await folderTree(desktop.folder)).toEqual(expected);
    expect(await folderTree(laptop.folder)).toEqual(expected);
  });

  it('a folder without its marker is "not recognized", and sync says nothing was synced', async () => {
    const deletionsBefore = await deletionsOnHub();
    await rm(path.join(laptop.folder, MARKER));

    const lines = await statusText(laptop);
    expect(lines.slice(0, 2)).toEqual([
      'Folder not recognized — nothing is recorded or written until it is re-attached',
      `  ${laptop.folder} is there, but its marker file .netguardian-folder is missing, so it is not recognized as the synced folder (another drive, or a fresh empty folder, mounted there?). If it is the synced folder, re-attach it: netguardian folder attach.`,
    ]);
    expect(lines).toContain(
      `folder    ${laptop.folder} (space ${SPACE}): there, but not recognized (its marker file .netguardian-folder is missing)`,
    );
    expect(await statusJson(laptop)).toMatchObject({
      folderPresent: false,
      folderProblem: 'marker-missing',
      state: { phase: 'folder-missing' },
    });

    // A change from the desktop meanwhile is received, and waits: `sync` must not say "synced".
    const d = 'd, written on the desktop meanwhile\n';
    await writeFile(path.join(desktop.folder, 'd.txt'), d);
    expected['d.txt'] = fileEntry(d);
    await sync(desktop);
    expectFailure(
      await runNetguardian(['sync', '--data', laptop.dataDir]),
      `nothing was synced from the folder: ${laptop.folder} is there, but its marker file .netguardian-folder is missing, so it is not recognized as the synced folder (another drive, or a fresh empty folder, mounted there?); if it is the synced folder, re-attach it: netguardian folder attach (with the hub: sent 0, received 1 changes; what was received is written into the folder once it is used again)`,
    );
    await expect(stat(path.join(laptop.folder, 'd.txt'))).rejects.toMatchObject({
      code: 'ENOENT',
    });
    expect(await deletionsOnHub()).toBe(deletionsBefore);
  });

  it('folder attach refuses a folder that looks like another one, and a folder not there', async () => {
    const deletionsBefore = await deletionsOnHub();
    const away = `${laptop.folder}-away`;
    const attach = () => runNetguardian(['folder', 'attach', '--data', laptop.dataDir]);
    const hint =
      'if it is the synced folder all the same, run `netguardian folder attach --force` (nothing is deleted either way)';

    // An empty folder at the path (a drive not mounted leaves its mount point).
    await rename(laptop.folder, away);
    await mkdir(laptop.folder);
    expectFailure(
      await attach(),
      `${laptop.folder} is empty, but this device last saw 3 files there: it may be a fresh folder or a drive not mounted, and attaching it would fill it with every file again; ${hint}`,
    );
    // Another folder, holding none of the files this device saw there.
    await writeFile(path.join(laptop.folder, 'other.txt'), 'another folder’s file\n');
    expectFailure(
      await attach(),
      `3 of the 3 files this device last saw in ${laptop.folder} are not there: it may be another folder or drive; ${hint}`,
    );
    await expect(stat(path.join(laptop.folder, MARKER))).rejects.toMatchObject({ code: 'ENOENT' });

    // Nothing at the path: "missing", which path, and that it resumes by itself.
    await rm(laptop.folder, { recursive: true });
    const lines = await statusText(laptop);
    expect(lines.slice(0, 2)).toEqual([
      'Folder missing — nothing is recorded or written until it is back',
      `  ${laptop.folder} is not there (moved, deleted, or a drive not mounted?). Syncing resumes by itself once it is back at that path.`,
    ]);
    expect(lines).toContain(`folder    ${laptop.folder} (space ${SPACE}): not there`);
    expect(await statusJson(laptop)).toMatchObject({
      folderPresent: false,
      folderProblem: 'missing',
    });
    expectFailure(
      await runNetguardian(['sync', '--data', laptop.dataDir]),
      `nothing was synced from the folder: ${laptop.folder} is not there (moved, deleted, or a drive not mounted?); syncing resumes by itself once it is back at that path (with the hub: sent 0, received 0 changes; what was received is written into the folder once it is used again)`,
    );
    expectFailure(
      await attach(),
      `there is no folder at ${laptop.folder}: nothing to attach; syncing resumes by itself once the folder is back at that path`,
    );
    await expect(stat(laptop.folder)).rejects.toMatchObject({ code: 'ENOENT' });
    await rename(away, laptop.folder);
    expect(await deletionsOnHub()).toBe(deletionsBefore);
  });

  it('folder attach takes the folder back, and a file not there is written back, not deleted', async () => {
    const deletionsBefore = await deletionsOnHub();
    // One of the three files went while the folder was not recognized: fewer than half.
    await rm(path.join(laptop.folder, 'photos', '2024', 'c.jpg'));
    expect(await netguardianOk(['folder', 'attach', '--data', laptop.dataDir])).toBe(
      `attached ${laptop.folder} as the synced folder; the 1 file not there is not taken as deleted: it is written back from the hub\n`,
    );
    // The command synced: the file is back, and what the desktop wrote meanwhile arrived.
    expect(await folderTree(laptop.folder)).toEqual(expected);
    expect(await folderTree(desktop.folder)).toEqual(expected);
    expect(await deletionsOnHub()).toBe(deletionsBefore);
    expect(await statusJson(laptop)).toMatchObject({ folderPresent: true, folderProblem: null });
    expect(await netguardianOk(['folder', 'attach', '--data', laptop.dataDir])).toBe(
      `${laptop.folder} is attached already (its marker file .netguardian-folder is there): nothing to do\n`,
    );
  });

  it('folder attach --force on an empty folder fills it again and deletes nothing anywhere', async () => {
    const deletionsBefore = await deletionsOnHub();
    const away = `${laptop.folder}-old`;
    await rename(laptop.folder, away);
    await mkdir(laptop.folder);
    expect(await netguardianOk(['folder', 'attach', '--force', '--data', laptop.dataDir])).toBe(
      `attached ${laptop.folder} as the synced folder; the 4 files not there are not taken as deleted: they are written back from the hub\n`,
    );
    await sync(desktop);
    expect(await folderTree(laptop.folder)).toEqual(expected);
    expect(await folderTree(desktop.folder)).toEqual(expected);
    expect(await deletionsOnHub()).toBe(deletionsBefore);
    await rm(away, { recursive: true });
  });

  it('a running daemon takes a re-attached folder at once', async () => {
    daemon = await startDaemon(laptop.dataDir);
    await rm(path.join(laptop.folder, MARKER));
    await pollUntil(
      'the daemon to find the marker gone',
      async () =>
        (await statusJson(laptop)).folderProblem === 'marker-missing' ? true : undefined,
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(await netguardianOk(['folder', 'attach', '--data', laptop.dataDir])).toBe(
      `attached ${laptop.folder} as the synced folder\n`,
    );
    expect(await statusJson(laptop)).toMatchObject({ folderPresent: true, folderProblem: null });
    // Watched again: a new file reaches the desktop.
    const e = 'e, written on the laptop after re-attaching\n';
    await writeFile(path.join(laptop.folder, 'e.txt'), e);
    expected['e.txt'] = fileEntry(e);
    await pollUntil(
      'e.txt to reach the desktop',
      async () => {
        await sync(desktop);
        const tree = await folderTree(desktop.folder);
        return tree['e.txt'] === expected['e.txt'] ? true : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    expect(await folderTree(desktop.folder)).toEqual(expected);
    await daemon.kill('SIGTERM');
    daemon = undefined;
  });
});
