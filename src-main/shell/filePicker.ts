import type { Channel, RequestOf, ResponseOf } from '../../src-shared/ipc/contract.js';
import type { Forward } from './ipcRouter.js';
import type { VouchedPaths } from './vouchedPaths.js';

/** The slice of Electron's `dialog.showOpenDialog` the picker uses. */
export interface OpenDialog {
  (options: {
    readonly title: string;
    readonly buttonLabel: string;
    readonly properties: readonly ('openFile' | 'openDirectory' | 'multiSelections')[];
  }): Promise<{ readonly canceled: boolean; readonly filePaths: readonly string[] }>;
}

/**
 * `files:pick` needs the system's own open dialog, so the shell answers it: the person picks
 * files or folders, the shell vouches for exactly those paths (they came from its own dialog,
 * not from the page) and imports them into the folder shown (`files:import`, which keeps a
 * folder's tree). Cancelled: nothing is copied.
 */
export async function pickAndImport(
  dialog: OpenDialog,
  vouched: VouchedPaths,
  forward: Forward,
  { folders, targetDir }: RequestOf<'files:pick'>,
): Promise<ResponseOf<'files:pick'>> {
  const chosen = await dialog({
    title: folders ? 'Add folders to the synced folder' : 'Add files to the synced folder',
    buttonLabel: 'Add',
    properties: [folders ? 'openDirectory' : 'openFile', 'multiSelections'],
  });
  if (chosen.canceled || chosen.filePaths.length === 0)
    return { canceled: true, files: 0, folders: 0, bytes: 0 };
  for (const p of chosen.filePaths) vouched.vouch(p);
  const report = (await forward('files:import', {
    paths: [...chosen.filePaths],
    targetDir,
  })) as ResponseOf<'files:import'>;
  return { canceled: false, ...report };
}

/** Routes `files:pick` to the system's dialog; everything else goes on. */
export function interceptPick(
  dialog: OpenDialog,
  vouched: VouchedPaths,
  forward: Forward,
): Forward {
  return async (channel: Channel, payload: RequestOf<Channel>) =>
    channel === 'files:pick'
      ? pickAndImport(dialog, vouched, forward, payload as RequestOf<'files:pick'>)
      : forward(channel, payload);
}
