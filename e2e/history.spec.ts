/**
 * Issue 16 point 7, history that explains, in Chromium against a real device (local only): each
 * version says what it was, on which device and when; a selected version shows its line diff
 * against the current one; a restore is said once the history shows it; "Restore deleted files…"
 * on the Files screen answers in words.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '../test/support/tempDir.js';
import { AppPage } from './support/appPage.js';
import { launchChromium } from './support/chromium.js';
import { serveDevice, type ServedDevice } from './support/servedDevice.js';

let tmp: TempDir;
let browser: Browser;
let device: ServedDevice;
let app: AppPage;

beforeAll(async () => {
  tmp = await makeTempDir('ng-e2e-history-');
  const folder = path.join(tmp.path, 'desk', 'folder');
  await mkdir(folder, { recursive: true });
  await writeFile(path.join(folder, 'plan.txt'), 'Monday\nbuy paper\nTuesday\n');
  // Local only, an old version can be shown and restored while a copy of it is in the folder.
  await writeFile(path.join(folder, 'plan (copy).txt'), 'Monday\nbuy paper\nTuesday\n');
  device = await serveDevice({ name: 'desk', root: tmp.path, spaceId: 'history' });
  browser = await launchChromium();
  app = await AppPage.open(browser, device.url, 'desk');
});

afterAll(async () => {
  await browser?.close();
  await device?.stop();
  await tmp?.cleanup();
});

describe('History that explains', () => {
  it('says what each version was, shows its diff, and says "restored" once it is', async () => {
    const file = path.join(device.folder, 'plan.txt');
    await writeFile(file, 'Monday\nbuy ink\nTuesday\n');
    await app.waitForState('!state.progress.scan');
    await app.goTo('Files');
    await app.showTopFolder();
    await app.fileRow('plan.txt').click();
    const history = app.page.getByTestId('history-panel');
    const rows = history.getByTestId('history-entry');
    await rows.nth(1).waitFor();
    expect(await rows.locator('.version-kind').allTextContents()).toEqual(['Edited', 'Added']);
    expect(await rows.first().locator('.history-device').textContent()).toBe('desk (this device)');

    // The first version against the current one: the line that changed, each side marked.
    await rows.nth(1).locator('button.version-summary').click();
    const diff = rows.nth(1).getByTestId('version-diff');
    await diff.waitFor();
    expect(await diff.locator('.diff-line.diff-a').allTextContents()).toEqual(['−buy paper']);
    expect(await diff.locator('.diff-line.diff-b').allTextContents()).toEqual(['+buy ink']);

    await rows
      .nth(1)
      .getByRole('button', { name: /^Restore the version from desk/ })
      .click();
    await history.getByRole('button', { name: 'Yes, restore it' }).click();
    const said = history.getByRole('status').filter({ hasText: 'Version restored' });
    await said.waitFor();
    // By then the history shows it: a third version, current, restored from the first.
    expect(await rows.count()).toBe(3);
    expect(await rows.first().locator('.version-kind').textContent()).toBe('Restored from');
    expect(await rows.first().textContent()).toContain('Current');
    expect(await readFile(file, 'utf8')).toBe('Monday\nbuy paper\nTuesday\n');
    await app.screenshot('history-explains');
  });

  it('"Restore deleted files…" on the Files screen answers in words', async () => {
    await app.goTo('Files');
    await app.page.getByRole('button', { name: 'Restore deleted files…' }).click();
    const dialog = app.page.getByRole('dialog', { name: 'Restore deleted files' });
    await dialog
      .getByRole('combobox', { name: 'Deleted since' })
      .selectOption({ label: '7 days ago' });
    await dialog.getByRole('button', { name: /^Restore files deleted since / }).click();
    // Nothing was deleted on this device: it says so.
    await dialog
      .getByRole('status')
      .filter({ hasText: 'Nothing was deleted in that time.' })
      .waitFor();
    await app.page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });
});
