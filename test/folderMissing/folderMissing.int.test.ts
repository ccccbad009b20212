/**
 * Issue 12 point 1: the folder is identified, not assumed. A hub and two devices run by
 * `netguardian start` (real processes). A's folder is moved away while A runs, then replaced by
 * an empty folder at the same path (as an unmounted drive leaves its mount point), then put back;
 * and later moved away while A is stopped, and A started without it. Each time: A says "folder
 * missing" in its status, records no deletion (B keeps every file, the hub records none) and
 * writes nothing into the empty stand-in; once the folder is back, A picks up what B changed
 * meanwhile, and both folders end the same.
 *
 * Nothing is random: `npx vitest run --project int test/folderMissing` replays it.
 */
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceStatusView } from '../../src-shared/ipc/contract.js';
import { fileEntry, folderTree, pollUntil } from '../folderSync/support/folderTree.js';
import { initDevice, NO_PERIODIC_WORK, type DeviceDirs } from '../owner/support/devices.js';
import { treeDifference } from '../owner/support/folders.js';
import { HubServer } from '../owner/support/hub.js';
import { netguardianOk, startDaemon, type Daemon } from '../owner/support/netguardian.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

const SPACE = 'folder-missing';
const WAIT_MS = 60_000;
const FILES = 30;

let tmp: TempDir;
let hub: HubServer;
let a: DeviceDirs;
let b: DeviceDirs;
const daemons = new Map<string, Daemon>();

/** The tree both folders hold: `sub/` and files `f<i>.txt` with their own text (the marker apart). */
const expected: Record<string, string> = {};

beforeAll(async () => {
  tmp = await makeTempDir('ng-folder-missing-');
  hub = await HubServer.start(tmp.path);
  a = await initDevice({
    root: tmp.path,
    hub,
    spaceId: SPACE,
    name: 'laptop',
    config: NO_PERIODIC_WORK,
  });
  b = await initDevice({
    root: tmp.path,
    hub,
    spaceId: SPACE,
    name: 'desktop',
    config: NO_PERIODIC_WORK,
  });
  for (const d of [a, b]) daemons.set(d.name, await startDaemon(d.dataDir));
  await mkdir(path.join(a.folder, 'sub'));
  expected['sub'] = 'dir';
  for (let i = 0; i < FILES; i++) {
    const rel = i % 3 === 0 ? `sub/f${i}.txt` : `f${i}.txt`;
    const text = `file ${i}, written on the laptop\n`;
    await writeFile(path.join(a.folder, rel), text);
    expected[rel] = fileEntry(text);
  }
  await waitForTree(b, expected);
});

afterAll(async () => {
  for (const d of daemons.values()) await d.kill('SIGKILL').catch(() => undefined);
  await hub?.close();
  await tmp?.cleanup();
});

async function statusOf(device: DeviceDirs): Promise<DeviceStatusView> {
  return JSON.parse(
    await netguardianOk(['status', '--json', '--data', device.dataDir]),
  ) as DeviceStatusView;
}

function waitForStatus(
  device: DeviceDirs,
  what: string,
  test: (s: DeviceStatusView) => boolean,
): Promise<DeviceStatusView> {
  return pollUntil(
    `${device.name}: ${what}`,
    async () => {
      const s = await statusOf(device);
      return test(s) ? s : undefined;
    },
    { timeoutMs: WAIT_MS, intervalMs: 250 },
  );
}

/** The folder's files as `folderTree` gives them (without the marker: each device's own). */
const treeOf = (device: DeviceDirs): Promise<Record<string, string>> => folderTree(device.folder);

async function waitForTree(device: DeviceDirs, want: Record<string, string>): Promise<void> {
  let last: Record<string, string> = {};
  await pollUntil(
    `${device.name}'s folder to hold the expected tree`,
    async () => {
      last = await treeOf(device);
      return treeDifference(last, want) === '' ? true : undefined;
    },
    { timeoutMs: WAIT_MS, intervalMs: 100 },
  ).catch((e: unknown) => {
    throw new Error(`${(e as Error).message}; differs: ${treeDifference(last, want)}`);
  });
}

