// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConflictInfo } from '../../../src-shared/ipc/contract.js';
import { UNDO_MS } from '../../store/conflictsSlice.js';
import { createFakeCore } from '../../testing/fakeCore.js';
import { NOW } from '../../testing/fakeData.js';
import { renderWithStore } from '../../testing/renderWithStore.js';
import { ConflictsScreen } from './ConflictsScreen.js';

const MIN = 60_000;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

const card = (path: string): HTMLElement | null =>
  screen.queryAllByTestId('conflict-card').find((c) => c.dataset['path'] === path) ?? null;
const inCard = (path: string) => within(card(path)!);
const NOTES = 'Documents/notes.md';
const BEACH = 'Photos/2024/beach.png';

async function shown() {
  const rendered = renderWithStore(<ConflictsScreen />);
  await waitFor(() => expect(card(NOTES)).not.toBeNull());
  return rendered;
}

/**
 * The screen as shown, then with setTimeout faked too: the undo window is a timer. (Only after
 * it shows: Testing Library's waitFor needs a real setTimeout, so tests use `pass` after this.)
 */
async function shownWithClock() {
  const rendered = await shown();
  vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'] });
  vi.setSystemTime(NOW);
  return rendered;
}

/** Lets the undo window pass (and the answers it causes arrive). */
const pass = (ms: number) => act(() => vi.advanceTimersByTimeAsync(ms));

describe('Conflicts screen: versions named by device', () => {
  it('names the buttons by device, this device’s first, never "mine" or "theirs"', async () => {
    await shown();
    const buttons = inCard(NOTES)
      .getByRole('group', { name: `Settle ${NOTES}` })
      .querySelectorAll('button');
    expect(Array.from(buttons).map((b) => b.textContent)).toEqual([
      'Keep laptop’s version (this device)',
      'Keep desktop’s version',
      'Keep both',
    ]);
    // On the photo this device (laptop) wrote the version in the folder; the phone the copy.
    expect(inCard(BEACH).getByRole('button', { name: 'Keep phone’s version' })).toBeTruthy();
    expect(screen.queryByText(/keep (mine|theirs)/i)).toBeNull();
  });

  it('shows each version’s device, edit time and size, marks this device and the newer one', async () => {
    await shown();
    const [left, right] = inCard(NOTES).getAllByTestId('conflict-version');
    // This device's version on the left, though the desktop's is the one in the folder.
    expect(within(left!).getByRole('heading', { level: 3 }).textContent).toBe(
      'laptop (this device)',
    );
    expect(left!.textContent).toContain('12 minutes ago');
    expect(left!.querySelector('time')?.getAttribute('datetime')).toBe(
      new Date(NOW - 12 * MIN).toISOString(),
    );
    expect(left!.textContent).toContain('790 bytes');
    expect(left!.textContent).toContain(
      'Beside it as Documents/notes (conflict from laptop 2025-05-14).md',
    );
    expect(left!.textContent).not.toContain('newer');

    expect(within(right!).getByRole('heading', { level: 3 }).textContent).toBe('desktopnewer');
    expect(right!.textContent).toContain('10 minutes ago');
    expect(right!.textContent).toContain('In the folder now');
  });

  it('explains what a conflict is once, at the top, not on every card', async () => {
    await shown();
    expect(
      screen.getAllByText(/A conflict happens when two devices change the same file/),
    ).toHaveLength(1);
    expect(card(NOTES)!.textContent).not.toMatch(/conflict happens/);
  });

  it('shows text side by side under the devices’ names, differing lines marked ≠, no −/+', async () => {
    await shown();
    const diff = await screen.findByTestId('text-diff');
    const heads = Array.from(diff.querySelectorAll('thead th')).map((th) => th.textContent);
    expect(heads).toEqual(['laptop’s version (this device)', 'desktop’s version']);
    const rows = Array.from(diff.querySelectorAll('tbody tr')).map((tr) =>
      Array.from(tr.querySelectorAll('td')).map((td) => td.textContent),
    );
    expect(rows).toEqual([
      ['1', 'Shopping', '1', 'Shopping'],
      ['2', '- milk', '2', '- milk'],
      ['3', '≠- eggs', '3', '≠- bread'],
      ['4', '- coffee', '4', '- coffee'],
    ]);
    expect(diff.textContent).toContain('1 line differs');
    expect(diff.textContent).not.toMatch(/[−+]/);
  });

  it('previews images, and offers Open for a version it can’t show', async () => {
    const core = createFakeCore();
    renderWithStore(<ConflictsScreen />, { core, desktop: true });
    const img = await screen.findByRole('img', { name: `laptop’s version of ${BEACH}` });
    expect(img.getAttribute('src')).toMatch(/^data:image\/png;base64,iVBOR/);
    expect(inCard(BEACH).getByText('A file of 2.0 MB that can’t be shown here.')).toBeTruthy();
    expect(screen.queryByText(/open the copy to compare/i)).toBeNull();

    // The phone's version is its conflict copy, opened in its app.
    fireEvent.click(inCard(BEACH).getByRole('button', { name: 'Open phone’s version' }));
    await waitFor(() =>
      expect(core.callsOf('files:open')).toEqual([
        { path: 'Photos/2024/beach (conflict from phone 2025-05-14).png' },
      ]),
    );
  });

  it('says beside the button when a version could not be opened', async () => {
    const core = createFakeCore();
    core.failing['files:open'] = {
      code: 'NotFound',
      message: 'The conflict copy is no longer in the folder.',
    };
    renderWithStore(<ConflictsScreen />, { core, desktop: true });
    await waitFor(() => expect(card(BEACH)).not.toBeNull());
    fireEvent.click(await inCard(BEACH).findByRole('button', { name: 'Open phone’s version' }));
    expect((await inCard(BEACH).findByRole('alert')).textContent).toBe(
      'The conflict copy is no longer in the folder.',
    );
  });

  it('in a browser, downloads each version of a file with no preview; the one in the folder by its path', async () => {
    const core = createFakeCore();
    const notes = core.conflicts[0]!;
    const pdf: ConflictInfo = {
      ...notes,
      path: 'Papers/plan.pdf',
      preview: 'none',
      versions: notes.versions.map((v) =>
        v.winner ? v : { ...v, copyPath: 'Papers/plan (conflict from laptop).pdf' },
      ),
    };
    core.conflicts = [pdf];
    const downloaded: string[] = [];
    renderWithStore(<ConflictsScreen />, {
      core,
      download: (path) => {
        downloaded.push(path);
        return Promise.resolve();
      },
    });
    await waitFor(() => expect(card('Papers/plan.pdf')).not.toBeNull());
    const pdfCard = inCard('Papers/plan.pdf');
    fireEvent.click(pdfCard.getByRole('button', { name: 'Download desktop’s version' }));
    fireEvent.click(
      pdfCard.getByRole('button', { name: 'Download laptop’s version (this device)' }),
    );
    await waitFor(() =>
      expect(downloaded).toEqual(['Papers/plan.pdf', 'Papers/plan (conflict from laptop).pdf']),
    );
    expect(core.callsOf('conflicts:content')).toEqual([]);
    expect(core.callsOf('files:open')).toEqual([]);
  });
});

