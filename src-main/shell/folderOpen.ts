import path from 'node:path';
import { NetGuardianError } from '../../src-shared/errors.js';
import type { Channel, RequestOf, ResponseOf } from '../../src-shared/ipc/contract.js';
import { nameProblem } from '../../src-shared/nameRules.js';
import { validateEntityPath } from '../../src-shared/paths.js';
import type { Forward } from './ipcRouter.js';

export interface FolderShell {
  /** Resolves to '' on success, else an error message (Electron's shell.openPath). */
  openPath(target: string): Promise<string>;
  showItemInFolder(target: string): void;
}

/**
 * `folder:open` needs a desktop, so the shell answers it instead of the core: the synced
 * folder opens in the file manager; a file inside it is shown selected in its folder (never
 * launched: the path comes from the renderer, and opening an arbitrary file would run it).
 * The path is checked like any entity path, so it cannot leave the folder.
 */
export async function openInFileManager(
  shell: FolderShell,
  folder: string,
  relPath: string | undefined,
  platform: string = process.platform,
): Promise<ResponseOf<'folder:open'>> {
  if (relPath === undefined || relPath === '') {
    const error = await shell.openPath(folder);
    return { opened: error === '', path: folder };
  }
  const target = pathInFolder(folder, relPath, platform);
  shell.showItemInFolder(target);
  return { opened: true, path: target };
}

/**
 * A path the renderer names, as a path in the synced folder: checked like any entity path and
 * against this platform's name rules (a name it can't hold is never joined: on Windows
 * `a\\..\\..` would climb), so it can't leave the folder. InvalidPath in words otherwise.
 */
export function pathInFolder(folder: string, relPath: string, platform: string): string {
  const checked = validateEntityPath(relPath);
  if (!checked.ok) throw new NetGuardianError('InvalidPath', checked.error.message, 'path');
  const why = nameProblem(checked.value, platform);
  if (why !== undefined)
    throw new NetGuardianError(
      'InvalidPath',
      `${relPath} can't be used here: its name ${why}`,
      'path',
    );
  return path.join(folder, ...checked.value.split('/'));
}

/** Routes `folder:open` to the file manager, with the folder taken from the core's settings. */
export function interceptFolderOpen(shell: FolderShell, forward: Forward): Forward {
  return async (channel: Channel, payload: RequestOf<Channel>) => {
    if (channel !== 'folder:open') return forward(channel, payload);
    const settings = (await forward('settings:get', {})) as ResponseOf<'settings:get'>;
    return openInFileManager(shell, settings.folder, (payload as RequestOf<'folder:open'>).path);
  };
}
