import { describe, expect, it, vi } from 'vitest';
import type { OpenDialog } from './filePicker.js';
import { interceptPick } from './filePicker.js';
import { interceptImport, VouchedPaths } from './vouchedPaths.js';

/** The core behind the shell: answers files:import with what it was asked to copy. */
function fakeCore() {
  return vi.fn((channel: string, payload: unknown) =>
    Promise.resolve(
      channel === 'files:import'
        ? { files: (payload as { paths: string[] }).paths.length, folders: 1, bytes: 10 }
        : 'core',
    ),
  );
}

describe('files:pick', () => {
  it('imports exactly what was picked in the system dialog into the folder shown', async () => {
    const dialog = vi.fn<OpenDialog>(() =>
      Promise.resolve({ canceled: false, filePaths: ['/home/ada/Pictures/album'] }),
    );
    const core = fakeCore();
    const vouched = new VouchedPaths();
    // As the shell wires it: the picker in front of the import's vouching.
    const forward = interceptPick(dialog, vouched, interceptImport(vouched, core));
    expect(await forward('files:pick', { folders: true, targetDir: 'Photos' })).toEqual({
      canceled: false,
      files: 1,
      folders: 1,
      bytes: 10,
    });
    expect(dialog.mock.calls[0]?.[0].properties).toEqual(['openDirectory', 'multiSelections']);
    expect(core).toHaveBeenCalledExactlyOnceWith('files:import', {
      paths: ['/home/ada/Pictures/album'],
      targetDir: 'Photos',
    });
    // Files, not folders, when files are asked for.
    await forward('files:pick', { folders: false, targetDir: '' });
    expect(dialog.mock.calls[1]?.[0].properties).toEqual(['openFile', 'multiSelections']);
  });

  it('copies nothing when the dialog is cancelled', async () => {
    const core = fakeCore();
    const vouched = new VouchedPaths();
    const forward = interceptPick(
      () => Promise.resolve({ canceled: true, filePaths: [] }),
      vouched,
      interceptImport(vouched, core),
    );
    expect(await forward('files:pick', { folders: false, targetDir: '' })).toEqual({
      canceled: true,
      files: 0,
      folders: 0,
      bytes: 0,
    });
    expect(core).not.toHaveBeenCalled();
  });

  it('still refuses an import of a path nobody picked, and forwards every other request', async () => {
    const core = fakeCore();
    const vouched = new VouchedPaths();
    const forward = interceptPick(
      () => Promise.resolve({ canceled: false, filePaths: ['/home/ada/a.txt'] }),
      vouched,
      interceptImport(vouched, core),
    );
    await expect(
      forward('files:import', { paths: ['/etc/passwd'], targetDir: '' }),
    ).rejects.toMatchObject({ code: 'AccessDenied' });
    expect(await forward('sync:now', {})).toBe('core');
  });
});
