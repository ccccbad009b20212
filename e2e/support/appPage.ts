/**
 * The page object: what a person does in NetGuardian's window, in their words, over the
 * selectors the renderer promises (data-testid, roles). Waits are on what the app emits
 * (`netguardian:state` events, rows appearing), never on timers.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import type { AppState } from '../../src-shared/ipc/contract.js';

export const ARTIFACTS = path.resolve(import.meta.dirname, '..', 'artifacts');

export type Screen = 'Files' | 'Conflicts' | 'Activity' | 'Devices' | 'Settings' | 'Unsyncable';

const WAIT_MS = 60_000;

/** Installed before the app's scripts: keeps the latest pushed state for `waitForState`. */
const STATE_RECORDER = `window.addEventListener('netguardian:state', (e) => {
  window.__ngState = e.detail;
  for (const waiter of window.__ngWaiters || []) waiter(e.detail);
});`;

export class AppPage {
  private constructor(
    readonly page: Page,
    readonly name: string,
  ) {}

  static async open(browser: Browser, url: string, name: string): Promise<AppPage> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.addInitScript(STATE_RECORDER);
    await page.goto(url);
    const app = new AppPage(page, name);
    await app.waitForState('state.phase !== "starting"');
    return app;
  }

  /**
   * Resolves with the first pushed state for which `predicate` (a JS expression over `state`)
   * holds, the current one included. A string, so no bundler helper leaks into the page.
   */
  async waitForState(predicate: string, timeout = WAIT_MS): Promise<AppState> {
    const script = `new Promise((resolve) => {
      const test = (state) => { try { return Boolean(${predicate}); } catch { return false; } };
      if (window.__ngState && test(window.__ngState)) return resolve(window.__ngState);
      const waiters = (window.__ngWaiters = window.__ngWaiters || []);
      const waiter = (state) => {
        if (!test(state)) return;
        waiters.splice(waiters.indexOf(waiter), 1);
        resolve(state);
      };
      waiters.push(waiter);
    })`;
    const timer = new Promise<never>((_, reject) =>
      setTimeout(
        () => reject(new Error(`${this.name}: no state with ${predicate} in ${timeout} ms`)),
        timeout,
      ).unref(),
    );
    return (await Promise.race([this.page.evaluate(script), timer])) as AppState;
  }

  /** Both directions settled: nothing to push, nothing being fetched, no scan running. */
  waitForIdle(extra = 'true'): Promise<AppState> {
    return this.waitForState(
      `state.hub && state.hub.connected && state.pending.upload === 0 && state.pending.download === 0 && !state.progress.scan && (${extra})`,
    );
  }

  async goTo(screen: Screen): Promise<void> {
    const link = this.page.getByTestId(`nav-${screen.toLowerCase()}`);
    await link.click();
    await this.page
      .locator(`[data-testid="nav-${screen.toLowerCase()}"][aria-current="page"]`)
      .waitFor({ timeout: WAIT_MS });
  }

  /** The current screen's content. */
  get main(): Locator {
    return this.page.locator('main#main');
  }

  /**
   * Resolves once the status header's headline (the core's words, as the tray and
   * `netguardian status` say them) reads exactly `text`; returns the sentence under it.
   */
  async waitForHeadline(text: string): Promise<string> {
    const phase = this.page.getByTestId('phase');
    await phase
      .locator('.phase-title')
      .getByText(text, { exact: true })
      .waitFor({ timeout: WAIT_MS });
    return (await phase.locator('.phase-detail').textContent()) ?? '';
  }

  /** Sync now in the status header. */
  async syncNow(): Promise<void> {
    await this.page.getByRole('button', { name: /^sync now$/i }).click();
  }

  /** Pause sync / Resume sync in the status header. */
  async togglePause(): Promise<void> {
    await this.page.getByRole('button', { name: /^(pause|resume) sync$/i }).click();
  }

  fileRow(relPath: string): Locator {
    return this.page.locator(`[data-testid="file-row"][data-path="${relPath}"]`);
  }

  /** Shows the top of the synced folder in the Files screen (its path's first part). */
  async showTopFolder(): Promise<void> {
    const top = this.page.getByTestId('folder-path').getByRole('button', { name: 'All files' });
    if ((await top.count()) > 0) await top.click();
    await this.page.getByRole('listbox', { name: 'Files in the synced folder' }).waitFor();
  }

  /** Opens a folder of the Files screen (a double-click on its row), and waits for its list. */
  async browseFolder(relPath: string): Promise<void> {
    await this.fileRow(relPath).dblclick();
    await this.page.getByRole('listbox', { name: `Files in ${relPath}` }).waitFor();
  }

  conflictCard(relPath: string): Locator {
    return this.page.locator(`[data-testid="conflict-card"][data-path="${relPath}"]`);
  }

  async search(text: string): Promise<void> {
    await this.main.getByRole('searchbox').fill(text);
  }

  /**
   * Drops files on the window as a person would from a file manager: a DataTransfer with real
   * File objects, dispatched as dragenter, dragover and drop on the drop zone.
   */
  async dropFiles(files: readonly { name: string; text: string }[]): Promise<void> {
    const transfer = await this.page.evaluateHandle(`(() => {
      const dt = new DataTransfer();
      for (const f of ${JSON.stringify(files)}) dt.items.add(new File([f.text], f.name, { type: 'text/plain' }));
      return dt;
    })()`);
    const zone = this.page.getByTestId('drop-zone');
    for (const type of ['dragenter', 'dragover', 'drop'])
      await zone.dispatchEvent(type, { dataTransfer: transfer });
  }

  async keepInConflict(relPath: string, keep: 'mine' | 'theirs' | 'both'): Promise<void> {
    await this.conflictCard(relPath).getByTestId(`keep-${keep}`).click();
  }

  /** Saves a screenshot under e2e/artifacts/screenshots and returns its path. */
  async screenshot(name: string): Promise<string> {
    const dir = path.join(ARTIFACTS, 'screenshots');
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, `${name}.png`);
    await this.page.screenshot({ path: file, fullPage: false });
    return file;
  }

  async close(): Promise<void> {
    await this.page.close();
  }
}
