import { addedWords } from '../../src-shared/activityText.js';
import { messageOf } from '../transport/remoteError.js';
import type { SliceCreator, UploadSlice } from './types.js';

/** One drop at a time: a second drop while copying is refused with a message, not queued. */
export const createUploadSlice: SliceCreator<UploadSlice> = ({ upload, pick }, set, get) => ({
  upload: { active: false, progress: null, result: null, error: null },

  async startPick(folders, targetDir) {
    if (!pick) return;
    // The dialog is the system's: nothing shows as copying until something was picked.
    try {
      const picked = await pick(folders, targetDir);
      if (picked.canceled) return;
      await get().startUpload({ files: [], entries: [] }, targetDir, () => Promise.resolve(picked));
    } catch (error) {
      set((s) => ({ upload: { ...s.upload, active: false, error: messageOf(error) } }));
    }
  },

  async startUpload(drop, targetDir, copied) {
    if (get().upload.active) {
      set((s) => ({
        upload: {
          ...s.upload,
          error: 'Still copying the previous drop; try again when it is done.',
        },
      }));
      return;
    }
    set({ upload: { active: true, progress: null, result: null, error: null } });
    try {
      const report = await (
        copied ??
        (() =>
          upload(drop, targetDir, (progress) =>
            set((s) => ({ upload: { ...s.upload, progress } })),
          ))
      )();
      set((s) => ({
        upload: { ...s.upload, active: false, result: `${addedWords(report, targetDir)}.` },
      }));
    } catch (error) {
      set((s) => ({ upload: { ...s.upload, active: false, error: messageOf(error) } }));
    }
  },

  dismissUpload: () =>
    set({ upload: { active: false, progress: null, result: null, error: null } }),
});
