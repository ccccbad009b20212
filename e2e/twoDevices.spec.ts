/**
 * Issue 4 point 6: two real devices (`netguardian serve` child processes, PGlite each) and a
 * real hub (`netguardian hub start` on a fresh PostgreSQL database; each device joined with
 * `init --join` and a code from `hub invite`), each device's UI open in Debian's Chromium. A file dropped on A's window
 * reaches B's list and folder; a conflict from concurrent edits shows on both review screens,
 * is settled on A, leaves B's; both folders end identical byte for byte.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { folderTree } from '../test/folderSync/support/folderTree.js';
import { openPgClient } from '../src-main/core/store/pgClient.js';
import type { SqlClient } from '../src-main/core/store/sqlClient.js';
import { createFreshDatabase, type FreshDatabase } from '../test/support/freshDatabase.js';
import { makeTempDir, type TempDir } from '../test/support/tempDir.js';
import { AppPage } from './support/appPage.js';
import { launchChromium } from './support/chromium.js';
import {
  inviteCode,
  serveDevice,
  startHub,
  type HubProcess,
  type ServedDevice,
} from './support/servedDevice.js';

/** The hub's database, made by `hub start` alone. */
let db: FreshDatabase;
/** A connection to it as its owner: a test looks at and damages the chunks the hub stores. */
let hubDisk: SqlClient;
let hubProcess: HubProcess;
let tmp: TempDir;
let browser: Browser;
let a: ServedDevice;
let b: ServedDevice;
let pageA: AppPage;
let pageB: AppPage;
let spaceId: string;

beforeAll(async () => {
  db = await createFreshDatabase('e2e_two_devices');
  tmp = await makeTempDir('ng-e2e-');
  spaceId = 'e2e';
  hubProcess = await startHub(tmp.path, db.url);
  hubDisk = await openPgClient({ connectionString: db.url });
  const start = async (name: string) =>
    serveDevice({
      name,
      root: tmp.path,
      spaceId,
      joinCode: await inviteCode(hubProcess, spaceId),
    });
  [a, b] = await Promise.all([start('laptop'), start('desktop')]);
  browser = await launchChromium();
  pageA = await AppPage.open(browser, a.url, 'laptop');
  pageB = await AppPage.open(browser, b.url, 'desktop');
});

afterAll(async () => {
  await browser?.close();
  const codes = await Promise.all([a?.stop(), b?.stop()]);
  codes.push(await hubProcess?.stop());
  await hubDisk?.close();
  await db?.drop();
  await tmp?.cleanup();
  // A clean shutdown on SIGTERM is part of what we ship.
  expect(codes.filter((c) => c !== undefined && c !== 0)).toEqual([]);
});

/** Sets a stored chunk's bytes (same size, so the table's checks hold), as a broken disk would. */
async function overwriteChunk(hash: string, data: Uint8Array): Promise<void> {
  const rows = await hubDisk.query(
    'UPDATE crdt_chunks SET data = $3 WHERE space_id = $1 AND hash = $2 RETURNING hash',
    [spaceId, hash, Buffer.from(data)],
  );
  if (rows.length !== 1) throw new Error(`no chunk ${hash} in space ${spaceId} on the hub`);
}

/** The chunk with every bit of its first byte flipped. */
const flipped = (data: Buffer): Uint8Array => {
  const copy = new Uint8Array(data);
  copy[0] = (copy[0] ?? 0) ^ 0xff;
  return copy;
};

async function expectSameFolders(): Promise<void> {
  await Promise.all([pageA.waitForIdle(), pageB.waitForIdle()]);
  expect(await folderTree(b.folder)).toEqual(await folderTree(a.folder));
}

