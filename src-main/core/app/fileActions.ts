import { NetGuardianError } from '../../../src-shared/errors.js';
import { countOf } from '../../../src-shared/words.js';
import type { ContractHandlers } from '../../../src-shared/ipc/contract.js';
import type { Device } from '../device/device.js';
import { moveToTrash, renameInFolder } from '../files/folderEdits.js';
import type { ServiceCore } from './serviceCore.js';

type FileActionHandlers = Pick<
  ContractHandlers,
  'files:pick' | 'files:open' | 'files:rename' | 'files:trash' | 'trash:restore'
>;

/**
 * Rename, move to the trash, and put back: the Files screen's actions on its rows. Each changes
 * the folder, then has the scanner record the paths at once (so the list shows it and it syncs
 * now, not at the watcher's next batch).
 */
export function createFileActionHandlers(core: ServiceCore): FileActionHandlers {
  const device = () => core.host.device();

  const recorded = async (d: Device, paths: readonly string[]) => {
    await d.scanner.scanPaths(paths);
    core.publish({ channel: 'files:changed', payload: { paths: [...paths] } });
    core.refresh();
    d.requestSync();
  };

  return {
    // The desktop app's shell answers it with the system's dialog (shell/filePicker.ts).
    'files:pick': () =>
      Promise.reject(
        new NetGuardianError(
          'InvalidArgument',
          "files:pick: the system's file picker is only in the desktop app; in a browser use the page's Add buttons",
        ),
      ),

    // The same: only the desktop app has the system's apps; a browser downloads the file.
    'files:open': () =>
      Promise.reject(
        new NetGuardianError(
          'InvalidArgument',
          'files:open: opening a file in its app is only in the desktop app; in a browser, download it',
        ),
      ),

    'files:rename': async ({ path, name }) => {
      const d = await device();
      const renamed = await renameInFolder(d.root, path, name);
      if (!renamed.ok) throw renamed.error;
      if (renamed.value !== path) {
        await recorded(d, [path, renamed.value]);
        core.note({
          kind: 'change',
          message: `Renamed ${path} to ${renamed.value}`,
          path: renamed.value,
        });
      }
      return { path: renamed.value };
    },

    'files:trash': async ({ paths }) => {
      const d = await device();
      const trashed: { path: string; id: string }[] = [];
      const failed: { path: string; reason: string }[] = [];
      for (const path of new Set(paths)) {
        const moved = await moveToTrash(d.root, d.materializer.trash, path);
        if (moved.ok) trashed.push({ path, id: moved.value.id });
        else failed.push({ path, reason: moved.error.message });
      }
      if (trashed.length > 0) {
        await recorded(
          d,
          trashed.map((t) => t.path),
        );
        const only = trashed.length === 1 ? trashed[0] : undefined;
        core.note(
          only
            ? { kind: 'change', message: `Moved ${only.path} to the trash`, path: only.path }
            : {
                kind: 'change',
                message: `Moved ${countOf(trashed.length, 'item')} to the trash`,
              },
        );
      }
      return { trashed, failed };
    },

    'trash:restore': async ({ ids }) => {
      const d = await device();
      const restored: string[] = [];
      const failed: { id: string; reason: string }[] = [];
      for (const id of new Set(ids)) {
        const back = await d.materializer.trash.restore(id, d.root);
        if (back.ok) restored.push(back.value);
        else failed.push({ id, reason: back.error.message });
      }
      if (restored.length > 0) {
        await recorded(d, restored);
        core.note({
          kind: 'change',
          message:
            restored.length === 1
              ? `Put ${restored[0]} back from the trash`
              : `Put ${countOf(restored.length, 'item')} back from the trash`,
        });
      }
      if (restored.length === 0 && failed[0])
        throw new NetGuardianError('NotFound', failed[0].reason, 'ids');
      return { restored, failed };
    },
  };
}
