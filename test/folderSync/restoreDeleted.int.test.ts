/**
 * Issue 12 point 2: undo a mass deletion. Two in-process devices sync a folder of 500 files
 * through a real hub; one deletes them all (and a folder), the deletion reaches the other, and
 * the other brings everything back with one `history:restoreDeleted` (what the CLI's
 * `restore --deleted-since` and the app's "Restore deleted files" call): both folders end with
 * every file, byte for byte, and the deletes stay in each file's history.
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restoreDeletedSince } from '../../src-main/core/device/restoreDeleted.js';
import { DeviceSlot, expectSameFolders, syncAll, type TestDevice } from './support/devices.js';
import { fileEntry, folderTree } from './support/folderTree.js';
import { TestHub } from './support/testHub.js';

const FILES = 500;

let hub: TestHub;
const slots: DeviceSlot[] = [];
const opened: TestDevice[] = [];

beforeAll(async () => {
  hub = await TestHub.create('restoredeleted');
  for (const name of ['alpha', 'bravo']) slots.push(await DeviceSlot.create(hub, name));
});

afterAll(async () => {
  for (const d of opened) await d.device.close();
  for (const s of slots) await s.close();
  await hub?.close();
});

describe('restore deleted files', () => {
  it('brings back 500 files deleted on another device, as one change, on both devices', async () => {
    const spaceId = hub.newSpaceId('mass-delete');
    const [a, b] = await Promise.all(slots.map((s) => s.open(spaceId)));
    if (!a || !b) throw new Error('two devices expected');
    opened.push(a, b);

    const expected: Record<string, string> = { docs: 'dir' };
    await mkdir(a.abs('docs'));
    for (let i = 0; i < FILES; i++) {
      const rel = i % 5 === 0 ? `docs/f${i}.txt` : `f${i}.txt`;
      const text = `file ${i}: ${'x'.repeat(i % 97)}\n`;
      await writeFile(a.abs(rel), text);
      expected[rel] = fileEntry(text);
    }
    await syncAll([a, b]);
    expect(await folderTree(b.root)).toEqual(expected);

    // A deletes everything; the deletion reaches B.
    const since = Date.now() - 1;
    await rm(a.abs('docs'), { recursive: true });
    for (let i = 0; i < FILES; i++) if (i % 5 !== 0) await rm(a.abs(`f${i}.txt`));
    await syncAll([a, b]);
    expect(await folderTree(b.root)).toEqual({});

    // B undoes it.
    const before = await b.device.store.countEvents(spaceId);
    const report = await restoreDeletedSince(b.device, since);
    expect(report.skipped).toEqual([]);
    expect([...report.restored].sort()).toEqual(Object.keys(expected).sort());
    // One change per restored entity, recorded together.
    expect(await b.device.store.countEvents(spaceId)).toBe(before + FILES + 1);
    expect(await folderTree(b.root)).toEqual(expected);

    await syncAll([a, b]);
    expect(await expectSameFolders([a, b])).toEqual(expected);
    // The delete stays in the history.
    const history = await b.device.store.eventsForEntity(spaceId, 'f1.txt');
    expect(history.map((e) => e.kind)).toEqual(['FileCreated', 'FileDeleted', 'FileCreated']);
  });

  it('restores nothing deleted before the moment given', async () => {
    const spaceId = hub.newSpaceId('older');
    const [a] = await Promise.all(slots.slice(0, 1).map((s) => s.open(spaceId)));
    if (!a) throw new Error('a device expected');
    opened.push(a);
    await writeFile(a.abs('old.txt'), 'old\n');
    await a.sync();
    await rm(a.abs('old.txt'));
    await a.sync();
    const later = Date.now() + 60_000;
    const report = await restoreDeletedSince(a.device, later);
    expect(report).toEqual({ restored: [], skipped: [] });
    expect(await folderTree(a.root)).toEqual({});
  });
});

describe('restore deleted files: moves are not deletions', () => {
  it('does not bring back the old names of files and folders renamed since, and says where they went', async () => {
    const spaceId = hub.newSpaceId('renamed');
    const [a] = await Promise.all(slots.slice(0, 1).map((s) => s.open(spaceId)));
    if (!a) throw new Error('a device expected');
    opened.push(a);
    await mkdir(a.abs('old/sub'), { recursive: true });
    await writeFile(a.abs('old/sub/in.txt'), 'inside\n');
    await writeFile(a.abs('draft.txt'), 'draft\n');
    await writeFile(a.abs('gone.txt'), 'gone\n');
    await writeFile(a.abs('empty.txt'), '');
    await a.sync();

    const since = Date.now() - 1;
    // Renamed: a file and a folder. Deleted: a file with content and an empty one.
    await rename(a.abs('draft.txt'), a.abs('final.txt'));
    await rename(a.abs('old'), a.abs('new'));
    await rm(a.abs('gone.txt'));
    await rm(a.abs('empty.txt'));
    await a.sync();

    const report = await restoreDeletedSince(a.device, since);
    expect([...report.restored].sort()).toEqual(['empty.txt', 'gone.txt']);
    expect([...report.skipped].sort((x, y) => (x.path < y.path ? -1 : 1))).toEqual([
      { path: 'draft.txt', reason: 'it was moved: its content is at final.txt' },
      { path: 'old', reason: 'it was moved: every file it held is somewhere else now' },
      { path: 'old/sub', reason: 'it was moved: every file it held is somewhere else now' },
      { path: 'old/sub/in.txt', reason: 'it was moved: its content is at new/sub/in.txt' },
    ]);
    expect(await folderTree(a.root)).toEqual({
      'empty.txt': fileEntry(''),
      'final.txt': fileEntry('draft\n'),
      'gone.txt': fileEntry('gone\n'),
      new: 'dir',
      'new/sub': 'dir',
      'new/sub/in.txt': fileEntry('inside\n'),
    });
  });
});
