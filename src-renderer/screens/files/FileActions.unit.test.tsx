// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFakeCore, type FakeCore } from '../../testing/fakeCore.js';
import { NOW } from '../../testing/fakeData.js';
import { fakeViewport, renderWithStore } from '../../testing/renderWithStore.js';
import { FilesScreen } from './FilesScreen.js';

let restoreViewport: () => void;
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
  restoreViewport = fakeViewport(400);
});
afterEach(() => {
  cleanup();
  restoreViewport();
  vi.useRealTimers();
});

const order = () => screen.getAllByTestId('file-row').map((r) => r.dataset['path']);
const rowByPath = (path: string) =>
  screen.getAllByTestId('file-row').find((r) => r.dataset['path'] === path)!;

/** Three files at the top of the folder, written out by hand. */
function threeFiles(): FakeCore {
  const core = createFakeCore({ files: 3, flat: true });
  const file = (path: string) => ({ ...core.files[0]!, path });
  core.files = [file('budget.csv'), file('notes.md'), file('todo.txt')];
  return core;
}

describe('file actions', () => {
  it('renames the selected file in place; a taken name is refused and the form stays', async () => {
    const core = threeFiles();
    renderWithStore(<FilesScreen />, { core });
    await waitFor(() => expect(order()).toEqual(['budget.csv', 'notes.md', 'todo.txt']));
    fireEvent.click(rowByPath('notes.md'));
    const bar = await screen.findByRole('toolbar', { name: 'Actions for notes.md' });
    fireEvent.click(within(bar).getByRole('button', { name: 'Rename…' }));

    const field = screen.getByLabelText<HTMLInputElement>('New name');
    expect(field.value).toBe('notes.md');
    // The name without its extension is selected, ready to be typed over.
    expect([field.selectionStart, field.selectionEnd]).toEqual([0, 5]);
    fireEvent.change(field, { target: { value: 'todo.txt' } });
    fireEvent.click(screen.getByRole('button', { name: 'Rename' }));
    await waitFor(() =>
      expect(screen.getByRole('alert').textContent).toContain(
        'There is already something called “todo.txt” in the folder; nothing was renamed.',
      ),
    );
    expect(screen.getByLabelText('New name')).toBeTruthy();

    fireEvent.change(screen.getByLabelText('New name'), { target: { value: 'ideas.md' } });
    fireEvent.click(screen.getByRole('button', { name: 'Rename' }));
    await waitFor(() => expect(order()).toEqual(['budget.csv', 'ideas.md', 'todo.txt']));
    expect(screen.getByTestId('file-result').textContent).toContain('Renamed to ideas.md.');
    expect(screen.queryByLabelText('New name')).toBeNull();
    expect(core.callsOf('files:rename')).toEqual([
      { path: 'notes.md', name: 'todo.txt' },
      { path: 'notes.md', name: 'ideas.md' },
    ]);
  });

  it('Escape leaves the rename form without renaming', async () => {
    const core = threeFiles();
    renderWithStore(<FilesScreen />, { core });
    await waitFor(() => expect(order()).toHaveLength(3));
    fireEvent.click(rowByPath('todo.txt'));
    fireEvent.click(await screen.findByRole('button', { name: 'Rename…' }));
    fireEvent.keyDown(screen.getByLabelText('New name'), { key: 'Escape' });
    expect(screen.queryByLabelText('New name')).toBeNull();
    expect(core.callsOf('files:rename')).toEqual([]);
    // The keyboard is back on the list, not at the top of the page.
    expect(document.activeElement).toBe(screen.getByTestId('file-list'));
  });

  it('moves to the trash with Undo, which puts it back', async () => {
    const core = threeFiles();
    renderWithStore(<FilesScreen />, { core });
    await waitFor(() => expect(order()).toHaveLength(3));
    fireEvent.click(rowByPath('budget.csv'));
    fireEvent.click(await screen.findByRole('button', { name: 'Move to trash' }));
    await waitFor(() => expect(order()).toEqual(['notes.md', 'todo.txt']));
    const result = screen.getByTestId('file-result');
    expect(result.textContent).toContain('Moved budget.csv to the trash.');
    fireEvent.click(within(result).getByRole('button', { name: 'Undo' }));
    await waitFor(() => expect(order()).toEqual(['budget.csv', 'notes.md', 'todo.txt']));
    expect(screen.getByTestId('file-result').textContent).toContain('Put budget.csv back.');
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('file-list')));
    expect(core.callsOf('trash:restore')).toHaveLength(1);
  });

  it('F2 renames and Delete trashes the row the keyboard is on', async () => {
    const core = threeFiles();
    renderWithStore(<FilesScreen />, { core });
    await waitFor(() => expect(order()).toHaveLength(3));
    const list = screen.getByTestId('file-list');
    fireEvent.keyDown(list, { key: 'ArrowDown' });
    fireEvent.keyDown(list, { key: 'F2' });
    expect(screen.getByLabelText<HTMLInputElement>('New name').value).toBe('notes.md');
    fireEvent.keyDown(screen.getByLabelText('New name'), { key: 'Escape' });
    fireEvent.keyDown(list, { key: 'Delete' });
    await waitFor(() => expect(order()).toEqual(['budget.csv', 'todo.txt']));
    expect(core.callsOf('files:trash')).toEqual([{ paths: ['notes.md'] }]);
  });

  it('a conflict copy links to its conflict; the file manager only in the desktop app', async () => {
    const core = threeFiles();
    const copy = 'notes.conflict-laptop-20261126-052540-3f9a1c2e.md';
    core.files = [...core.files, { ...core.files[0]!, path: copy }];
    renderWithStore(<FilesScreen />, { core });
    await waitFor(() => expect(order()).toHaveLength(4));
    fireEvent.click(rowByPath(copy));
    const link = await screen.findByRole('link', { name: 'Go to the conflict of notes.md' });
    expect(link.getAttribute('href')).toBe('#/conflicts?path=notes.md');
    // In a browser there is no file manager to show it in.
    expect(screen.queryByRole('button', { name: 'Show in file manager' })).toBeNull();
  });

  it('adds files and folders with the system dialog in the desktop app, into the folder shown', async () => {
    const core = threeFiles();
    const { store } = renderWithStore(<FilesScreen />, { core, desktop: true });
    await waitFor(() => expect(order()).toHaveLength(3));
    fireEvent.click(screen.getByRole('button', { name: 'Add folder…' }));
    await waitFor(() =>
      expect(core.callsOf('files:pick')).toEqual([{ folders: true, targetDir: '' }]),
    );
    // What the fake's dialog picked and copied: two files and a folder.
    await waitFor(() =>
      expect(store.getState().upload.result).toMatch(/2 files and 1 folder .* the synced folder/),
    );
    fireEvent.click(screen.getByRole('button', { name: 'Add files…' }));
    await waitFor(() =>
      expect(core.callsOf('files:pick')[1]).toEqual({ folders: false, targetDir: '' }),
    );
    // The file manager is there to show a file in, and the system's apps to open it with.
    fireEvent.click(rowByPath('notes.md'));
    fireEvent.click(await screen.findByRole('button', { name: 'Open' }));
    await waitFor(() => expect(core.callsOf('files:open')).toEqual([{ path: 'notes.md' }]));
    fireEvent.click(await screen.findByRole('button', { name: 'Show in file manager' }));
    await waitFor(() => expect(core.callsOf('folder:open')).toEqual([{ path: 'notes.md' }]));
  });

  it('downloads a file in a browser, and says why when it was refused', async () => {
    const core = threeFiles();
    const download = vi.fn((path: string) =>
      path === 'todo.txt'
        ? Promise.reject(new Error('todo.txt is no longer in the folder'))
        : Promise.resolve(),
    );
    renderWithStore(<FilesScreen />, { core, download });
    await waitFor(() => expect(order()).toHaveLength(3));
    fireEvent.click(rowByPath('notes.md'));
    fireEvent.click(await screen.findByRole('button', { name: 'Download' }));
    await waitFor(() => expect(download).toHaveBeenCalledWith('notes.md'));
    expect(core.callsOf('files:open')).toEqual([]);
    fireEvent.click(rowByPath('todo.txt'));
    fireEvent.click(await screen.findByRole('button', { name: 'Download' }));
    await waitFor(() =>
      expect(screen.getByRole('alert').textContent).toContain(
        'todo.txt is no longer in the folder',
      ),
    );
  });

  it('keeps the keyboard on the list when Enter opens a folder, and the active row on a row', async () => {
    renderWithStore(<FilesScreen />);
    await waitFor(() => expect(order()[0]).toBe('Documents'));
    const list = screen.getByTestId('file-list');
    list.focus();
    fireEvent.keyDown(list, { key: 'Enter' });
    await waitFor(() => expect(order()).toContain('Documents/Taxes'));
    expect(document.activeElement).toBe(screen.getByTestId('file-list'));
  });
});
