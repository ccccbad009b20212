import { createHash } from 'node:crypto';
import { lstat, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DIRECTORY_HASH } from '../../../src-shared/fileKinds.js';
import {
  MemoryChunks,
  openFolderDevice,
  pullAndApply,
  pullEvents,
  treeOf,
  type FolderDevice,
} from '../../../test/support/folderDevice.js';
import { makeTempDir, type TempDir } from '../../../test/support/tempDir.js';
import { EventStore } from '../store/eventStore.js';
import { openPgliteClient } from '../store/pgliteClient.js';

/**
 * A path that changes kind (a folder replaced by a file, a file by a folder), in the folder
 * layer: what the scanner records, in which order, and how the materializer applies it when the
 * events come in pieces. Two devices with real folders and PGlite stores exchange events store
 * to store; `desktop` changes, `laptop` applies. (End to end: test/folderSync/replacements.)
 */
let stores: { laptop: EventStore; desktop: EventStore };
let spaceNo = 0;
let tmp: TempDir;
let chunks: MemoryChunks;
let laptop: FolderDevice;
let desktop: FolderDevice;

beforeAll(async () => {
  stores = {
    laptop: await EventStore.open(await openPgliteClient()),
    desktop: await EventStore.open(await openPgliteClient()),
  };
});
afterAll(async () => {
  await stores.laptop.close();
  await stores.desktop.close();
});
beforeEach(async () => {
  const spaceId = `replaced-${++spaceNo}`;
  tmp = await makeTempDir('ng-replaced-');
  chunks = new MemoryChunks();
  const open = (nodeId: 'laptop' | 'desktop') =>
    openFolderDevice({
      nodeId,
      spaceId,
      dir: path.join(tmp.path, nodeId),
      chunks,
      store: stores[nodeId],
    });
  laptop = await open('laptop');
  desktop = await open('desktop');
});
afterEach(async () => {
  await laptop.close();
  await desktop.close();
  await tmp.cleanup();
});

const at = (device: FolderDevice, rel: string) => path.join(device.root, ...rel.split('/'));
async function put(device: FolderDevice, files: Record<string, string>) {
  for (const [rel, content] of Object.entries(files)) {
    await mkdir(path.dirname(at(device, rel)), { recursive: true });
    await writeFile(at(device, rel), content);
  }
}

/** Desktop's own events above `afterSeq`, in log order: [entity, type]. */
async function logAfter(afterSeq: number): Promise<[string, string][]> {
  const space = desktop.manager.spaceId;
  const rows = await desktop.store.readAboveFrontier(space, { desktop: afterSeq }, 1_000);
  return rows
    .filter((r) => r.node_id === 'desktop')
    .map((r) => [r.entity_id, r.event_type] as [string, string]);
}
const sha = (data: string) => createHash('sha256').update(data).digest('hex');
const lastSeq = async () => (await desktop.store.getFrontier(desktop.manager.spaceId))['desktop'];

/** Desktop's folder, scanned and applied on the laptop (the laptop's folder must then equal it). */
async function startFrom(files: Record<string, string>) {
  await put(desktop, files);
  await desktop.scanner.fullScan();
  await pullAndApply(laptop, desktop);
}

