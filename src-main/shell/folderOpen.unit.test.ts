import { describe, expect, it, vi } from 'vitest';
import path from 'node:path';
import { interceptFolderOpen, openInFileManager, type FolderShell } from './folderOpen.js';

function fakeShell(openError = '') {
  const shell = {
    openPath: vi.fn((_target: string) => Promise.resolve(openError)),
    showItemInFolder: vi.fn((_target: string) => undefined),
  } satisfies FolderShell;
  return shell;
}

describe('folder:open', () => {
  it('opens the synced folder in the file manager', async () => {
    const shell = fakeShell();
    expect(await openInFileManager(shell, '/home/ada/Sync', undefined)).toEqual({
      opened: true,
      path: '/home/ada/Sync',
    });
    expect(shell.openPath).toHaveBeenCalledWith('/home/ada/Sync');
  });

  it('reports a folder the system could not open', async () => {
    expect(await openInFileManager(fakeShell('no file manager'), '/f', '')).toEqual({
      opened: false,
      path: '/f',
    });
  });

  it('shows a file selected in its folder, never launching it', async () => {
    const shell = fakeShell();
    const result = await openInFileManager(shell, '/home/ada/Sync', 'docs/report (conflict).txt');
    expect(result.path).toBe(path.join('/home/ada/Sync', 'docs', 'report (conflict).txt'));
    expect(shell.showItemInFolder).toHaveBeenCalledWith(result.path);
    expect(shell.openPath).not.toHaveBeenCalled();
  });

  it.each(['../.ssh/id_rsa', '/etc/passwd', 'a/../../b', 'C:\\Windows', '..\\..\\x'])(
    'refuses %s, which is not a path inside the folder (on Windows too)',
    async (bad) => {
      const shell = fakeShell();
      await expect(openInFileManager(shell, '/home/ada/Sync', bad, 'win32')).rejects.toMatchObject({
        code: 'InvalidPath',
      });
      expect(shell.showItemInFolder).not.toHaveBeenCalled();
    },
  );

  it('answers folder:open in the shell with the folder from the core; forwards everything else', async () => {
    const shell = fakeShell();
    const forward = vi.fn((channel: string, _payload: unknown) =>
      Promise.resolve(channel === 'settings:get' ? { folder: '/home/ada/Sync' } : 'core'),
    );
    const intercepted = interceptFolderOpen(shell, forward);
    expect(await intercepted('folder:open', {})).toEqual({ opened: true, path: '/home/ada/Sync' });
    expect(forward).toHaveBeenCalledExactlyOnceWith('settings:get', {});
    expect(await intercepted('sync:now', {})).toBe('core');
  });
});
