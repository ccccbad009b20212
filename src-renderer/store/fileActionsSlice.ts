import { countOf } from '../format/format.js';
import { messageOf } from '../transport/remoteError.js';
import type { FileActionsSlice, SliceCreator } from './types.js';

const nameOf = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/**
 * What a person does to the selected row: rename it in place, move it to the trash (with Undo,
 * which puts it back from this device's trash), open it or show it in the file manager. The
 * result is said next to the list, where the person is looking, not in the header.
 */
export const createFileActionsSlice: SliceCreator<FileActionsSlice> = (deps, set, get) => {
  const say = (result: FileActionsSlice['fileActions']['result']) =>
    set((s) => ({ fileActions: { ...s.fileActions, busy: false, result } }));
  const busy = () => set((s) => ({ fileActions: { ...s.fileActions, busy: true, result: null } }));

  return {
    fileActions: { renaming: null, busy: false, result: null, desktop: deps.desktop === true },

    startRename(path) {
      set((s) => ({ fileActions: { ...s.fileActions, renaming: path, result: null } }));
    },

    cancelRename() {
      set((s) => ({ fileActions: { ...s.fileActions, renaming: null } }));
    },

    async renameFile(path, name) {
      busy();
      try {
        const { path: renamed } = await deps.client.call('files:rename', { path, name });
        set((s) => ({ fileActions: { ...s.fileActions, renaming: null } }));
        say({ kind: 'info', text: `Renamed to ${nameOf(renamed)}.` });
        await get().refreshFiles();
        get().selectFile({ path: renamed, kind: get().files.selected?.kind ?? 'file' });
      } catch (error) {
        // The form stays open with the name typed, so it can be corrected.
        say({ kind: 'error', text: messageOf(error) });
      }
    },

    async trashFiles(paths) {
      busy();
      try {
        const { trashed, failed } = await deps.client.call('files:trash', { paths: [...paths] });
        const first = trashed[0];
        const text =
          trashed.length === 0
            ? ''
            : trashed.length === 1 && first
              ? `Moved ${nameOf(first.path)} to the trash.`
              : `Moved ${countOf(trashed.length, 'item')} to the trash.`;
        const why = failed[0] ? `${failed[0].reason}` : '';
        say(
          trashed.length === 0
            ? { kind: 'error', text: why }
            : {
                kind: failed.length > 0 ? 'error' : 'info',
                text: why ? `${text} ${why}` : text,
                undo: trashed.map((t) => t.id),
              },
        );
        if (trashed.length > 0) get().selectFile(null);
        await get().refreshFiles();
      } catch (error) {
        say({ kind: 'error', text: messageOf(error) });
      }
    },

    async undoTrash() {
      const ids = get().fileActions.result?.undo;
      if (!ids || ids.length === 0) return;
      busy();
      try {
        const { restored, failed } = await deps.client.call('trash:restore', { ids: [...ids] });
        say(
          failed.length > 0
            ? {
                kind: 'error',
                text: `${failed.length === 1 ? 'One item' : `${failed.length} items`} could not be put back: ${failed[0]?.reason ?? ''}`,
              }
            : {
                kind: 'info',
                text:
                  restored.length === 1
                    ? `Put ${nameOf(restored[0] ?? '')} back.`
                    : `Put ${countOf(restored.length, 'item')} back.`,
              },
        );
        await get().refreshFiles();
      } catch (error) {
        say({ kind: 'error', text: messageOf(error) });
      }
    },

    async revealFile(path) {
      try {
        await deps.client.call('folder:open', { path });
      } catch (error) {
        say({ kind: 'error', text: messageOf(error) });
      }
    },

    async openFile(path) {
      try {
        if (deps.desktop) {
          const { opened, message } = await deps.client.call('files:open', { path });
          if (!opened)
            say({
              kind: 'error',
              text: `${nameOf(path)} could not be opened${message ? `: ${message}` : ''}.`,
            });
        } else if (deps.download) await deps.download(path);
      } catch (error) {
        say({ kind: 'error', text: messageOf(error) });
      }
    },

    dismissFileResult() {
      set((s) => ({ fileActions: { ...s.fileActions, result: null } }));
    },
  };
};
