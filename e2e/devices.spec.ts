/**
 * Issue 16 point 3: devices that are real, in Chromium. The laptop creates a hub on its own
 * computer from Settings, adds a device from the Devices screen (the code read off the screen, as
 * a person copies it), the desktop joins with it, and the laptop's Devices screen lists both with
 * the hub's presence; removing the desktop asks first, naming it, and takes it off the list.
 */
import { chmod } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '../test/support/tempDir.js';
import { AppPage } from './support/appPage.js';
import { launchChromium } from './support/chromium.js';
import { serveDevice, type ServedDevice } from './support/servedDevice.js';

const WAIT_MS = 120_000;

let tmp: TempDir;
let browser: Browser;
let laptop: ServedDevice;
let desktop: ServedDevice | undefined;
let app: AppPage;

beforeAll(async () => {
  tmp = await makeTempDir('ng-e2e-devices-');
  // The hub's embedded PostgreSQL runs as another user when the tests run as root: it must be
  // able to pass through the temp folder to the laptop's data dir (as under /var/lib).
  if (process.getuid?.() === 0) await chmod(tmp.path, 0o711);
  laptop = await serveDevice({ name: 'laptop', root: tmp.path, spaceId: 'devices' });
  // Its data dir too, as ownHub.int.test.ts does (the hub lives in <data>/hub).
  if (process.getuid?.() === 0) await chmod(laptop.dataDir, 0o711);
  browser = await launchChromium();
  app = await AppPage.open(browser, laptop.url, 'laptop');
}, WAIT_MS);

afterAll(async () => {
  await browser?.close();
  await desktop?.stop();
  await laptop?.stop();
  await tmp?.cleanup();
});

const deviceRow = (name: string) =>
  app.main
    .getByTestId('device')
    .filter({ has: app.page.locator('.device-name', { hasText: name }) });

describe('the Devices screen', () => {
  it('without a hub, says how devices join', async () => {
    await app.goTo('Devices');
    await app.main.getByText('No hub yet.').waitFor();
    await expect(deviceRow('laptop').textContent()).resolves.toBe('laptopThis deviceNo hub');
  });

  it('on the hub’s computer: adds a device with the code shown, lists it online, removes it', async () => {
    await app.goTo('Settings');
    await app.page.getByRole('button', { name: 'Create a hub on this computer' }).click();
    const created = app.page.getByText(
      'This computer now runs a hub: invite your other devices to it.',
    );
    // A refusal is shown in the hub card's alert: fail with its words, not a timeout.
    const refused = app.main.getByRole('alert');
    await created.or(refused).first().waitFor({ timeout: WAIT_MS });
    expect(await refused.allTextContents()).toEqual([]);

    await app.goTo('Devices');
    await app.main.getByText('Only this device so far.').waitFor();
    await app.main.getByRole('button', { name: 'Add a device' }).first().click();
    const code = await app.main.getByTestId('invite-code').inputValue();
    expect(code).toMatch(/^ng1-/);
    await app.main.getByRole('img', { name: 'The invite code as a QR code' }).waitFor();
    await expect(app.main.getByTestId('invite-validity').textContent()).resolves.toMatch(
      /^Works once, for 24 hours \(until .+\)\.$/,
    );
    await app.screenshot('devices-add');
    await app.main.getByRole('button', { name: 'Done' }).click();

    desktop = await serveDevice({
      name: 'desktop',
      root: tmp.path,
      spaceId: 'devices',
      joinCode: code,
    });
    // The list is asked for again when the screen opens: open it until the desktop is online.
    await expect
      .poll(
        async () => {
          await app.goTo('Settings');
          await app.goTo('Devices');
          await deviceRow('laptop').waitFor();
          return (await app.main.getByTestId('device').allTextContents()).join(' | ');
        },
        { timeout: WAIT_MS, interval: 500 },
      )
      .toBe('laptopThis deviceOnline now | desktopOnline nowRemove…');
    await app.screenshot('devices-two-online');

    await deviceRow('desktop').getByRole('button', { name: 'Remove…' }).click();
    const confirm = app.main.getByRole('group', { name: 'Confirm removing desktop' });
    await expect(confirm.textContent()).resolves.toContain('Remove desktop?');
    await app.screenshot('devices-remove-confirm');
    await confirm.getByRole('button', { name: 'Remove desktop' }).click();
    await deviceRow('desktop').waitFor({ state: 'detached', timeout: WAIT_MS });
    await expect(app.main.getByTestId('device').allTextContents()).resolves.toEqual([
      'laptopThis deviceOnline now',
    ]);
  });
});
