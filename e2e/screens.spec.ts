/**
 * Issue 4 point 6: every screen has a screenshot test, saved under e2e/artifacts/screenshots,
 * in light and dark. One local-only device (no hub) with a few files, one of them with two
 * versions for the history panel. Each screenshot is checked for what it must show, and the
 * two colour schemes must really differ.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '../test/support/tempDir.js';
import { AppPage, type Screen } from './support/appPage.js';
import { launchChromium } from './support/chromium.js';
import { serveDevice, type ServedDevice } from './support/servedDevice.js';

let tmp: TempDir;
let browser: Browser;
let device: ServedDevice;
let app: AppPage;

beforeAll(async () => {
  tmp = await makeTempDir('ng-e2e-screens-');
  const folder = path.join(tmp.path, 'studio', 'folder');
  await mkdir(path.join(folder, 'docs'), { recursive: true });
  await writeFile(path.join(folder, 'docs', 'readme.md'), '# Project\n\nFirst words.\n');
  await writeFile(path.join(folder, 'budget.csv'), 'item,cost\npaper,3\n');
  await writeFile(path.join(folder, 'empty.txt'), '');
  device = await serveDevice({ name: 'studio', root: tmp.path, spaceId: 'screens' });
  browser = await launchChromium();
  app = await AppPage.open(browser, device.url, 'studio');
});

afterAll(async () => {
  await browser?.close();
  await device?.stop();
  await tmp?.cleanup();
});

const SCREENS: readonly { screen: Screen; shows: RegExp }[] = [
  { screen: 'Files', shows: /budget\.csv/ },
  { screen: 'Conflicts', shows: /no conflicts/i },
  { screen: 'Activity', shows: /sync status/i },
  { screen: 'Devices', shows: /studio/ },
  { screen: 'Settings', shows: /files not to sync/i },
];

describe('screens', () => {
  for (const { screen, shows } of SCREENS) {
    it(`${screen}: shows what it must, screenshot in light and dark`, async () => {
      await app.goTo(screen);
      // Loaded, not a spinner: the text appears once the screen's data arrived.
      await app.main.getByText(shows).first().waitFor();
      const background = () =>
        app.page.evaluate<string>('getComputedStyle(document.body).backgroundColor');
      await app.page.emulateMedia({ colorScheme: 'light' });
      const light = { png: await app.page.screenshot(), background: await background() };
      await app.screenshot(`${screen.toLowerCase()}-light`);
      await app.page.emulateMedia({ colorScheme: 'dark' });
      const dark = { png: await app.page.screenshot(), background: await background() };
      await app.screenshot(`${screen.toLowerCase()}-dark`);
      await app.page.emulateMedia({ colorScheme: 'light' });
      // A real picture, and the system's colour scheme is followed.
      expect(light.png.length).toBeGreaterThan(5_000);
      expect(dark.background).not.toBe(light.background);
    });
  }

  it('Files at 800×600: the list keeps its width and history floats over it, screenshot', async () => {
    await app.page.setViewportSize({ width: 800, height: 600 });
    try {
      await app.goTo('Files');
      await app.showTopFolder();
      await app.browseFolder('docs');
      await app.fileRow('docs/readme.md').click();
      await app.page.getByTestId('history-panel').waitFor();
      const list = await app.page.getByTestId('file-list').boundingBox();
      const panel = await app.page.getByTestId('history-panel').boundingBox();
      if (!list || !panel) throw new Error('the list or the history panel is not laid out');
      // Before, the panel took its 22rem beside the list, which was left 236 px wide.
      expect(list.width).toBeGreaterThan(500);
      expect(panel.x).toBeLessThan(list.x + list.width);
      // The header keeps its one row (it took three at 800 px).
      const header = await app.page.locator('header.status-header').boundingBox();
      expect(header?.height).toBeLessThanOrEqual(80);
      await app.screenshot('files-800-history');
    } finally {
      await app.page.setViewportSize({ width: 1280, height: 800 });
    }
  });

  it('only the content scrolls: a tall screen at 800×600 keeps the header and the navigation', async () => {
    await app.page.setViewportSize({ width: 800, height: 600 });
    try {
      await app.goTo('Settings');
      await app.main
        .getByText(/files not to sync/i)
        .first()
        .waitFor();
      // In the page: the renderer's `main`, which must be what scrolls (strings: no DOM types here).
      const inMain = (expression: string) =>
        app.page.evaluate<number>(
          `(() => { const el = document.querySelector('main#main'); return ${expression}; })()`,
        );
      // Settings is taller than the window: it must scroll, and inside `main` only.
      expect(await inMain('el.scrollHeight')).toBeGreaterThan(await inMain('el.clientHeight'));
      await inMain('(el.scrollTo({ top: el.scrollHeight }), 0)');
      await app.main
        .getByText(/files not to sync/i)
        .first()
        .scrollIntoViewIfNeeded();
      expect(await inMain('el.scrollTop')).toBeGreaterThan(0);
      expect(
        await app.page.evaluate<number>(
          'document.scrollingElement ? document.scrollingElement.scrollTop : 0',
        ),
      ).toBe(0);
      const header = await app.page.locator('header.status-header').boundingBox();
      const nav = await app.page.getByRole('navigation').boundingBox();
      expect(header?.y).toBe(0);
      expect(nav?.y).toBeGreaterThanOrEqual(header?.height ?? 0);
      expect(nav?.y).toBeLessThan(100);
    } finally {
      await app.page.setViewportSize({ width: 1280, height: 800 });
    }
  });

  it('History: a file’s versions with restore, screenshot', async () => {
    // Without a hub an old version can be restored only while a copy of its bytes is on this
    // device: a copy of the first words stays in the folder.
    await writeFile(
      path.join(device.folder, 'docs', 'readme copy.md'),
      '# Project\n\nFirst words.\n',
    );
    await writeFile(path.join(device.folder, 'docs', 'readme.md'), '# Project\n\nSecond words.\n');
    await app.waitForState('!state.progress.scan');
    await app.goTo('Files');
    await app.showTopFolder();
    await app.browseFolder('docs');
    await app.fileRow('docs/readme.md').click();
    const history = app.page.getByTestId('history-panel');
    await history.getByTestId('history-entry').nth(1).waitFor();
    expect(await history.getByTestId('history-entry').count()).toBeGreaterThanOrEqual(2);
    await expect(
      history.getByRole('button', { name: /restore/i }).count(),
    ).resolves.toBeGreaterThan(0);
    await app.screenshot('history-light');
  });
});
