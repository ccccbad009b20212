/**
 * Issue 16 point 4, in Chromium against `netguardian serve`: a file added through the app is one
 * activity row in words ("Added notes.txt (18 bytes)": one verb, the size as it is), the row is
 * a link that opens the Files screen with that file selected, and the activity is still there
 * after the device's process is stopped and started again on the same data dir.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '../test/support/tempDir.js';
import { AppPage } from './support/appPage.js';
import { launchChromium } from './support/chromium.js';
import { serveDevice, startServe, type ServeProcess } from './support/servedDevice.js';

const WAIT_MS = 30_000;
/** Eighteen bytes exactly: shown as "18 bytes", never rounded up to "1 KB". */
const NOTES = 'eighteen bytes ok\n';

let tmp: TempDir;
let browser: Browser;
let dataDir: string;
let served: ServeProcess | undefined;

beforeAll(async () => {
  tmp = await makeTempDir('ng-e2e-activity-');
  const device = await serveDevice({ name: 'studio', root: tmp.path, spaceId: 'activity' });
  dataDir = device.dataDir;
  served = device;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await served?.stop();
  await tmp?.cleanup();
});

const ADDED = `Added notes.txt (${NOTES.length} bytes)`;

describe('activity in words, linked, across a restart', () => {
  it('links an added file to the Files screen with the file selected', async () => {
    expect(NOTES.length).toBe(18);
    const app = await AppPage.open(browser, (served as ServeProcess).url, 'studio');
    try {
      await app.dropFiles([{ name: 'notes.txt', text: NOTES }]);
      await app.goTo('Activity');
      const row = app.main.getByRole('link', { name: ADDED });
      await row.waitFor({ timeout: WAIT_MS });
      await row.click();
      await app.page
        .locator('[data-testid="nav-files"][aria-current="page"]')
        .waitFor({ timeout: WAIT_MS });
      await app.page
        .locator('[data-testid="file-row"][data-path="notes.txt"][aria-selected="true"]')
        .waitFor({ timeout: WAIT_MS });
    } finally {
      await app.close();
    }
  });

  it('still lists it after the device is stopped and started again', async () => {
    await served?.stop();
    served = await startServe(dataDir);
    const app = await AppPage.open(browser, served.url, 'studio');
    try {
      await app.goTo('Activity');
      await app.main.getByRole('link', { name: ADDED }).waitFor({ timeout: WAIT_MS });
    } finally {
      await app.close();
    }
  });
});