describe('a folder replaced by a file', () => {
  it("is recorded as its files' deletions first, then the file, each deletion once", async () => {
    await startFrom({ 't4/one.txt': 'one\n', 't4/two.txt': 'two\n' });
    const seq = (await lastSeq()) ?? 0;
    await rm(at(desktop, 't4'), { recursive: true });
    await writeFile(at(desktop, 't4'), 'x\n');
    // The watcher names the folder and each of its files.
    const summary = await desktop.scanner.scanPaths(['t4', 't4/one.txt', 't4/two.txt']);
    expect(summary).toMatchObject({ created: 0, updated: 1, deleted: 2, errors: [] });
    expect(await logAfter(seq)).toEqual([
      ['t4/one.txt', 'file_deleted'],
      ['t4/two.txt', 'file_deleted'],
      ['t4', 'file_updated'],
    ]);
  });

  it('is written once its folder is empty, also when the deletions come in a later apply', async () => {
    await startFrom({ 't4/one.txt': 'one\n', 't4/two.txt': 'two\n' });
    await rm(at(desktop, 't4'), { recursive: true });
    await writeFile(at(desktop, 't4'), 'x\n');
    await desktop.scanner.fullScan();
    // The laptop's store has everything; its folder is written in two pieces, the file first
    // (as a device catching up on events an older version recorded file first).
    expect((await pullEvents(laptop, desktop)).sort()).toEqual(['t4', 't4/one.txt', 't4/two.txt']);
    const first = await laptop.materializer.apply(['t4', 't4/one.txt']);
    // t4/two.txt is still there, deleted in the store: the file waits, nothing failed.
    expect(first).toMatchObject({ written: [], removed: ['t4/one.txt'], deferred: ['t4'] });
    expect(first.errors).toEqual([]);
    const second = await laptop.materializer.apply(['t4/two.txt']);
    expect(second).toMatchObject({ written: ['t4'], removed: ['t4/two.txt'], deferred: [] });
    expect(second.errors).toEqual([]);
    expect(Object.fromEntries(await treeOf(laptop.root))).toEqual({ t4: sha('x\n') });
  });

  it('replaces a folder holding only ignored leftovers, which go to the trash with it', async () => {
    await startFrom({ 't4/one.txt': 'one\n' });
    await writeFile(at(laptop, 't4/.DS_Store'), 'finder\n');
    await rm(at(desktop, 't4'), { recursive: true });
    await writeFile(at(desktop, 't4'), 'x\n');
    await desktop.scanner.fullScan();
    const report = await pullAndApply(laptop, desktop);
    expect(report).toMatchObject({ written: ['t4'], removed: ['t4/one.txt'], deferred: [] });
    expect(report.errors).toEqual([]);
    expect(Object.fromEntries(await treeOf(laptop.root))).toEqual({ t4: sha('x\n') });
    const trashed = await laptop.materializer.trash.list();
    expect(trashed.map((r) => [r.path, r.kind, r.reason]).sort()).toEqual([
      ['t4', 'dir', 'replaced'],
      ['t4/one.txt', 'file', 'deleted'],
    ]);
  });
});

describe('a file replaced by a folder', () => {
  it('is recorded as a folder before its files, when the watcher names only a file in it', async () => {
    await startFrom({ f: 'file\n' });
    const seq = (await lastSeq()) ?? 0;
    await rm(at(desktop, 'f'));
    await put(desktop, { 'f/inner.txt': 'inner\n' });
    const summary = await desktop.scanner.scanPaths(['f/inner.txt']);
    expect(summary).toMatchObject({ created: 1, updated: 1, deleted: 0, errors: [] });
    expect(await logAfter(seq)).toEqual([
      ['f', 'file_updated'],
      ['f/inner.txt', 'file_created'],
    ]);
    expect((await desktop.manager.getFileState('f'))?.content?.hash).toBe(DIRECTORY_HASH);

    const report = await pullAndApply(laptop, desktop);
    expect(report.errors).toEqual([]);
    expect(Object.fromEntries(await treeOf(laptop.root))).toEqual({
      f: 'dir',
      'f/inner.txt': sha('inner\n'),
    });
  });
});

describe('a case-only rename', () => {
  it('is written on a folder that ignores case, not refused as a collision with its old name', async () => {
    // This machine's folders tell case apart; the receiver is told its folder does not (as a
    // Mac's or a Windows PC's), so it screens names as such a device would.
    const store = await EventStore.open(await openPgliteClient());
    const mac = await openFolderDevice({
      nodeId: 'mac',
      spaceId: desktop.manager.spaceId,
      dir: path.join(tmp.path, 'mac'),
      chunks,
      store,
      folding: { caseInsensitive: true, normalizationInsensitive: false },
    });
    try {
      await put(desktop, { 'Readme.md': '# read me\n', 'Docs/one.txt': 'one\n' });
      await desktop.scanner.fullScan();
      expect((await pullAndApply(mac, desktop)).errors).toEqual([]);
      await rename(at(desktop, 'Readme.md'), at(desktop, 'README.md'));
      await rename(at(desktop, 'Docs'), at(desktop, 'DOCS'));
      await desktop.scanner.fullScan();
      const report = await pullAndApply(mac, desktop);
      expect(report.errors).toEqual([]);
      await mac.unsyncable.refresh();
      expect(mac.unsyncable.current()).toEqual({ total: 0, files: [] });
      expect(Object.fromEntries(await treeOf(mac.root))).toEqual({
        DOCS: 'dir',
        'DOCS/one.txt': sha('one\n'),
        'README.md': sha('# read me\n'),
      });
    } finally {
      await mac.close();
      await store.close();
    }
  });
});

