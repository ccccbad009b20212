// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFakeCore } from '../../testing/fakeCore.js';
import { NOW } from '../../testing/fakeData.js';
import { renderWithStore } from '../../testing/renderWithStore.js';
import { ConflictsScreen } from './ConflictsScreen.js';

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

describe('Conflicts screen', () => {
  it('shows both versions side by side: device, time, size, on disk or kept as a copy', async () => {
    renderWithStore(<ConflictsScreen />);
    await waitFor(() => expect(card('Documents/notes.md')).not.toBeNull());
    const notes = within(card('Documents/notes.md')!);
    const [onDisk, copy] = notes.getAllByTestId('conflict-version');
    expect(onDisk!.textContent).toContain('desktop');
    expect(onDisk!.textContent).toContain('Another device');
    expect(onDisk!.textContent).toContain('In the folder now');
    expect(onDisk!.textContent).toContain('10 minutes ago');
    expect(onDisk!.textContent).toContain('812 bytes');
    expect(copy!.textContent).toContain('This device');
    expect(copy!.textContent).toContain(
      'Kept as a copy: Documents/notes (conflict from laptop 2025-05-14).md',
    );
  });

  it('shows a line diff for text and previews for images', async () => {
    const { core } = renderWithStore(<ConflictsScreen />);
    const diff = await screen.findByTestId('text-diff');
    const lines = Array.from(diff.querySelectorAll('.diff-line')).map((l) => l.textContent);
    expect(lines).toEqual([' Shopping', ' - milk', '−- bread', '+- eggs', ' - coffee']);
    expect(diff.textContent).toContain('only in desktop’s version');

    const beach = within(card('Photos/2024/beach.png')!);
    const img = await beach.findByRole('img', {
      name: 'laptop’s version of Photos/2024/beach.png',
    });
    expect(img.getAttribute('src')).toMatch(/^data:image\/png;base64,iVBOR/);
    expect(beach.getByText(/A binary file \(2\.0 MB\) that can’t be shown here/)).toBeTruthy();
    expect(core.callsOf('conflicts:content')).toHaveLength(4);
  });

  it('Keep mine resolves that path; the card goes when the core pushes conflicts:changed', async () => {
    const { core } = renderWithStore(<ConflictsScreen />);
    await waitFor(() => expect(card('Documents/notes.md')).not.toBeNull());
    fireEvent.click(within(card('Documents/notes.md')!).getByRole('button', { name: 'Keep mine' }));
    await waitFor(() =>
      expect(core.callsOf('conflicts:resolve')).toEqual([
        { items: [{ path: 'Documents/notes.md', keep: 'mine' }] },
      ]),
    );
    expect(await screen.findByText('Resolved 1 conflict.')).toBeTruthy();
    // Until the core says so, the card stays, marked as being resolved.
    expect(card('Documents/notes.md')?.getAttribute('aria-busy')).toBe('true');

    act(() => core.push({ channel: 'conflicts:changed', payload: { count: 1 } }));
    await waitFor(() => expect(card('Documents/notes.md')).toBeNull());
    expect(card('Photos/2024/beach.png')).not.toBeNull();
  });

  it('resolves the selected conflicts in one call and reports failures by path', async () => {
    const core = createFakeCore();
    renderWithStore(<ConflictsScreen />, { core });
    await waitFor(() => expect(screen.getAllByTestId('conflict-card')).toHaveLength(2));
    const resolve = screen.getByTestId('resolve-selected');
    expect(resolve.hasAttribute('disabled')).toBe(true);

    fireEvent.click(screen.getByRole('checkbox', { name: 'Select all' }));
    fireEvent.change(screen.getByRole('combobox'), { target: { value: 'both' } });
    expect(resolve.textContent).toBe('Resolve selected (2)');
    // The core settles one and refuses the other.
    core.conflicts = core.conflicts.filter((c) => c.path === 'Documents/notes.md');
    fireEvent.click(resolve);
    await waitFor(() =>
      expect(screen.getByTestId('resolve-report').textContent).toContain('Resolved 1 conflict.'),
    );
    expect(core.callsOf('conflicts:resolve')).toEqual([
      {
        items: [
          { path: 'Documents/notes.md', keep: 'both' },
          { path: 'Photos/2024/beach.png', keep: 'both' },
        ],
      },
    ]);
    expect(screen.getByTestId('resolve-report').textContent).toContain(
      'Photos/2024/beach.png: This file has no conflict.',
    );
    // The refused one can be tried again.
    const beach = within(card('Photos/2024/beach.png')!);
    expect(beach.getByRole('button', { name: 'Keep theirs' }).hasAttribute('disabled')).toBe(false);
  });

  it('has an empty state and an error state', async () => {
    const none = createFakeCore();
    none.conflicts = [];
    renderWithStore(<ConflictsScreen />, { core: none });
    expect(await screen.findByText('No conflicts.')).toBeTruthy();
    cleanup();

    const broken = createFakeCore();
    broken.failing['conflicts:list'] = {
      code: 'StoreError',
      message: 'Could not read the conflicts.',
    };
    renderWithStore(<ConflictsScreen />, { core: broken });
    expect(await screen.findByText('Could not read the conflicts.')).toBeTruthy();
  });
});