describe('two devices through a hub, in the browser', () => {
  it('a file dropped on A appears in B’s file list and folder', async () => {
    await pageA.goTo('Files');
    await pageB.goTo('Files');
    const text = 'dropped on the laptop’s window\n';
    await pageA.dropFiles([{ name: 'dropped.txt', text }]);

    await pageA.fileRow('dropped.txt').waitFor();
    await pageB.fileRow('dropped.txt').waitFor();
    await pageB.waitForState('state.pending.download === 0');
    expect(await readFile(path.join(b.folder, 'dropped.txt'), 'utf8')).toBe(text);
    await expect(pageB.fileRow('dropped.txt').getAttribute('data-state')).resolves.toBe('synced');
    await expectSameFolders();
  });

  it('a conflict shows on both review screens, is resolved on A and leaves B', async () => {
    const file = 'notes/plan.md';
    await mkdir(path.join(a.folder, 'notes'), { recursive: true });
    await writeFile(path.join(a.folder, file), 'first plan\n');
    await pageB.waitForState('state.files >= 2');
    await expectSameFolders();

    // Both offline from each other (paused), both edit the same file, then both resume.
    for (const p of [pageA, pageB]) {
      await p.togglePause();
      await p.waitForState('state.paused === true');
    }
    await writeFile(path.join(a.folder, file), 'plan as the laptop sees it\n');
    await writeFile(path.join(b.folder, file), 'plan as the desktop sees it\n');
    await Promise.all([
      pageA.waitForState('state.pending.upload > 0'),
      pageB.waitForState('state.pending.upload > 0'),
    ]);
    for (const p of [pageA, pageB]) {
      await p.togglePause();
      await p.waitForState('state.paused === false');
    }

    await Promise.all([
      pageA.waitForState('state.conflicts === 1'),
      pageB.waitForState('state.conflicts === 1'),
    ]);
    for (const p of [pageA, pageB]) {
      await p.goTo('Conflicts');
      const card = p.conflictCard(file);
      await card.waitFor();
      // Both versions are shown, with their devices.
      await expect(card.textContent()).resolves.toMatch(/laptop/);
      await expect(card.textContent()).resolves.toMatch(/desktop/);
    }
    // Choices and the diff's columns are named by device, this device's first.
    const cardA = pageA.conflictCard(file);
    await expect(
      cardA
        .getByRole('group', { name: `Settle ${file}` })
        .getByRole('button')
        .allTextContents(),
    ).resolves.toEqual([
      'Keep laptop’s version (this device)',
      'Keep desktop’s version',
      'Keep both',
    ]);
    await cardA.getByTestId('text-diff').waitFor();
    await expect(cardA.locator('thead th').allTextContents()).resolves.toEqual([
      'laptop’s version (this device)',
      'desktop’s version',
    ]);
    await expect(cardA.locator('tbody tr').allInnerTexts()).resolves.toEqual([
      '1\t≠plan as the laptop sees it\t1\t≠plan as the desktop sees it',
    ]);
    await pageA.screenshot('conflicts-laptop');

    // The choice is confirmed on the card with Undo; undone, nothing reaches the core.
    await pageA.keepInConflict(file, 'theirs');
    const confirmation = cardA.getByTestId('resolve-confirmation');
    await expect(confirmation.innerText()).resolves.toMatch(/^Kept desktop’s version\s*·\s*Undo$/);
    await confirmation.getByRole('button', { name: 'Undo' }).click();
    await cardA.getByTestId('keep-mine').waitFor();
    // Kept for real: sent when the undo window ends.
    await pageA.keepInConflict(file, 'mine');
    await expect(confirmation.innerText()).resolves.toMatch(/^Kept laptop’s version/);
    await pageA.conflictCard(file).waitFor({ state: 'detached' });
    await pageB.conflictCard(file).waitFor({ state: 'detached' });
    await pageB.waitForState('state.conflicts === 0');
    expect(await readFile(path.join(b.folder, file), 'utf8')).toBe('plan as the laptop sees it\n');
    await expectSameFolders();
  });

  it('a binary conflict offers each version to download (the browser’s Open)', async () => {
    const file = 'data/blob.bin';
    const before = (await pageB.waitForState('true')).files;
    await mkdir(path.join(a.folder, 'data'), { recursive: true });
    await writeFile(path.join(a.folder, file), Buffer.from([0, 1, 2, 3]));
    await pageB.waitForState(`state.files > ${before} && state.pending.download === 0`);
    await expectSameFolders();

    for (const p of [pageA, pageB]) {
      await p.togglePause();
      await p.waitForState('state.paused === true');
    }
    const laptops = Buffer.from([0, 76, 65, 80, 84, 79, 80]);
    await writeFile(path.join(a.folder, file), laptops);
    await writeFile(path.join(b.folder, file), Buffer.from([0, 68, 69, 83, 75, 84, 79, 80, 33]));
    await Promise.all([
      pageA.waitForState('state.pending.upload > 0'),
      pageB.waitForState('state.pending.upload > 0'),
    ]);
    for (const p of [pageA, pageB]) {
      await p.togglePause();
      await p.waitForState('state.paused === false');
    }
    await pageA.waitForState('state.conflicts === 1');
    await pageA.goTo('Conflicts');
    const card = pageA.conflictCard(file);
    await card.waitFor();
    // No preview for a .bin: each version is offered instead (a browser downloads it).
    const [download] = await Promise.all([
      pageA.page.waitForEvent('download'),
      card.getByRole('button', { name: 'Download laptop’s version (this device)' }).click(),
    ]);
    const saved = await download.path();
    expect(await readFile(saved)).toEqual(laptops);

    await pageA.keepInConflict(file, 'both');
    await pageA.conflictCard(file).waitFor({ state: 'detached' });
    await Promise.all([
      pageA.waitForState('state.conflicts === 0'),
      pageB.waitForState('state.conflicts === 0'),
    ]);
    await expectSameFolders();
  });

  it('the header says what waits ("Syncing 1 change" while a file’s content can’t arrive), then "Synced"', async () => {
    await pageB.togglePause();
    await pageB.waitForState('state.paused === true');
    const chunks = () =>
      hubDisk.query<{ hash: string; data: Buffer }>(
        'SELECT hash, data FROM crdt_chunks WHERE space_id = $1',
        [spaceId],
      );
    const before = new Set((await chunks()).map((c) => c.hash));
    const photo = randomBytes(64 * 1024);
    await writeFile(path.join(a.folder, 'photo.bin'), photo);
    // A uploads the content before it pushes the event: wait for the content on the hub.
    let added: { hash: string; data: Buffer }[] = [];
    for (let i = 0; i < 600 && added.length === 0; i++) {
      added = (await chunks()).filter((c) => !before.has(c.hash));
      if (added.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(added.length).toBeGreaterThan(0);
    // The hub serves other bytes than those: B can't write the file.
    for (const chunk of added) await overwriteChunk(chunk.hash, flipped(chunk.data));
    await pageA.waitForHeadline('Synced');

    await pageB.togglePause();
    expect(await pageB.waitForHeadline('Syncing 1 change')).toBe('1 file to receive.');
    await pageB.screenshot('status-syncing');
    await expect(readFile(path.join(b.folder, 'photo.bin'))).rejects.toMatchObject({
      code: 'ENOENT',
    });

    // Its content is right again on the hub: the next sync writes it, and only then "Synced".
    for (const chunk of added) await overwriteChunk(chunk.hash, new Uint8Array(chunk.data));
    await pageB.syncNow();
    expect(await pageB.waitForHeadline('Synced')).toBe('All files are up to date.');
    expect(await readFile(path.join(b.folder, 'photo.bin'))).toEqual(photo);
    await expectSameFolders();
  });
});
