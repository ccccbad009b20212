import type { Stats } from 'node:fs';
import path from 'node:path';
import { NetGuardianError } from '../../src-shared/errors.js';
import type { Channel, RequestOf, ResponseOf } from '../../src-shared/ipc/contract.js';
import { pathInFolder, type FolderShell } from './folderOpen.js';
import type { Forward } from './ipcRouter.js';

/**
 * Names that run something when "opened": the system would start them rather than show them.
 * The synced folder holds other people's files (every device's), so the app never launches
 * one; the person can still do so from the file manager, knowingly.
 */
const PROGRAM_EXTENSIONS = new Set([
  'app',
  'appimage',
  'bat',
  'bin',
  'cmd',
  'com',
  'command',
  'cpl',
  'desktop',
  'exe',
  'hta',
  'jar',
  'js',
  'jse',
  'lnk',
  'msi',
  'msp',
  'pif',
  'pl',
  'ps1',
  'py',
  'rb',
  'reg',
  'run',
  'scr',
  'sh',
  'url',
  'vb',
  'vbe',
  'vbs',
  'webloc',
  'ws',
  'wsf',
]);

export const isProgramName = (name: string): boolean => {
  const dot = name.lastIndexOf('.');
  return dot > 0 && PROGRAM_EXTENSIONS.has(name.slice(dot + 1).toLowerCase());
};

/** What opening needs from the file system (node:fs/promises in the shell). */
export interface OpenFs {
  lstat(target: string): Promise<Stats>;
  realpath(target: string): Promise<string>;
}

const refused = (relPath: string, why: string) =>
  new NetGuardianError(
    'AccessDenied',
    `${relPath} was not opened: ${why}. Use “Show in file manager” to open it yourself if you trust it.`,
    'path',
  );

/**
 * `files:open`: a file of the synced folder opens in the system's app for it, as a double-click
 * in the file manager would. The path is checked like any entity path and must still lie in the
 * folder once links are resolved; programs and scripts (an executable bit or a program's name)
 * are never launched.
 */
export async function openWithApp(
  shell: FolderShell,
  fs: OpenFs,
  folder: string,
  relPath: string,
  platform: string = process.platform,
): Promise<ResponseOf<'files:open'>> {
  const target = pathInFolder(folder, relPath, platform);
  let st: Stats;
  let real: string;
  try {
    st = await fs.lstat(target);
    real = await fs.realpath(target);
  } catch {
    throw new NetGuardianError('NotFound', `${relPath} is no longer in the folder`, 'path');
  }
  const root = await fs.realpath(folder);
  if (st.isSymbolicLink() || !real.startsWith(root + path.sep))
    throw refused(relPath, 'it leads outside the synced folder');
  if (st.isDirectory()) throw refused(relPath, 'it is a folder; open it in the list');
  if ((st.mode & 0o111) !== 0 || isProgramName(path.basename(target)))
    throw refused(relPath, 'it is a program or a script, which the app never starts');
  const error = await shell.openPath(target);
  return { opened: error === '', message: error === '' ? null : error };
}

/** Routes `files:open` to the system's apps, with the folder taken from the core's settings. */
export function interceptFileOpen(shell: FolderShell, fs: OpenFs, forward: Forward): Forward {
  return async (channel: Channel, payload: RequestOf<Channel>) => {
    if (channel !== 'files:open') return forward(channel, payload);
    const settings = (await forward('settings:get', {})) as ResponseOf<'settings:get'>;
    return openWithApp(shell, fs, settings.folder, (payload as RequestOf<'files:open'>).path);
  };
}
