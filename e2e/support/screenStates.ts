/**
 * Every screen and opened panel of the sample space (sampleSpace.ts), each shown from a fresh
 * load of the page, so one state's selection or scroll never leaks into the next: what the
 * accessibility checks and the visual baselines both look at (issue 16 points 8 and 9).
 */
import type { AppPage } from './appPage.js';
import { CONFLICT_FILE, HISTORY_FILE, UNSYNCABLE_FILE, WAITING_FILE } from './sampleSpace.js';

export type Theme = 'light' | 'dark';

export interface Viewport {
  readonly width: number;
  readonly height: number;
}

export const WIDE: Viewport = { width: 1280, height: 800 };
export const NARROW: Viewport = { width: 800, height: 600 };
export const THEMES: readonly Theme[] = ['light', 'dark'];

export interface ScreenState {
  /** A file name's part: `files-history`. */
  readonly name: string;
  /** From the app just loaded on its first screen to this state, drawn with its data. */
  open(app: AppPage): Promise<void>;
}

const showFiles = async (app: AppPage) => {
  await app.goTo('Files');
  await app.showTopFolder();
  await app.fileRow('budget.csv').waitFor();
};

export const SCREEN_STATES: readonly ScreenState[] = [
  { name: 'files', open: showFiles },
  {
    name: 'files-history',
    open: async (app) => {
      await showFiles(app);
      // The keyboard's way in (select, Enter): a selected row's actions may move the rows
      // between the two clicks of a double-click.
      await app.fileRow('docs').click();
      await app.page.keyboard.press('Enter');
      await app.page.getByRole('listbox', { name: 'Files in docs' }).waitFor();
      await app.fileRow(HISTORY_FILE).click();
      await app.page.getByTestId('history-panel').getByTestId('history-entry').nth(1).waitFor();
    },
  },
  {
    name: 'files-history-compare',
    open: async (app) => {
      await SCREEN_STATES.find((s) => s.name === 'files-history')!.open(app);
      const earlier = app.page.getByTestId('history-entry').nth(1);
      // The version's summary opens its comparison (aria-expanded).
      await earlier.getByRole('button', { expanded: false }).click();
      await earlier.getByTestId('version-diff').waitFor();
    },
  },
  {
    name: 'files-restore-deleted',
    open: async (app) => {
      await showFiles(app);
      await app.main.getByRole('button', { name: 'Restore deleted files…' }).click();
      await app.page.getByTestId('restore-deleted-dialog').waitFor();
    },
  },
  {
    name: 'conflicts',
    open: async (app) => {
      await app.goTo('Conflicts');
      await app.conflictCard(CONFLICT_FILE).waitFor();
    },
  },
  {
    name: 'activity',
    open: async (app) => {
      await app.goTo('Activity');
      await app.main
        .getByText(/sync status/i)
        .first()
        .waitFor();
      // Read apart from the rest: the trash at a glance.
      await app.main.getByTestId('trash-summary').waitFor();
    },
  },
  {
    name: 'devices',
    open: async (app) => {
      await app.goTo('Devices');
      await app.main.getByText('desktop').first().waitFor();
    },
  },
  {
    name: 'settings',
    open: async (app) => {
      await app.goTo('Settings');
      await app.main
        .getByText(/files not to sync/i)
        .first()
        .waitFor();
    },
  },
  {
    name: 'unsyncable',
    open: async (app) => {
      await app.goTo('Unsyncable');
      await app.main.getByText(UNSYNCABLE_FILE).first().waitFor();
    },
  },
];

/** Files while paused with a file waiting to upload (after `pauseWithAChangeWaiting`). */
export const WAITING_STATE: ScreenState = {
  name: 'files-waiting',
  open: async (app) => {
    await showFiles(app);
    await app.fileRow(WAITING_FILE).waitFor();
  },
};

/**
 * Loads the page again in `theme` at `viewport` and opens `state`; then the pointer leaves the
 * page (no hover) and the fonts have loaded.
 */
export async function showState(
  app: AppPage,
  state: ScreenState,
  theme: Theme,
  viewport: Viewport,
): Promise<void> {
  const { page } = app;
  await page.setViewportSize(viewport);
  await page.emulateMedia({ colorScheme: theme, reducedMotion: 'reduce' });
  await page.reload();
  await page.getByTestId('nav-files').waitFor();
  try {
    await state.open(app);
  } catch (e) {
    // What the page showed instead, to look at beside the error.
    await app.screenshot(`failed-${state.name}-${theme}-${viewport.width}x${viewport.height}`);
    throw e;
  }
  await page.mouse.move(0, 0);
  await page.evaluate('document.fonts.ready.then(() => true)');
}