describe('Conflicts screen: choosing, with Undo', () => {
  it('confirms on the card, sends only when the undo window ends, and Undo sends nothing', async () => {
    const { core } = await shownWithClock();
    fireEvent.click(inCard(NOTES).getByRole('button', { name: 'Keep desktop’s version' }));
    const confirmation = inCard(NOTES).getByTestId('resolve-confirmation');
    expect(confirmation.textContent).toBe('Kept desktop’s version·Undo');
    // The card stays where it was, with the confirmation where its buttons were.
    expect(screen.getAllByTestId('conflict-card').map((c) => c.dataset['path'])).toEqual([
      NOTES,
      BEACH,
    ]);
    await pass(UNDO_MS - 1);
    expect(core.callsOf('conflicts:resolve')).toEqual([]);

    fireEvent.click(inCard(NOTES).getByRole('button', { name: 'Undo' }));
    expect(inCard(NOTES).getByRole('button', { name: 'Keep desktop’s version' })).toBeTruthy();
    await pass(UNDO_MS * 2);
    expect(core.callsOf('conflicts:resolve')).toEqual([]);
    expect(core.conflicts).toHaveLength(2);
  });

  it('keeps the keyboard’s place: on the confirmation, then back on the first choice after Undo', async () => {
    await shownWithClock();
    fireEvent.click(inCard(NOTES).getByRole('button', { name: 'Keep desktop’s version' }));
    expect(document.activeElement).toBe(inCard(NOTES).getByTestId('resolve-confirmation'));
    fireEvent.click(inCard(NOTES).getByRole('button', { name: 'Undo' }));
    expect(document.activeElement).toBe(
      inCard(NOTES).getByRole('button', { name: 'Keep laptop’s version (this device)' }),
    );
  });

  it('sends the choice when the window ends; the card goes when the core says it is settled', async () => {
    const { core } = await shownWithClock();
    fireEvent.click(
      inCard(NOTES).getByRole('button', { name: 'Keep laptop’s version (this device)' }),
    );
    await pass(UNDO_MS);
    expect(core.callsOf('conflicts:resolve')).toEqual([{ items: [{ path: NOTES, keep: 'mine' }] }]);
    // Sent: no more Undo, the card says what was kept until the core's push.
    expect(inCard(NOTES).getByTestId('resolve-confirmation').textContent).toBe(
      'Kept laptop’s version',
    );
    expect(card(NOTES)!.getAttribute('aria-busy')).toBe('true');

    act(() => core.push({ channel: 'conflicts:changed', payload: { count: 1 } }));
    await pass(0);
    expect(card(NOTES)).toBeNull();
    expect(card(BEACH)).not.toBeNull();
  });

  it('keeps every card in place while a confirmation shows, even when the core drops one', async () => {
    const { core } = await shownWithClock();
    fireEvent.click(inCard(BEACH).getByRole('button', { name: 'Keep both' }));
    // Another device settles the notes meanwhile.
    core.conflicts = core.conflicts.filter((c) => c.path !== NOTES);
    act(() => core.push({ channel: 'conflicts:changed', payload: { count: 1 } }));
    await pass(0);
    expect(screen.getAllByTestId('conflict-card').map((c) => c.dataset['path'])).toEqual([
      NOTES,
      BEACH,
    ]);
    expect(inCard(NOTES).getByTestId('resolve-confirmation').textContent).toBe(
      'Settled on another device',
    );
    // When the window ends the choice is sent and the settled card goes.
    await pass(UNDO_MS);
    expect(core.callsOf('conflicts:resolve')).toEqual([{ items: [{ path: BEACH, keep: 'both' }] }]);
    expect(card(NOTES)).toBeNull();
  });

  it('sends a waiting choice at once when the person leaves the screen', async () => {
    const { core, unmount } = await shownWithClock();
    fireEvent.click(inCard(NOTES).getByRole('button', { name: 'Keep desktop’s version' }));
    expect(core.callsOf('conflicts:resolve')).toEqual([]);
    unmount();
    expect(core.callsOf('conflicts:resolve')).toEqual([
      { items: [{ path: NOTES, keep: 'theirs' }] },
    ]);
    // Only once: the window's end finds nothing left to send.
    await pass(UNDO_MS);
    expect(core.callsOf('conflicts:resolve')).toHaveLength(1);
  });

  it('sends a waiting choice at once when the page is closed', async () => {
    const { core } = await shownWithClock();
    fireEvent.click(inCard(BEACH).getByRole('button', { name: 'Keep phone’s version' }));
    window.dispatchEvent(new Event('pagehide'));
    expect(core.callsOf('conflicts:resolve')).toEqual([
      { items: [{ path: BEACH, keep: 'theirs' }] },
    ]);
  });

  it('resolves the selected conflicts in one call after the window, failures said on their card', async () => {
    const { core } = await shownWithClock();
    const resolve = screen.getByTestId('resolve-selected');
    expect(resolve.hasAttribute('disabled')).toBe(true);

    fireEvent.click(screen.getByRole('checkbox', { name: 'Select all' }));
    fireEvent.change(screen.getByRole('combobox'), { target: { value: 'both' } });
    expect(resolve.textContent).toBe('Resolve selected (2)');
    fireEvent.click(resolve);
    expect(inCard(NOTES).getByTestId('resolve-confirmation').textContent).toBe(
      'Kept both versions·Undo',
    );
    expect(screen.getByTestId('bulk-confirmation').textContent).toBe(
      'Settling 2 conflicts in a moment · Undo all',
    );
    // The core settles one and refuses the other.
    core.conflicts = core.conflicts.filter((c) => c.path === NOTES);
    await pass(UNDO_MS);
    expect(core.callsOf('conflicts:resolve')).toEqual([
      {
        items: [
          { path: NOTES, keep: 'both' },
          { path: BEACH, keep: 'both' },
        ],
      },
    ]);
    // The refused one says so on its card and can be tried again.
    expect(inCard(BEACH).getByRole('alert').textContent).toBe(
      'This conflict is not settled: This file has no conflict.',
    );
    expect(
      inCard(BEACH).getByRole('button', { name: 'Keep phone’s version' }).hasAttribute('disabled'),
    ).toBe(false);
  });

  it('Undo all takes back a bulk choice', async () => {
    const { core } = await shownWithClock();
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select all' }));
    fireEvent.click(screen.getByTestId('resolve-selected'));
    fireEvent.click(screen.getByRole('button', { name: 'Undo all' }));
    await pass(UNDO_MS);
    expect(core.callsOf('conflicts:resolve')).toEqual([]);
    expect(screen.queryAllByTestId('resolve-confirmation')).toEqual([]);
  });
});

describe('Conflicts screen: states', () => {
  it('has an empty state and an error state', async () => {
    const none = createFakeCore();
    none.conflicts = [];
    renderWithStore(<ConflictsScreen />, { core: none });
    expect(await screen.findByText('No conflicts.')).toBeTruthy();
    expect(screen.queryByTestId('conflicts-explained')).toBeNull();
    cleanup();

    const broken = createFakeCore();
    broken.failing['conflicts:list'] = {
      code: 'StoreError',
      message: 'Could not read the conflicts.',
    };
    renderWithStore(<ConflictsScreen />, { core: broken });
    expect(await screen.findByText('Could not read the conflicts.')).toBeTruthy();
  });

  it('brings the conflict a link names into view, outlined (#/conflicts?path=…)', async () => {
    window.location.hash = `#/conflicts?path=${encodeURIComponent(BEACH)}`;
    try {
      await shown();
      await waitFor(() => expect(card(BEACH)!.classList.contains('shown')).toBe(true));
      expect(card(NOTES)!.classList.contains('shown')).toBe(false);
    } finally {
      window.location.hash = '';
    }
  });
});
