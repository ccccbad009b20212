import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { NameFolding } from '../../../src-shared/nameRules.js';
import {
  MemoryChunks,
  openFolderDevice,
  pullAndApply,
  treeOf,
  type FolderDevice,
} from '../../../test/support/folderDevice.js';
import { makeTempDir, type TempDir } from '../../../test/support/tempDir.js';
import { EventStore } from '../store/eventStore.js';
import { openPgliteClient } from '../store/pgliteClient.js';
import { countPendingDownloads } from '../app/fileList.js';
import { probeFolding } from './folderFolding.js';
import { IgnoreRules } from './ignoreRules.js';

/**
 * Names (issue 12 point 5): a device syncs every name its file system allows, and a receiver that
 * can't write a name (its platform's rules, or a twin its folder does not tell apart) does not
 * write it and lists it. Two devices in process, each with a real folder and store.
 */

let stores: { sender: EventStore; receiver: EventStore };
let spaceNo = 0;
let tmp: TempDir;
let sender: FolderDevice;
let receiver: FolderDevice;
let spaceId = '';

beforeAll(async () => {
  stores = {
    sender: await EventStore.open(await openPgliteClient()),
    receiver: await EventStore.open(await openPgliteClient()),
  };
});
afterAll(async () => {
  await stores.sender.close();
  await stores.receiver.close();
});
afterEach(async () => {
  await tmp.cleanup();
});

/** A sender on this machine and a receiver with the given rules, in a space of their own. */
async function open(receiverRules: { platform?: string; folding?: NameFolding } = {}) {
  spaceId = `names-${++spaceNo}`;
  tmp = await makeTempDir('ng-names-');
  const chunks = new MemoryChunks();
  sender = await openFolderDevice({
    nodeId: 'sender',
    spaceId,
    dir: path.join(tmp.path, 'sender'),
    chunks,
    store: stores.sender,
  });
  receiver = await openFolderDevice({
    nodeId: 'receiver',
    spaceId,
    dir: path.join(tmp.path, 'receiver'),
    chunks,
    store: stores.receiver,
    ...receiverRules,
  });
}

async function put(rel: string, content: string): Promise<void> {
  const abs = path.join(sender.root, ...rel.split('/'));
  await mkdir(path.dirname(abs), { recursive: true });
  await writeFile(abs, content);
}

const listed = (d: FolderDevice) =>
  d.unsyncable.current().files.map((f) => [f.path, f.reason, f.side] as const);

const NFC = 'caf\u00e9.txt';
const NFD = 'cafe\u0301.txt';

describe.runIf(process.platform === 'linux')('names between two Linux devices', () => {
  beforeEach(() => open());

  it('syncs every name Linux holds, byte for byte, NFC and NFD twins as two files', async () => {
    const names = [
      'a:b.txt',
      'what?.txt',
      'tab\there.txt',
      'new\nline.txt',
      'back\\slash.txt',
      'aux.txt',
      'con',
      'trailing.',
      'trailing ',
      'lt<gt>pipe|star*quote".txt',
      'dir./inside.txt',
      NFC,
      NFD,
    ];
    for (const [i, name] of names.entries()) await put(name, `content ${i}\n`);

    const scan = await sender.scanner.fullScan();
    expect(scan.errors).toEqual([]);
    expect(scan.created).toBe(names.length + 1); // and the folder "dir."
    const report = await pullAndApply(receiver, sender);

    expect(report.errors).toEqual([]);
    expect(await treeOf(receiver.root)).toEqual(await treeOf(sender.root));
    const onDisk = await readdir(receiver.root);
    expect(onDisk).toContain(NFC);
    expect(onDisk).toContain(NFD);
    expect(onDisk).toHaveLength(names.length); // dir./inside.txt counts once, as "dir."
    expect(listed(receiver)).toEqual([]);
    expect(listed(sender)).toEqual([]);
  });
});

