/**
 * One small space that shows every screen in a state worth looking at (issue 16 points 8 and 9):
 * a real hub and two real devices, "laptop" (whose window is looked at) and "desktop"; a few
 * files, one with two versions (the history panel), one in conflict (edited on both devices
 * while both were paused), and a symbolic link, which can't sync. The same files and names every
 * run, so the accessibility checks and the screenshots see the same screens.
 */
import { mkdir, symlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { createFreshDatabase, type FreshDatabase } from '../../test/support/freshDatabase.js';
import { makeTempDir, type TempDir } from '../../test/support/tempDir.js';
import { AppPage } from './appPage.js';
import { launchChromium } from './chromium.js';
import {
  inviteCode,
  serveDevice,
  startHub,
  type HubProcess,
  type ServedDevice,
} from './servedDevice.js';

/** The file both devices edit while apart. */
export const CONFLICT_FILE = 'notes/plan.md';
/** The file with two versions. */
export const HISTORY_FILE = 'docs/readme.md';
/** A symbolic link: listed on the Can't sync screen. */
export const UNSYNCABLE_FILE = 'link-to-budget';

/** 30 lines, each different in each version: its comparison with the current one scrolls. */
function linesOf(version: string): string {
  const lines = Array.from({ length: 30 }, (_, i) => `Line ${i + 1} of the ${version} version`);
  return `${lines.join('\n')}\n`;
}

/**
 * A plan of 30 steps, each different on each device: its comparison is longer than the room it
 * is given, so the region that scrolls it is there to check (it must be reachable by keyboard).
 */
function planAsSeenOn(device: string): string {
  const steps = Array.from({ length: 30 }, (_, i) => `Step ${i + 1}: as the ${device} sees it`);
  return `${steps.join('\n')}\n`;
}

/** Written while the laptop is paused (`pauseWithAChangeWaiting`): waits to upload. */
export const WAITING_FILE = 'waiting.txt';

export interface SampleSpace {
  readonly browser: Browser;
  /** The laptop's window. */
  readonly app: AppPage;
  readonly laptop: ServedDevice;
  readonly desktop: ServedDevice;
  close(): Promise<void>;
}

export async function openSampleSpace(): Promise<SampleSpace> {
  const parts: {
    db?: FreshDatabase;
    tmp?: TempDir;
    hub?: HubProcess;
    devices: ServedDevice[];
    browser?: Browser;
  } = { devices: [] };
  const close = async () => {
    await parts.browser?.close();
    await Promise.all(parts.devices.map((d) => d.stop()));
    await parts.hub?.stop();
    await parts.db?.drop();
    await parts.tmp?.cleanup();
  };
  try {
    parts.db = await createFreshDatabase('e2e_sample_space');
    parts.tmp = await makeTempDir('ng-e2e-sample-');
    const hub = (parts.hub = await startHub(parts.tmp.path, parts.db.url));
    const root = parts.tmp.path;
    const serve = async (name: string) =>
      serveDevice({ name, root, spaceId: 'sample', joinCode: await inviteCode(hub, 'sample') });
    const laptop = await serve('laptop');
    parts.devices.push(laptop);
    const desktop = await serve('desktop');
    parts.devices.push(desktop);
    const browser = (parts.browser = await launchChromium());
    const app = await AppPage.open(browser, laptop.url, 'laptop');
    const other = await AppPage.open(browser, desktop.url, 'desktop');

    await mkdir(path.join(laptop.folder, 'docs'), { recursive: true });
    await mkdir(path.join(laptop.folder, 'notes'), { recursive: true });
    await writeFile(path.join(laptop.folder, HISTORY_FILE), linesOf('first'));
    await writeFile(path.join(laptop.folder, 'budget.csv'), 'item,cost\npaper,3\n');
    await writeFile(path.join(laptop.folder, 'empty.txt'), '');
    await writeFile(path.join(laptop.folder, CONFLICT_FILE), 'first plan\n');
    // Four files in two folders: docs/readme.md, budget.csv, empty.txt, notes/plan.md.
    await other.waitForIdle('state.files >= 4');
    await writeFile(path.join(laptop.folder, HISTORY_FILE), linesOf('second'));
    await other.waitForIdle('state.files >= 4');

    // Apart (both paused), both edit the plan; together again, the edits conflict.
    for (const page of [app, other]) {
      await page.togglePause();
      await page.waitForState('state.paused === true');
    }
    await writeFile(path.join(laptop.folder, CONFLICT_FILE), planAsSeenOn('laptop'));
    await writeFile(path.join(desktop.folder, CONFLICT_FILE), planAsSeenOn('desktop'));
    // The newer edit wins the folder; written a second apart they would race. The desktop's is
    // a minute newer, every run.
    const now = Date.now() / 1000;
    await utimes(path.join(laptop.folder, CONFLICT_FILE), now - 120, now - 120);
    await utimes(path.join(desktop.folder, CONFLICT_FILE), now - 60, now - 60);
    await app.waitForState('state.pending.upload > 0');
    await other.waitForState('state.pending.upload > 0');
    for (const page of [app, other]) {
      await page.togglePause();
      await page.waitForState('state.paused === false');
    }
    await symlink('budget.csv', path.join(laptop.folder, UNSYNCABLE_FILE));
    await app.waitForIdle('state.conflicts === 1 && state.unsyncable === 1');
    await other.waitForIdle('state.conflicts === 1');
    await other.close();
    return { browser, app, laptop, desktop, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/**
 * Pauses the laptop and writes a file there, which then waits to upload: the header says paused
 * and the file's row "Waiting to upload". Changes the space for good, so it comes last.
 */
export async function pauseWithAChangeWaiting(space: SampleSpace): Promise<void> {
  await space.app.togglePause();
  await space.app.waitForState('state.paused === true');
  await writeFile(path.join(space.laptop.folder, WAITING_FILE), 'not sent yet\n');
  await space.app.waitForState('state.pending.upload > 0');
}
