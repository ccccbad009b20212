/**
 * Issue 16 point 8: axe-core finds no serious or critical violation on any screen or opened
 * panel, in light and dark, at 1280×800 and 800×600; focus follows what the user opened (the
 * new screen's heading, the panel) and Escape closes a panel, giving focus back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeViolations, seriousViolations, writeAxeReport } from './support/axe.js';
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

let space: SampleSpace;

beforeAll(async () => {
  space = await openSampleSpace();
});

afterAll(async () => {
  await space?.close();
});

/** Opens `state` and expects axe-core to find nothing serious or critical there. */
async function expectAccessible(state: ScreenState, theme: Theme, viewport: Viewport) {
  await showState(space.app, state, theme, viewport);
  const violations = await seriousViolations(space.app.page);
  // The whole list, uncut, beside the screenshots.
  if (violations.length > 0)
    await writeAxeReport(`${state.name}-${theme}-${viewport.width}x${viewport.height}`, violations);
  expect(violations, describeViolations(violations)).toEqual([]);
}

describe('axe-core: no serious or critical violations', () => {
  for (const viewport of [WIDE, NARROW])
    for (const theme of THEMES)
      for (const state of SCREEN_STATES)
        it(`${state.name}, ${theme}, ${viewport.width}×${viewport.height}`, () =>
          expectAccessible(state, theme, viewport));
});

interface Focused {
  readonly tag: string;
  readonly id: string;
  readonly text: string;
  readonly inPanel: boolean;
  readonly testId: string | null;
}

/** The focused element: its tag, id, text, test id, and whether it is in the history panel. */
const focused = (space: SampleSpace) =>
  space.app.page.evaluate<Focused | null>(`(() => {
    const el = document.activeElement;
    return el ? { tag: el.tagName.toLowerCase(), id: el.id, text: el.textContent.trim(),
      inPanel: Boolean(el.closest('[data-testid="history-panel"]')),
      testId: el.getAttribute('data-testid') } : null;
  })()`);

describe('focus', () => {
  it('moves to the new screen’s heading when the screen changes', async () => {
    await showState(space.app, SCREEN_STATES[0]!, 'light', WIDE);
    for (const [screen, heading] of [
      ['Conflicts', 'Conflicts'],
      ['Devices', 'Devices'],
      ['Unsyncable', "Can't sync"],
      ['Files', 'Files'],
    ] as const) {
      await space.app.goTo(screen);
      await expect.poll(() => focused(space)).toMatchObject({ tag: 'h1', text: heading });
    }
  });

  it('moves into the history panel when it opens, and back to the list when Escape closes it', async () => {
    const { app } = space;
    await showState(
      app,
      SCREEN_STATES.find((s) => s.name === 'files-history')!,
      'light',
      WIDE,
    );
    await expect.poll(() => focused(space)).toMatchObject({ inPanel: true });

    await app.page.keyboard.press('Escape');
    await app.page.getByTestId('history-panel').waitFor({ state: 'detached' });
    await expect.poll(() => focused(space)).toMatchObject({ testId: 'file-list' });

    // The keyboard's way: Enter on the file in the list opens it; Escape closes it again.
    await app.page.keyboard.press('Enter');
    await app.page.getByTestId('history-panel').waitFor();
    await expect.poll(() => focused(space)).toMatchObject({ inPanel: true });
    await app.page.keyboard.press('Escape');
    await app.page.getByTestId('history-panel').waitFor({ state: 'detached' });
    await expect.poll(() => focused(space)).toMatchObject({ testId: 'file-list' });
  });
});

describe('axe-core, paused with a file waiting to upload (last: it changes the space)', () => {
  beforeAll(async () => {
    await pauseWithAChangeWaiting(space);
  });
  for (const viewport of [WIDE, NARROW])
    for (const theme of THEMES)
      it(`${WAITING_STATE.name}, ${theme}, ${viewport.width}×${viewport.height}`, () =>
        expectAccessible(WAITING_STATE, theme, viewport));
});
