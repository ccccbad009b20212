import { chmod, lstat, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DIRECTORY_CONTENT } from '../../../src-shared/fileKinds.js';
import {
  MemoryChunks,
  modeOf,
  openFolderDevice,
  pullAndApply,
  type FolderDevice,
} from '../../../test/support/folderDevice.js';
import { makeTempDir, type TempDir } from '../../../test/support/tempDir.js';
import { EventStore } from '../store/eventStore.js';
import { openPgliteClient } from '../store/pgliteClient.js';
import { FolderModes } from './folderModes.js';

/**
 * Folders' permission bits between two devices: `desktop` changes its folder, `laptop` pulls
 * and materializes (and the reverse). Every device's scan after a write must record nothing:
 * no mode the materializer set (or opened a folder with) comes back as a change.
 */

let stores: { desktop: EventStore; laptop: EventStore };
let spaceNo = 0;
let tmp: TempDir;
let chunks: MemoryChunks;
let desktop: FolderDevice;
let laptop: FolderDevice;

beforeAll(async () => {
  stores = {
    desktop: await EventStore.open(await openPgliteClient()),
    laptop: await EventStore.open(await openPgliteClient()),
  };
});
afterAll(async () => {
  await stores.desktop.close();
  await stores.laptop.close();
});
beforeEach(async () => {
  const spaceId = `folder-modes-${++spaceNo}`;
  tmp = await makeTempDir('ng-folder-modes-');
  chunks = new MemoryChunks();
  const open = (nodeId: 'desktop' | 'laptop') =>
    openFolderDevice({
      nodeId,
      spaceId,
      dir: path.join(tmp.path, nodeId),
      chunks,
      store: stores[nodeId],
    });
  desktop = await open('desktop');
  laptop = await open('laptop');
});
afterEach(async () => {
  await desktop.close();
  await laptop.close();
  await tmp.cleanup();
});

const at = (device: FolderDevice, rel: string) => path.join(device.root, ...rel.split('/'));

/** What a scan of the device's whole folder records (0 when its disk is what its store says). */
async function recordedByScan(device: FolderDevice): Promise<number> {
  const scan = await device.scanner.fullScan();
  expect(scan.errors).toEqual([]);
  return scan.created + scan.updated + scan.deleted;
}

describe('folders’ permission bits between two devices', () => {
  it('a new folder arrives with its bits, and a chmod of it alone follows', async () => {
    await mkdir(at(desktop, 'docs'));
    await writeFile(at(desktop, 'docs/a.txt'), 'a');
    await chmod(at(desktop, 'docs'), 0o750);
    await desktop.scanner.fullScan();
    expect((await desktop.manager.getFileState('docs'))?.fields).toMatchObject({
      folderMode: 0o750,
    });

    const first = await pullAndApply(laptop, desktop);

    expect(first.errors).toEqual([]);
    expect(await modeOf(at(laptop, 'docs'))).toBe(0o750);
    expect(await readFile(at(laptop, 'docs/a.txt'), 'utf8')).toBe('a');
    expect(await recordedByScan(laptop)).toBe(0);

    await chmod(at(desktop, 'docs'), 0o700);
    const scan = await desktop.scanner.fullScan();
    expect(scan.updated).toBe(1);
    const second = await pullAndApply(laptop, desktop);

    expect(second.errors).toEqual([]);
    expect(second.modeChanged).toEqual(['docs']);
    expect(await modeOf(at(laptop, 'docs'))).toBe(0o700);
    expect((await laptop.index.get('docs'))?.mode).toBe(0o040700);
    expect(await recordedByScan(laptop)).toBe(0);
    expect(await recordedByScan(desktop)).toBe(0);
  });

  it('a read-only folder is filled, then closed; a file added in it later is written too', async () => {
    await mkdir(at(desktop, 'ro/sub'), { recursive: true });
    await writeFile(at(desktop, 'ro/a.txt'), 'a');
    await writeFile(at(desktop, 'ro/sub/b.txt'), 'b');
    await chmod(at(desktop, 'ro/sub'), 0o555);
    await chmod(at(desktop, 'ro'), 0o555);
    await desktop.scanner.fullScan();

    const first = await pullAndApply(laptop, desktop);

    expect(first.errors).toEqual([]);
    expect(await readFile(at(laptop, 'ro/a.txt'), 'utf8')).toBe('a');
    expect(await readFile(at(laptop, 'ro/sub/b.txt'), 'utf8')).toBe('b');
    expect(await modeOf(at(laptop, 'ro'))).toBe(0o555);
    expect(await modeOf(at(laptop, 'ro/sub'))).toBe(0o555);
    expect(await recordedByScan(laptop)).toBe(0);

    // Unlocked, a file added, locked again: the folder's bits in the store never changed.
    await chmod(at(desktop, 'ro'), 0o755);
    await writeFile(at(desktop, 'ro/c.txt'), 'c');
    await chmod(at(desktop, 'ro'), 0o555);
    await desktop.scanner.fullScan();
    const second = await pullAndApply(laptop, desktop);

    expect(second.errors).toEqual([]);
    expect(await readFile(at(laptop, 'ro/c.txt'), 'utf8')).toBe('c');
    expect(await modeOf(at(laptop, 'ro'))).toBe(0o555);
    expect((await laptop.index.get('ro'))?.mode).toBe(0o040555);
    expect(await recordedByScan(laptop)).toBe(0);
  });

  it('a chmod here not scanned yet is recorded before a remote one is applied, and wins', async () => {
    await mkdir(at(desktop, 'docs'));
    await chmod(at(desktop, 'docs'), 0o755);
    await desktop.scanner.fullScan();
    await pullAndApply(laptop, desktop);
    await chmod(at(desktop, 'docs'), 0o700);
    await desktop.scanner.fullScan();
    // On the laptop, later than the desktop's and not scanned yet.
    await chmod(at(laptop, 'docs'), 0o750);

    const report = await pullAndApply(laptop, desktop);

    expect(report.errors).toEqual([]);
    expect(await modeOf(at(laptop, 'docs'))).toBe(0o750);
    expect((await laptop.manager.getFileState('docs'))?.fields).toMatchObject({
      folderMode: 0o750,
    });
    await pullAndApply(desktop, laptop);
    expect(await modeOf(at(desktop, 'docs'))).toBe(0o750);
  });

  it('a folder recorded before folders’ modes synced keeps its bits; a chmod of it is recorded', async () => {
    // What an older NetGuardian recorded for a folder: the marker, no fields.
    const created = await desktop.manager.createFileState('old', { content: DIRECTORY_CONTENT });
    expect(created.ok).toBe(true);

    const report = await pullAndApply(laptop, desktop);

    expect(report.errors).toEqual([]);
    expect((await lstat(at(laptop, 'old'))).isDirectory()).toBe(true);
    expect(await recordedByScan(laptop)).toBe(0);
    await chmod(at(laptop, 'old'), 0o711);
    expect(await recordedByScan(laptop)).toBe(1);
    expect((await laptop.manager.getFileState('old'))?.fields).toMatchObject({ folderMode: 0o711 });
  });

  it('a folder’s own setgid bit stays when a received mode is set', async () => {
    await mkdir(at(desktop, 'shared'));
    await desktop.scanner.fullScan();
    await pullAndApply(laptop, desktop);
    await chmod(at(laptop, 'shared'), 0o2755);
    await laptop.scanner.fullScan();
    // Owner bits only: a received folder's bits go through the umask (group and others' may not).
    await chmod(at(desktop, 'shared'), 0o700);
    await desktop.scanner.fullScan();

    await pullAndApply(laptop, desktop);

    expect((await lstat(at(laptop, 'shared'))).mode & 0o7777).toBe(0o2700);
  });
});