describe('a receiver whose platform refuses a name', () => {
  beforeEach(() => open({ platform: 'win32' }));

  it('does not write it, lists it with why, and writes the rest', async () => {
    await put('ok.txt', 'fine\n');
    await put('a:b.txt', 'colon\n');
    await put('aux.txt', 'device name\n');
    await put('notes./inside.txt', 'under a folder ending in a dot\n');
    await sender.scanner.fullScan();

    const report = await pullAndApply(receiver, sender);

    expect(report.errors).toEqual([]);
    expect(await treeOf(receiver.root)).toEqual(
      new Map([['ok.txt', (await treeOf(sender.root)).get('ok.txt')]]),
    );
    expect(listed(receiver)).toEqual([
      ['a:b.txt', 'name-not-allowed', 'remote'],
      ['aux.txt', 'name-not-allowed', 'remote'],
      ['notes.', 'name-not-allowed', 'remote'],
      ['notes./inside.txt', 'name-not-allowed', 'remote'],
    ]);
    const byPath = new Map(receiver.unsyncable.current().files.map((f) => [f.path, f.message]));
    expect(byPath.get('a:b.txt')).toBe(
      'its name has ":", which this device does not allow in file names: it is not written here, and stays on the devices that can hold it (rename it there to have it here too)',
    );
    expect(byPath.get('notes./inside.txt')).toMatch(
      /^its name is in the folder "notes\.", whose name ends in a dot, which/,
    );
    expect(receiver.unsyncable.current().total).toBe(4);
    // Not on their way either: a status must not wait for them to download.
    expect(
      await countPendingDownloads(receiver.store.client, spaceId, IgnoreRules.fromText('')),
    ).toBe(0);
  });

  it('drops an entry once the file is deleted or renamed to a name it can write', async () => {
    await put('a:b.txt', 'colon\n');
    await put('what?.txt', 'question\n');
    await sender.scanner.fullScan();
    await pullAndApply(receiver, sender);
    expect(listed(receiver).map(([p]) => p)).toEqual(['a:b.txt', 'what?.txt']);

    await rm(path.join(sender.root, 'a:b.txt'));
    await rm(path.join(sender.root, 'what?.txt'));
    await put('what.txt', 'question\n');
    await sender.scanner.fullScan();
    await pullAndApply(receiver, sender);

    expect(listed(receiver)).toEqual([]);
    expect(receiver.unsyncable.current().total).toBe(0);
    expect(await readdir(receiver.root)).toEqual(['what.txt']);
  });
});

describe('a receiver whose folder does not tell case or normalization apart', () => {
  beforeEach(() => open({ folding: { caseInsensitive: true, normalizationInsensitive: true } }));

  it.runIf(process.platform === 'linux')(
    'writes one of each set of twins and lists the others as clashing',
    async () => {
      await put('Report.txt', 'upper\n');
      await put('report.txt', 'lower\n');
      await put(NFC, 'nfc\n');
      await put(NFD, 'nfd\n');
      await put('Docs/a.txt', 'in Docs\n');
      await put('docs/b.txt', 'in docs\n');
      await put('other.txt', 'alone\n');
      await sender.scanner.fullScan();

      const report = await pullAndApply(receiver, sender);

      expect(report.errors).toEqual([]);
      // The first of each set by path is written ("D" < "d", "R" < "r", "e" < "é").
      expect([...(await treeOf(receiver.root)).keys()]).toEqual([
        'Docs',
        'Docs/a.txt',
        'Report.txt',
        NFD,
        'other.txt',
      ]);
      expect(listed(receiver)).toEqual([
        [NFC, 'name-collision', 'remote'],
        ['docs', 'name-collision', 'remote'],
        ['docs/b.txt', 'name-collision', 'remote'],
        ['report.txt', 'name-collision', 'remote'],
      ]);
      const byPath = new Map(receiver.unsyncable.current().files.map((f) => [f.path, f.message]));
      expect(byPath.get('report.txt')).toBe(
        'this folder does not tell its name apart from "Report.txt", which is here already: it is not written here (rename one of the two on another device to have both)',
      );
    },
  );
});

describe('probing a folder for how it compares names', () => {
  it.runIf(process.platform === 'linux')(
    'finds a Linux folder exact, and leaves no probe behind (removing an old one)',
    async () => {
      tmp = await makeTempDir('ng-probe-');
      await writeFile(path.join(tmp.path, '.ng-tmp-case-probe-0123456789ab-\u00e9'), '');
      await writeFile(path.join(tmp.path, 'keep.txt'), '');

      expect(probeFolding(tmp.path)).toEqual({
        caseInsensitive: false,
        normalizationInsensitive: false,
      });
      expect(await readdir(tmp.path)).toEqual(['keep.txt']);
    },
  );
});
