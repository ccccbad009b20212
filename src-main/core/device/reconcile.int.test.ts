/**
 * Issue 14 point 2: what a device catching up on many files reads of them comes a page at a
 * time. 1,200 files recorded on one device and pulled by another, not written yet: the entities
 * out of step come in pages, each once and in path order, and the pending downloads are counted
 * across pages with this device's ignore rules applied.
 */
import { writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MemoryChunks,
  openFolderDevice,
  pullEvents,
  type FolderDevice,
} from '../../../test/support/folderDevice.js';
import { makeTempDir, type TempDir } from '../../../test/support/tempDir.js';
import { countPendingDownloads } from '../app/fileList.js';
import { IgnoreRules } from '../files/ignoreRules.js';
import { entitiesOutOfStep } from './reconcile.js';

const SPACE = 'paging';
let tmp: TempDir;
let laptop: FolderDevice;
let desktop: FolderDevice;

beforeAll(async () => {
  tmp = await makeTempDir('ng-reconcile-');
  const chunks = new MemoryChunks();
  laptop = await openFolderDevice({
    nodeId: 'laptop',
    spaceId: SPACE,
    dir: path.join(tmp.path, 'l'),
    chunks,
  });
  desktop = await openFolderDevice({
    nodeId: 'desktop',
    spaceId: SPACE,
    dir: path.join(tmp.path, 'd'),
    chunks,
  });
  // 4 folders of 300 files (`keep0` … `keep2`, and `skip`, which the desktop's rules leave out).
  for (const folder of ['keep0', 'keep1', 'keep2', 'skip']) {
    await mkdir(path.join(laptop.root, folder));
    for (let i = 0; i < 300; i++)
      writeFileSync(path.join(laptop.root, folder, `${i}.txt`), `${folder} ${i}`);
  }
  await laptop.scanner.fullScan();
  await pullEvents(desktop, laptop);
}, 120_000);
afterAll(async () => {
  await laptop?.close();
  await desktop?.close();
  await tmp?.cleanup();
});

describe('a device catching up, a page at a time', () => {
  it('lists the entities out of step in pages, each once, in path order', async () => {
    const seen: string[] = [];
    const sizes: number[] = [];
    for (let after = ''; sizes.length < 10;) {
      const page = await entitiesOutOfStep(desktop.store.client, SPACE, { after, limit: 500 });
      sizes.push(page.length);
      seen.push(...page);
      if (page.length < 500) break;
      after = page[page.length - 1] as string;
    }
    // 1,200 files and their 4 folders: two pages of 500 and one of 204.
    expect(sizes).toEqual([500, 500, 204]);
    expect(seen).toHaveLength(1_204);
    expect(new Set(seen).size).toBe(1_204);
    expect(seen).toEqual([...seen].sort((a, b) => (Buffer.from(a) < Buffer.from(b) ? -1 : 1)));
  });

  it('counts pending downloads across pages, leaving out what the rules exclude here', async () => {
    const rules = IgnoreRules.fromText('skip/\n');
    // The 900 files and 3 folders outside `skip/`, whatever the page size.
    expect(await countPendingDownloads(desktop.store.client, SPACE, rules, 250)).toBe(903);
    expect(await countPendingDownloads(desktop.store.client, SPACE, rules)).toBe(903);
    expect(
      await countPendingDownloads(desktop.store.client, SPACE, IgnoreRules.fromText(''), 7),
    ).toBe(1_204);
  });
});