describe('FolderModes: a folder opened for a run', () => {
  it('gets owner rwx, its index row first, and both back at the end', async () => {
    await mkdir(at(laptop, 'ro'));
    await chmod(at(laptop, 'ro'), 0o555);
    await laptop.scanner.fullScan();
    expect((await laptop.index.get('ro'))?.mode).toBe(0o040555);
    const indexed = await laptop.index.getMany(['ro']);
    const modes = new FolderModes(laptop.root, laptop.index);

    await modes.open(['ro'], indexed);

    expect(await modeOf(at(laptop, 'ro'))).toBe(0o755);
    expect((await laptop.index.get('ro'))?.mode).toBe(0o040755);
    expect(indexed.get('ro')?.mode).toBe(0o040755);
    // A scan meanwhile records nothing: the disk is as indexed.
    expect(await recordedByScan(laptop)).toBe(0);

    const { rows, changed } = modes.finish();
    await laptop.index.upsertMany(rows);

    expect(changed).toEqual([]);
    expect(await modeOf(at(laptop, 'ro'))).toBe(0o555);
    expect((await laptop.index.get('ro'))?.mode).toBe(0o040555);
    expect(await recordedByScan(laptop)).toBe(0);
  });

  it('never changes a folder through a symlink', async () => {
    const outside = path.join(tmp.path, 'outside');
    await mkdir(path.join(outside, 'sub'), { recursive: true });
    await chmod(path.join(outside, 'sub'), 0o555);
    await chmod(outside, 0o555);
    await symlink(outside, at(laptop, 'link'));
    const modes = new FolderModes(laptop.root, laptop.index);

    await modes.open(['link', 'link/sub'], new Map());

    expect(await modeOf(outside)).toBe(0o555);
    expect(await modeOf(path.join(outside, 'sub'))).toBe(0o555);
    expect(modes.finish()).toEqual({ rows: [], changed: [] });
  });

  it('leaves a folder chmodded during the run as it is, for the scanner to record', async () => {
    await mkdir(at(laptop, 'ro'));
    await chmod(at(laptop, 'ro'), 0o555);
    await laptop.scanner.fullScan();
    const modes = new FolderModes(laptop.root, laptop.index);
    await modes.open(['ro'], new Map());
    await chmod(at(laptop, 'ro'), 0o500);

    const { rows } = modes.finish();
    await laptop.index.upsertMany(rows);

    expect(await modeOf(at(laptop, 'ro'))).toBe(0o500);
    expect(await recordedByScan(laptop)).toBe(1);
    expect((await laptop.manager.getFileState('ro'))?.fields).toMatchObject({ folderMode: 0o500 });
  });
});
