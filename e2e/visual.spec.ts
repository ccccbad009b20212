/**
 * Issue 16 point 9: every screen and opened panel of the sample space, in light and dark, is
 * compared with its reviewed baseline in e2e/baselines (visualBaseline.ts); an unintended change
 * fails. UPDATE_BASELINES=1 takes new baselines instead (README, "Testing").
 *
 * Deterministic pictures: a fixed viewport, the same files and names every run, animations and
 * the caret off, the pointer off the page; what changes between runs whatever the UI does (times
 * such as "2 minutes ago", the hub's port, temporary folders' paths) is masked out.
 */
import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppPage } from './support/appPage.js';
import {
  openSampleSpace,
  pauseWithAChangeWaiting,
  type SampleSpace,
} from './support/sampleSpace.js';
import {
  NARROW,
  SCREEN_STATES,
  showState,
  THEMES,
  WAITING_STATE,
  WIDE,
  type ScreenState,
  type Theme,
  type Viewport,
} from './support/screenStates.js';
import { checkBaseline, checkBrowser } from './support/visualBaseline.js';

let space: SampleSpace;
/** A sentence when the baselines were taken with another Chromium, else ''. */
let otherBrowser = '';

beforeAll(async () => {
  space = await openSampleSpace();
  // Times read from the moment the space was ready, however long the tests take: "just now"
  // keeps its width (the words are masked, the room they take is not). Timers still run.
  await space.app.page.clock.setFixedTime(Date.now());
  otherBrowser = await checkBrowser(`Chromium ${space.browser.version()}`);
});

afterAll(async () => {
  await space?.close();
});

/**
 * What differs from run to run whatever the UI does: times ("just now", "2 minutes ago", dates),
 * the hub's port, device ids, the temporary folder's path, conflict copies' names (which carry a
 * device id and the time of the conflict), and the recent activity list (its order is the order
 * the core saw things happen, which races). What a selector finds is made invisible, so a panel
 * over it still covers it; what only its text gives away is painted over.
 */
const VOLATILE_SELECTOR =
  "time, [data-testid='file-row'] .col-modified, [data-testid='activity-list']";

/**
 * Hides what VOLATILE_SELECTOR finds, through the CSSOM: the page's CSP refuses a style sheet
 * injected by the test (Playwright's screenshot `style`), not a style set from script.
 */
const hideVolatile = ({ page }: AppPage) =>
  page.evaluate(`for (const el of document.querySelectorAll(${JSON.stringify(VOLATILE_SELECTOR)}))
    el.style.setProperty('visibility', 'hidden', 'important')`);

const volatileText = ({ page }: AppPage): Locator[] =>
  [
    page.getByPlaceholder(/ng-e2e-sample-/),
    // Anywhere in a line ("(just now) · 891 bytes"): how long the set-up took shows there.
    page.getByText(/\b(just now|yesterday|\d+ (second|minute|hour|day)s? ago)\b/),
    // Dates written out ("Dec 6, 2026, 03:35 PM", "Dec 6, 03:43 PM").
    page.getByText(/\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2},/),
    page.getByText(/127\.0\.0\.1:\d+/),
    page.getByText(/\b(laptop|desktop)-[0-9a-z]{4,}/),
    page.getByText(/ng-e2e-sample-/),
    page.getByText(/\.conflict-/),
    // Not over what is hidden already: its boxes would show how many there are.
  ].map((found) => found.filter({ visible: true }));

const CASES: readonly { state: ScreenState; viewport: Viewport }[] = [
  ...SCREEN_STATES.map((state) => ({ state, viewport: WIDE })),
  // The narrow layout's own arrangement: columns folded, history floating over the list.
  ...SCREEN_STATES.filter((s) => s.name.startsWith('files')).map((state) => ({
    state,
    viewport: NARROW,
  })),
];

/** Takes `state`'s screenshot and compares it with its baseline. */
async function expectLikeBaseline(state: ScreenState, theme: Theme, viewport: Viewport) {
  const name = `${state.name}-${theme}-${viewport.width}x${viewport.height}`;
  const { app } = space;
  await showState(app, state, theme, viewport);
  await hideVolatile(app);
  const png = await app.page.screenshot({
    animations: 'disabled',
    caret: 'hide',
    scale: 'css',
    mask: volatileText(app),
    maskColor: '#ff00ff',
  });
  const result = await checkBaseline(name, png);
  if (result.kind === 'different')
    expect.fail(otherBrowser === '' ? result.message : `${result.message} ${otherBrowser}`);
}

describe('screens match their baselines', () => {
  for (const { state, viewport } of CASES)
    for (const theme of THEMES)
      it(`${state.name}-${theme}-${viewport.width}x${viewport.height}`, () =>
        expectLikeBaseline(state, theme, viewport));
});

describe('paused with a file waiting to upload (last: it changes the space)', () => {
  beforeAll(async () => {
    await pauseWithAChangeWaiting(space);
  });
  for (const theme of THEMES)
    it(`${WAITING_STATE.name}-${theme}-${WIDE.width}x${WIDE.height}`, () =>
      expectLikeBaseline(WAITING_STATE, theme, WIDE));
});