describe('a file and a folder at one path, made on two devices at once', () => {
  /** Both ways, twice: the second round carries the folder a device recorded in the first. */
  async function exchange() {
    for (let round = 0; round < 2; round++) {
      expect((await pullAndApply(laptop, desktop)).errors).toEqual([]);
      expect((await pullAndApply(desktop, laptop)).errors).toEqual([]);
    }
  }
  /** The copy name of desktop's `t4` holding 'x\n' (conflictNames.ts): time varies, hash not. */
  const COPY = new RegExp(`^t4\\.conflict-desktop-\\d{8}-\\d{6}-${sha('x\n').slice(0, 8)}$`);

  /** `fileLost`: the file is still a losing version of `t4` (a conflict to review). */
  async function expectFolderWins(expected: Record<string, string>, fileLost: boolean) {
    const trees = [
      Object.fromEntries(await treeOf(laptop.root)),
      Object.fromEntries(await treeOf(desktop.root)),
    ];
    expect(trees[0]).toEqual(trees[1]);
    const copies = Object.keys(trees[0] ?? {}).filter((p) => COPY.test(p));
    expect(copies).toHaveLength(1);
    const { [copies[0] as string]: copied, ...rest } = trees[0] ?? {};
    expect(copied).toBe(sha('x\n'));
    expect(rest).toEqual(expected);
    for (const device of [laptop, desktop]) {
      const view = await device.manager.getFileState('t4');
      expect(view?.content?.hash).toBe(DIRECTORY_HASH);
      expect(view?.conflicts.map((v) => v.value?.hash)).toEqual(fileLost ? [sha('x\n')] : []);
      await device.unsyncable.refresh();
      expect(device.unsyncable.current()).toEqual({ total: 0, files: [] });
      // A folder's bits, not the file's (0644 would be a folder no one can enter).
      expect((await lstat(at(device, 't4'))).mode & 0o777).toBe(0o755);
    }
  }

  it('a folder replaced by a file while the other device writes in it: the folder wins, the file is kept as a copy', async () => {
    await startFrom({ 't4/one.txt': 'one\n' });
    await rm(at(desktop, 't4'), { recursive: true });
    await writeFile(at(desktop, 't4'), 'x\n');
    await desktop.scanner.fullScan();
    await put(laptop, { 't4/new.txt': 'new\n' });
    await laptop.scanner.fullScan();
    await exchange();
    // Desktop turned its file into the folder and recorded the folder over every version.
    await expectFolderWins({ t4: 'dir', 't4/new.txt': sha('new\n') }, false);
    // The file desktop had at t4 left its folder through the trash, not by a plain delete.
    const trashed = await desktop.materializer.trash.list();
    expect(trashed.map((r) => [r.path, r.kind, r.reason])).toContainEqual([
      't4',
      'file',
      'replaced',
    ]);
  });

  it('a file made on one device and a folder with a file in it on the other: the folder wins', async () => {
    await put(desktop, { t4: 'x\n' });
    await desktop.scanner.fullScan();
    await put(laptop, { 't4/inner.txt': 'inner\n' });
    await laptop.scanner.fullScan();
    await exchange();
    // The folder was recorded after the file's modification time: it is the newer version, and
    // the file a conflict.
    await expectFolderWins({ t4: 'dir', 't4/inner.txt': sha('inner\n') }, true);
  });
});
