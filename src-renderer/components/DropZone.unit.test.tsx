// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../App.js';
import type { Uploader } from '../transport/types.js';
import { fakeViewport, renderWithStore } from '../testing/renderWithStore.js';
import { UPLOAD_RESULT_MS } from './UploadStatus.js';

let restoreViewport: () => void;
beforeEach(() => {
  restoreViewport = fakeViewport();
  window.location.hash = '';
});
afterEach(() => {
  cleanup();
  restoreViewport();
});

/** What a drop of files from the desktop looks like to the page. */
const dataTransfer = (files: File[]) => ({
  types: ['Files'],
  files,
  items: files.map((file) => ({
    kind: 'file',
    getAsFile: () => file,
    webkitGetAsEntry: () => null,
  })),
  dropEffect: 'none',
});

describe('drag-and-drop upload', () => {
  it('copies dropped files into the selected folder, with progress and a result', async () => {
    let finish!: () => void;
    const upload = vi.fn<Uploader>(async (_drop, _target, onProgress) => {
      onProgress({ done: 1, total: 2, bytes: 1_000, totalBytes: 3_000 });
      await new Promise<void>((resolve) => (finish = resolve));
      return { files: 2, folders: 0, bytes: 3_000 };
    });
    const { core } = renderWithStore(<App />, { upload });
    const folder = core.files.find((f) => f.path === 'Documents/Taxes')!;
    const documents = await screen.findByText(
      (_, el) => el?.getAttribute('data-path') === 'Documents',
    );
    fireEvent.doubleClick(documents);
    const row = await screen.findByText((_, el) => el?.getAttribute('data-path') === folder.path);
    fireEvent.click(row);
    expect(screen.getByText(/Drop files here to copy them into Documents\/Taxes/)).toBeTruthy();

    const zone = screen.getByTestId('drop-zone');
    const files = [new File(['a'], 'a.txt'), new File(['bb'], 'b.txt')];
    fireEvent.dragEnter(zone, { dataTransfer: dataTransfer(files) });
    expect(screen.getByText('Drop to copy into Documents/Taxes')).toBeTruthy();
    fireEvent.drop(zone, { dataTransfer: dataTransfer(files) });

    expect(upload).toHaveBeenCalledTimes(1);
    expect(upload.mock.calls[0]?.[0].files).toEqual(files);
    expect(upload.mock.calls[0]?.[1]).toBe('Documents/Taxes');
    const bar = await screen.findByRole('progressbar', { name: 'Copying into the folder' });
    expect(bar.getAttribute('aria-valuenow')).toBe('50');
    expect(screen.queryByText('Drop to copy into Documents/Taxes')).toBeNull();

    await act(() => {
      finish();
      return Promise.resolve();
    });
    expect(await screen.findByText('Added 2 files (2.9 KB) to Documents/Taxes.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByTestId('upload-status')).toBeNull();
  });

  it('drops into the root when nothing is selected, and reports a failure in plain words', async () => {
    const upload = vi.fn<Uploader>(() => Promise.reject(new Error('The disk is full.')));
    renderWithStore(<App />, { upload });
    const zone = screen.getByTestId('drop-zone');
    fireEvent.drop(zone, { dataTransfer: dataTransfer([new File(['x'], 'x.txt')]) });
    await waitFor(() => expect(upload).toHaveBeenCalled());
    expect(upload.mock.calls[0]?.[1]).toBe('');
    expect(await screen.findByText('Could not copy the files: The disk is full.')).toBeTruthy();
    // A failure stays: it is not said anywhere else.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(screen.getByTestId('upload-status')).toBeTruthy();
  });

  it('lets a copy that went well say so for a few seconds, then goes', async () => {
    // Fake timers that also follow real time, so the screen's own waits still run.
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      const upload = vi.fn<Uploader>(() => Promise.resolve({ files: 1, folders: 0, bytes: 18 }));
      renderWithStore(<App />, { upload });
      fireEvent.drop(screen.getByTestId('drop-zone'), {
        dataTransfer: dataTransfer([new File(['x'], 'x.txt')]),
      });
      expect(await screen.findByText(/^Added 1 file \(18 bytes\)/)).toBeTruthy();
      act(() => void vi.advanceTimersByTime(UPLOAD_RESULT_MS - 1_000));
      expect(screen.getByTestId('upload-status')).toBeTruthy();
      act(() => void vi.advanceTimersByTime(2_000));
      expect(screen.queryByTestId('upload-status')).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });

  it('mirrors import:progress pushes from the core (Electron imports)', async () => {
    let finish!: () => void;
    const upload = vi.fn<Uploader>(
      () => new Promise((resolve) => (finish = () => resolve({ files: 1, folders: 1, bytes: 10 }))),
    );
    const { core } = renderWithStore(<App />, { upload });
    fireEvent.drop(screen.getByTestId('drop-zone'), {
      dataTransfer: dataTransfer([new File(['x'], 'x')]),
    });
    act(() =>
      core.push({
        channel: 'import:progress',
        payload: { done: 3, total: 4, bytes: 30, totalBytes: 40 },
      }),
    );
    expect(
      screen
        .getByRole('progressbar', { name: 'Copying into the folder' })
        .getAttribute('aria-valuenow'),
    ).toBe('75');
    await act(() => {
      finish();
      return Promise.resolve();
    });
    expect(
      await screen.findByText('Added 1 file and 1 folder (10 bytes) to the synced folder.'),
    ).toBeTruthy();
  });
});
