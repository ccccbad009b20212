import { chmod, lstat, mkdir, realpath, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeTempDir, type TempDir } from '../../test/support/tempDir.js';
import { interceptFileOpen, isProgramName, openWithApp } from './fileOpen.js';
import type { FolderShell } from './folderOpen.js';

/** Real files in a temp folder; only the system's "open with its app" is a fake. */
let tmp: TempDir;
let folder: string;
const fs = { lstat, realpath };

beforeAll(async () => {
  tmp = await makeTempDir('ng-file-open-');
  folder = path.join(tmp.path, 'Sync');
  await mkdir(path.join(folder, 'docs'), { recursive: true });
  await writeFile(path.join(folder, 'docs', 'report.pdf'), '%PDF');
  await writeFile(path.join(folder, 'install.sh'), 'echo hi');
  await writeFile(path.join(folder, 'tool'), 'binary');
  await chmod(path.join(folder, 'tool'), 0o755);
  await writeFile(path.join(tmp.path, 'outside.txt'), 'not synced');
  await symlink(path.join(tmp.path, 'outside.txt'), path.join(folder, 'link.txt'));
  await symlink(tmp.path, path.join(folder, 'linkdir'));
});
afterAll(async () => {
  await tmp?.cleanup();
});

function fakeShell(openError = '') {
  return {
    openPath: vi.fn((_target: string) => Promise.resolve(openError)),
    showItemInFolder: vi.fn((_target: string) => undefined),
  } satisfies FolderShell;
}

describe('files:open', () => {
  it('opens a document in its app', async () => {
    const shell = fakeShell();
    expect(await openWithApp(shell, fs, folder, 'docs/report.pdf')).toEqual({
      opened: true,
      message: null,
    });
    expect(shell.openPath).toHaveBeenCalledExactlyOnceWith(path.join(folder, 'docs', 'report.pdf'));
  });

  it("says the system's reason when it could not open it", async () => {
    expect(
      await openWithApp(fakeShell('No application for PDF'), fs, folder, 'docs/report.pdf'),
    ).toEqual({
      opened: false,
      message: 'No application for PDF',
    });
  });

  it.each([
    ['install.sh', /is a program or a script/],
    ['tool', /is a program or a script/],
    ['link.txt', /leads outside the synced folder/],
    ['linkdir/outside.txt', /leads outside the synced folder/],
    ['docs', /is a folder/],
  ])('never starts %s', async (relPath, why) => {
    const shell = fakeShell();
    await expect(openWithApp(shell, fs, folder, relPath)).rejects.toMatchObject({
      code: 'AccessDenied',
      message: expect.stringMatching(why) as unknown,
    });
    expect(shell.openPath).not.toHaveBeenCalled();
  });

  it('refuses paths that are not in the folder, and a file that is gone', async () => {
    const shell = fakeShell();
    await expect(openWithApp(shell, fs, folder, '../outside.txt')).rejects.toMatchObject({
      code: 'InvalidPath',
    });
    await expect(openWithApp(shell, fs, folder, 'gone.txt')).rejects.toMatchObject({
      code: 'NotFound',
    });
    expect(shell.openPath).not.toHaveBeenCalled();
  });

  it('knows program names whatever their case', () => {
    expect(['a.EXE', 'run.Sh', 'x.desktop', 'My App.app'].map(isProgramName)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(['notes.md', 'photo.jpg', '.sh', 'shell'].map(isProgramName)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });

  it('is answered by the shell with the folder from the core', async () => {
    const shell = fakeShell();
    const forward = vi.fn((channel: string) =>
      Promise.resolve(channel === 'settings:get' ? { folder } : 'core'),
    );
    const intercepted = interceptFileOpen(shell, fs, forward);
    expect(await intercepted('files:open', { path: 'docs/report.pdf' })).toEqual({
      opened: true,
      message: null,
    });
    expect(await intercepted('sync:now', {})).toBe('core');
  });
});