/** The deletions the hub holds for the space: there must be none. */
function deletionsOnHub(): Promise<number> {
  return hub.read(async (store) => {
    const rows = await store.client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM crdt_events WHERE space_id = $1 AND event_type = 'file_deleted'`,
      [SPACE],
    );
    return rows[0]?.n ?? -1;
  });
}

/** B writes a file while A's folder is away; it must reach A once the folder is back. */
async function changeOnB(name: string): Promise<void> {
  const text = `${name}, written on the desktop while the laptop's folder was away\n`;
  await writeFile(path.join(b.folder, name), text);
  expected[name] = fileEntry(text);
  // A takes it in (its store counts it) while its folder is away: nothing is written.
  await waitForStatus(
    a,
    `to receive ${name} into its store`,
    (s) => s.files === Object.keys(expected).length,
  );
}

describe('the folder is identified, not assumed', () => {
  it('a running device whose folder moves away records no deletion, and resumes when it is back', async () => {
    const away = `${a.folder}-away`;
    await rename(a.folder, away);
    const missing = await waitForStatus(a, 'to say its folder is missing', (s) => !s.folderPresent);
    expect(missing.folder).toBe(a.folder);
    expect(missing.state).toEqual({
      phase: 'folder-missing',
      headline: 'Folder missing — nothing is recorded or written until it is back',
      detail: `${a.folder} is not there (moved, deleted, or a drive not mounted?). Syncing resumes by itself once it is back at that path.`,
    });
    expect(missing.folderProblem).toBe('missing');
    const text = await netguardianOk(['status', '--data', a.dataDir]);
    expect(text.split('\n').slice(0, 2)).toEqual([
      'Folder missing — nothing is recorded or written until it is back',
      `  ${a.folder} is not there (moved, deleted, or a drive not mounted?). Syncing resumes by itself once it is back at that path.`,
    ]);
    expect(text).toContain(`\nfolder    ${a.folder} (space ${SPACE}): not there\n`);
    await changeOnB('while-away.txt');

    // An empty folder at the same path (an unmounted drive's mount point): still missing,
    // nothing written into it, nothing recorded from it.
    await mkdir(a.folder);
    await changeOnB('while-empty.txt');
    // There, but without its marker: not recognized (not taken for the synced folder), once
    // the daemon's poll has looked again.
    const unrecognized = await waitForStatus(
      a,
      'to say its folder is not recognized',
      (s) => s.folderProblem === 'marker-missing',
    );
    expect(unrecognized).toMatchObject({
      folderPresent: false,
      state: {
        headline: 'Folder not recognized — nothing is recorded or written until it is re-attached',
      },
    });
    expect(await readdir(a.folder)).toEqual([]);
    await rm(a.folder, { recursive: true });

    expect(await deletionsOnHub()).toBe(0);
    await waitForTree(b, expected);

    await rename(away, a.folder);
    await waitForStatus(a, 'to find its folder again', (s) => s.folderPresent);
    await waitForTree(a, expected);
    await waitForTree(b, expected);
    expect(await deletionsOnHub()).toBe(0);
  });

  it('a device started without its folder records no deletion, and resumes when it is back', async () => {
    await daemons.get(a.name)?.kill('SIGTERM');
    const away = `${a.folder}-away`;
    await rename(a.folder, away);
    const daemon = await startDaemon(a.dataDir);
    daemons.set(a.name, daemon);
    expect((await statusOf(a)).folderPresent).toBe(false);
    // Not created by the device.
    await expect(readdir(a.folder)).rejects.toMatchObject({ code: 'ENOENT' });
    await changeOnB('while-stopped.txt');
    expect(await deletionsOnHub()).toBe(0);

    await rename(away, a.folder);
    await waitForStatus(a, 'to find its folder again', (s) => s.folderPresent);
    await waitForTree(a, expected);
    await waitForTree(b, expected);
    expect(await deletionsOnHub()).toBe(0);
  });
});
