/**
 * Issue 16 point 6, in Chromium against a real `netguardian serve`: the settings a person changes
 * are saved by each card's own button and said "Saved."; the device is renamed and the state says
 * the new name at once; the sync interval is typed in seconds and is still there after a reload;
 * the folder is moved to a new place on the same disk, and a file written there afterwards is
 * listed. One local-only device.
 */
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
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
  tmp = await makeTempDir('ng-e2e-settings-');
  const folder = path.join(tmp.path, 'desk', 'folder');
  await mkdir(folder, { recursive: true });
  await writeFile(path.join(folder, 'notes.txt'), 'moved along\n');
  device = await serveDevice({ name: 'desk', root: tmp.path, spaceId: 'settings' });
  browser = await launchChromium();
  app = await AppPage.open(browser, device.url, 'desk');
});

afterAll(async () => {
  await browser?.close();
  await device?.stop();
  await tmp?.cleanup();
});

describe('settings', () => {
  it('renames the device: saved by its button, the state says the new name at once', async () => {
    await app.goTo('Settings');
    const name = app.main.getByRole('textbox', { name: 'Device name' });
    await name.fill('Ada’s desk');
    await app.main.getByRole('button', { name: 'Save name' }).click();
    await app.main.getByText('Saved.').waitFor();
    await app.waitForState('state.deviceName === "Ada’s desk"');
    expect(await app.main.getByRole('button', { name: 'Save name' }).isDisabled()).toBe(true);
  });

  it('takes the interval in seconds, and it is still there after a reload', async () => {
    await app.main.getByRole('spinbutton', { name: 'Sync interval' }).fill('45');
    await app.main.getByRole('combobox', { name: 'Unit' }).selectOption('seconds');
    await app.main.getByRole('button', { name: 'Save sync settings' }).click();
    await app.main.getByText('Saved.').first().waitFor();

    await app.page.reload();
    await app.goTo('Settings');
    const amount = app.main.getByRole('spinbutton', { name: 'Sync interval' });
    await amount.waitFor();
    expect(await amount.inputValue()).toBe('45');
    expect(await app.main.getByRole('combobox', { name: 'Unit' }).inputValue()).toBe('seconds');
    expect(await app.main.getByRole('textbox', { name: 'Device name' }).inputValue()).toBe(
      'Ada’s desk',
    );
  });

  it('moves the folder, and a file written at the new place is listed', async () => {
    const target = path.join(tmp.path, 'desk', 'Synced elsewhere');
    await app.main.getByRole('textbox', { name: 'Move the folder to' }).fill(target);
    await app.main.getByRole('button', { name: 'Move folder' }).click();
    await app.main.getByText(`Moved: the folder is now at ${target}.`).waitFor();
    expect(await app.page.getByTestId('settings-folder').textContent()).toBe(target);
    expect(await readFile(path.join(target, 'notes.txt'), 'utf8')).toBe('moved along\n');
    await expect(stat(device.folder)).rejects.toMatchObject({ code: 'ENOENT' });

    await writeFile(path.join(target, 'after.txt'), 'written at the new place\n');
    await app.goTo('Files');
    await app.showTopFolder();
    await app.fileRow('after.txt').waitFor();
    await app.fileRow('notes.txt').waitFor();
  });
});
