// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFakeCore } from '../../testing/fakeCore.js';
import type { Uploader } from '../../transport/types.js';
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

const rowByPath = (path: string): HTMLElement | null =>
  screen.queryAllByTestId('file-row').find((row) => row.dataset['path'] === path) ?? null;

describe('Files screen', () => {
  it('lists the folder with state, size, time and device, and announces the first render', async () => {
    const rendered = vi.fn<(detail: unknown) => void>();
    window.addEventListener(
      'netguardian:files-rendered',
      (e) => rendered((e as CustomEvent<unknown>).detail),
      { once: true },
    );
    const { core } = renderWithStore(<FilesScreen />, { core: createFakeCore({ flat: true }) });
    expect(screen.getByText('Loading files…')).toBeTruthy();
    const first = core.files.find((f) => f.kind === 'file')!;
    await waitFor(() => expect(rowByPath(first.path)).not.toBeNull());
    const row = rowByPath(first.path)!;
    expect(row.textContent).toContain(first.lastDevice);
    expect(within(row).getByText(/Synced|Waiting to upload|Downloading/)).toBeTruthy();
    expect(row.textContent).toMatch(/KB|MB|bytes/);
    expect(screen.getByTestId('file-count').textContent).toBe('120 items');
    expect(rendered).toHaveBeenCalledWith({ total: 120 });
  });

  it('browses folders: open one by double-click or Enter, the path to go back up, back and forward', async () => {
    const { core } = renderWithStore(<FilesScreen />);
    // The top: its four folders, folders first.
    await waitFor(() => expect(rowByPath('Documents')).not.toBeNull());
    expect(screen.getAllByTestId('file-row').map((r) => r.dataset['path'])).toEqual([
      'Documents',
      'Music',
      'Photos',
      'Projects',
    ]);
    expect(core.callsOf('files:list')[0]).toMatchObject({ folder: '', query: '' });

    fireEvent.doubleClick(rowByPath('Documents')!);
    await waitFor(() => expect(rowByPath('Documents/Taxes')).not.toBeNull());
    const inDocuments = core.files.filter((f) => /^Documents\/[^/]+$/.test(f.path));
    expect(screen.getByTestId('file-count').textContent).toBe(`${inDocuments.length} items`);
    // Its folder first, then its files; names only, no folder beside them.
    expect(screen.getAllByTestId('file-row')[0]?.dataset['path']).toBe('Documents/Taxes');
    expect(rowByPath('Documents/Taxes')!.textContent).not.toContain('Documents/');

    const list = screen.getByRole('listbox', { name: 'Files in Documents' });
    fireEvent.keyDown(list, { key: 'Enter' });
    await waitFor(() =>
      expect(screen.getByRole('listbox', { name: 'Files in Documents/Taxes' })).toBeTruthy(),
    );
    const path = within(screen.getByTestId('folder-path'));
    expect(path.getByText('Taxes').getAttribute('aria-current')).toBe('location');

    fireEvent.click(path.getByRole('button', { name: 'Back' }));
    await waitFor(() =>
      expect(screen.getByRole('listbox', { name: 'Files in Documents' })).toBeTruthy(),
    );
    fireEvent.click(path.getByRole('button', { name: 'Forward' }));
    await waitFor(() =>
      expect(screen.getByRole('listbox', { name: 'Files in Documents/Taxes' })).toBeTruthy(),
    );
    fireEvent.click(
      within(screen.getByTestId('folder-path')).getByRole('button', { name: 'All files' }),
    );
    await waitFor(() => expect(rowByPath('Music')).not.toBeNull());
    expect(core.callsOf('files:list').map((c) => c.folder)).toEqual([
      '',
      'Documents',
      'Documents/Taxes',
      'Documents',
      'Documents/Taxes',
      '',
    ]);
  });

  it('adds files with the system’s picker into the folder shown', async () => {
    const upload = vi.fn<Uploader>(() => Promise.resolve({ files: 2, folders: 0, bytes: 3 }));
    renderWithStore(<FilesScreen />, { upload });
    await waitFor(() => expect(rowByPath('Documents')).not.toBeNull());
    fireEvent.doubleClick(rowByPath('Documents')!);
    await waitFor(() => expect(rowByPath('Documents/Taxes')).not.toBeNull());
    expect(screen.getByRole('button', { name: 'Add files…' })).toBeTruthy();
    const files = [new File(['a'], 'a.txt'), new File(['bb'], 'b.txt')];
    fireEvent.change(screen.getByTestId('add-files-input'), { target: { files } });
    await waitFor(() => expect(upload).toHaveBeenCalledTimes(1));
    expect(upload.mock.calls[0]?.[0]).toEqual({ files, entries: [] });
    expect(upload.mock.calls[0]?.[1]).toBe('Documents');
  });

  it('sorts by a column title: largest first, again smallest first, names from Z', async () => {
    const core = createFakeCore({ files: 3, flat: true });
    const file = (path: string, size: number) => ({ ...core.files[0]!, path, size });
    core.files = [file('a.txt', 300), file('b.txt', 100), file('c.txt', 200)];
    renderWithStore(<FilesScreen />, { core });
    const order = () => screen.getAllByTestId('file-row').map((r) => r.dataset['path']);
    await waitFor(() => expect(order()).toEqual(['a.txt', 'b.txt', 'c.txt']));
    expect(screen.getByRole('button', { name: 'Name, sorted A to Z' })).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Sort by size' }));
    await waitFor(() => expect(order()).toEqual(['a.txt', 'c.txt', 'b.txt']));
    expect(core.callsOf('files:list').at(-1)).toMatchObject({ sort: 'size', descending: true });
    expect(screen.getByRole('button', { name: 'Size, sorted largest first' })).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Size, sorted largest first' }));
    await waitFor(() => expect(order()).toEqual(['b.txt', 'c.txt', 'a.txt']));

    fireEvent.click(screen.getByRole('button', { name: 'Sort by name' }));
    await waitFor(() => expect(order()).toEqual(['a.txt', 'b.txt', 'c.txt']));
    fireEvent.click(screen.getByRole('button', { name: 'Name, sorted A to Z' }));
    await waitFor(() => expect(order()).toEqual(['c.txt', 'b.txt', 'a.txt']));
  });

  it('marks a conflict copy as one', async () => {
    const core = createFakeCore({ files: 3, flat: true });
    const copy = 'report.conflict-laptop-20261126-052540-3f9a1c2e.md';
    core.files = [...core.files, { ...core.files[0]!, path: copy }].sort((a, b) =>
      a.path < b.path ? -1 : 1,
    );
    renderWithStore(<FilesScreen />, { core });
    await waitFor(() => expect(rowByPath(copy)).not.toBeNull());
    expect(within(rowByPath(copy)!).getByText('Conflict copy')).toBeTruthy();
    expect(screen.getByTestId('file-count').textContent).toBe('4 items');
    expect(rowByPath(copy)!.getAttribute('aria-label')).toContain(', conflict copy,');
    const other = core.files.find((f) => f.path !== copy)!;
    expect(within(rowByPath(other.path)!).queryByText('Conflict copy')).toBeNull();
    fireEvent.change(screen.getByRole('searchbox'), { target: { value: 'conflict-laptop' } });
    await waitFor(() => expect(screen.getByTestId('file-count').textContent).toBe('1 match'));
  });

  it('keeps 100,000 files virtual: a screenful of rows in the DOM, pages fetched as you scroll', async () => {
    const core = createFakeCore({ files: 100_000, flat: true });
    renderWithStore(<FilesScreen />, { core });
    await waitFor(() => expect(screen.getAllByTestId('file-row').length).toBeGreaterThan(5));
    expect(screen.getAllByRole('option').length).toBeLessThan(60);
    expect(core.callsOf('files:list')).toEqual([{ query: '', folder: '', offset: 0, limit: 500 }]);

    const list = screen.getByTestId('file-list');
    act(() => {
      list.scrollTop = 40 * 70_000;
      fireEvent.scroll(list);
    });
    const far = core.files[70_005]!;
    await waitFor(() => expect(rowByPath(far.path)).not.toBeNull());
    expect(core.callsOf('files:list').map((c) => c.offset)).toContain(70_000);
    expect(screen.getAllByRole('option').length).toBeLessThan(60);
  });

  it('searches and says when nothing matches', async () => {
    const { core } = renderWithStore(<FilesScreen />);
    await waitFor(() => expect(screen.getAllByTestId('file-row').length).toBeGreaterThan(0));
    fireEvent.change(screen.getByRole('searchbox', { name: 'Search files' }), {
      target: { value: 'taxes' },
    });
    await waitFor(() => expect(screen.getByTestId('file-count').textContent).toMatch(/matches/));
    expect(core.callsOf('files:list').at(-1)?.query).toBe('taxes');
    for (const row of screen.getAllByTestId('file-row'))
      expect(row.dataset['path']).toMatch(/Taxes/);

    fireEvent.change(screen.getByRole('searchbox'), { target: { value: 'no-such-file' } });
    expect(await screen.findByText('No files match “no-such-file”.')).toBeTruthy();
  });

  it('has an empty state and an error state with retry', async () => {
    const empty = createFakeCore({ files: 0 });
    empty.files = [];
    renderWithStore(<FilesScreen />, { core: empty });
    expect(await screen.findByText('This folder is empty.')).toBeTruthy();
    cleanup();

    const broken = createFakeCore();
    broken.failing['files:list'] = {
      code: 'StoreError',
      message: 'The local database could not be opened.',
    };
    renderWithStore(<FilesScreen />, { core: broken });
    expect(await screen.findByText('The local database could not be opened.')).toBeTruthy();
    delete broken.failing['files:list'];
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(screen.getAllByTestId('file-row').length).toBeGreaterThan(0));
  });

  it('refetches visible rows when the core says files changed', async () => {
    const { core } = renderWithStore(<FilesScreen />, { core: createFakeCore({ flat: true }) });
    const target = core.files.find((f) => f.kind === 'file')!;
    await waitFor(() => expect(rowByPath(target.path)).not.toBeNull());
    core.files = core.files.map((f) => (f.path === target.path ? { ...f, state: 'conflict' } : f));
    act(() => core.push({ channel: 'files:changed', payload: { paths: [target.path] } }));
    await waitFor(() => expect(rowByPath(target.path)!.dataset['state']).toBe('conflict'));
    expect(within(rowByPath(target.path)!).getByText('Conflict')).toBeTruthy();
  });

  it('opens version history for a file and restores a version after confirming', async () => {
    const { core } = renderWithStore(<FilesScreen />, { core: createFakeCore({ flat: true }) });
    const file = core.files.find((f) => f.kind === 'file')!;
    await waitFor(() => expect(rowByPath(file.path)).not.toBeNull());
    fireEvent.click(rowByPath(file.path)!);
    const panel = await screen.findByTestId('history-panel');
    await waitFor(() => expect(within(panel).getAllByTestId('history-entry')).toHaveLength(3));
    expect(core.callsOf('history:get')).toEqual([{ path: file.path }]);
    expect(within(panel).getByText('Current')).toBeTruthy();
    // Each version says what it was; the current one brings back the first one's content.
    expect(
      within(panel)
        .getAllByTestId('history-entry')
        .map((e) => e.querySelector('.version-kind')?.textContent),
    ).toEqual(['Restored from', 'Edited', 'Added']);

    fireEvent.click(
      within(panel).getByRole('button', { name: /Restore the version from desktop/ }),
    );
    expect(core.callsOf('history:restore')).toHaveLength(0); // asks first
    fireEvent.click(within(panel).getByRole('button', { name: 'Yes, restore it' }));
    expect(await within(panel).findByText(/Version restored/)).toBeTruthy();
    expect(core.callsOf('history:restore')).toEqual([
      { path: file.path, eventId: `${file.path}#2` },
    ]);

    fireEvent.click(within(panel).getByRole('button', { name: 'Close version history' }));
    expect(screen.queryByTestId('history-panel')).toBeNull();
  });

  it('moves through rows with the keyboard and opens one with Enter', async () => {
    const { core } = renderWithStore(<FilesScreen />, { core: createFakeCore({ flat: true }) });
    await waitFor(() => expect(screen.getAllByTestId('file-row').length).toBeGreaterThan(0));
    const list = screen.getByRole('listbox', { name: 'Files in the synced folder' });
    const second = core.files[1]!;
    fireEvent.keyDown(list, { key: 'ArrowDown' });
    expect(list.getAttribute('aria-activedescendant')).toBe('file-row-1');
    fireEvent.keyDown(list, { key: 'Enter' });
    await waitFor(() => expect(rowByPath(second.path)?.getAttribute('aria-selected')).toBe('true'));
  });
});
