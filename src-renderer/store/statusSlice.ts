import type { PushMessage } from '../../src-shared/ipc/contract.js';
import { messageOf } from '../transport/remoteError.js';
import type { ActivitySlice, NoticeSlice, SliceCreator, StatusSlice } from './types.js';

/** Newest first; older items are still in the core's activity log. */
const MAX_ACTIVITY = 500;

/** The list of files that can't sync is read again on a state push at most this often (ms). */
const UNSYNCABLE_REFRESH_MS = 2_000;

export const createStatusSlice: SliceCreator<StatusSlice> = ({ client }, set, get) => {
  let unsyncableReadAt = -Infinity;
  return {
    status: { app: null, connection: 'connecting', error: null },

    async loadState() {
      try {
        const app = await client.call('state:get', {});
        set((s) => ({ status: { ...s.status, app, error: null } }));
      } catch (error) {
        set((s) => ({ status: { ...s.status, error: messageOf(error) } }));
      }
    },

    setConnection(connection) {
      const was = get().status.connection;
      set((s) => ({ status: { ...s.status, connection } }));
      // Pushes sent while we were away are lost: read everything on screen again.
      if (connection === 'online' && was === 'offline') {
        const s = get();
        void s.loadState();
        void s.loadActivity();
        void s.refreshFiles();
        if (s.conflicts.list !== null) void s.loadConflicts();
        void s.loadUnsyncable();
      }
    },

    async syncNow() {
      try {
        const { started } = await client.call('sync:now', {});
        get().notify('info', started ? 'Sync started.' : 'A sync is already running.');
      } catch (error) {
        get().notify('error', messageOf(error));
      }
    },

    async setPaused(paused) {
      try {
        await client.call('sync:pause', { paused });
        get().notify('info', paused ? 'Sync paused.' : 'Sync resumed.');
      } catch (error) {
        get().notify('error', messageOf(error));
      }
    },

    applyPush(message: PushMessage) {
      const s = get();
      switch (message.channel) {
        case 'state': {
          set((prev) => ({ status: { ...prev.status, app: message.payload, error: null } }));
          // State is pushed after scans and downloads, which may list or clear files.
          const now = Date.now();
          if (now - unsyncableReadAt >= UNSYNCABLE_REFRESH_MS) {
            unsyncableReadAt = now;
            void s.loadUnsyncable();
          }
          return;
        }
        case 'activity':
          set((prev) => ({
            activity: {
              ...prev.activity,
              // A repeated failure comes again under its id: it moves up, not in twice.
              items: [
                message.payload,
                ...(prev.activity.items ?? []).filter((i) => i.id !== message.payload.id),
              ].slice(0, MAX_ACTIVITY),
            },
          }));
          return;
        case 'files:changed': {
          void s.refreshFiles();
          const open = s.history.path;
          if (
            open !== null &&
            (message.payload.paths.length === 0 || message.payload.paths.includes(open))
          )
            void s.loadHistory(open);
          return;
        }
        case 'conflicts:changed':
          if (s.conflicts.list !== null || message.payload.count > 0) void s.loadConflicts();
          return;
        case 'import:progress':
          set((prev) => ({ upload: { ...prev.upload, progress: message.payload } }));
          return;
        case 'folder:moveProgress':
          set({ folderMove: { progress: message.payload } });
          return;
        default: {
          const never: never = message;
          return never;
        }
      }
    },
  };
};

export const createActivitySlice: SliceCreator<ActivitySlice> = ({ client }, set) => ({
  activity: { items: null, error: null },
  async loadActivity() {
    try {
      const items = await client.call('activity:list', {});
      // The core answers oldest or newest first; show newest first either way.
      const sorted = [...items].sort((a, b) => b.at - a.at || b.id - a.id).slice(0, MAX_ACTIVITY);
      set({ activity: { items: sorted, error: null } });
    } catch (error) {
      set((s) => ({ activity: { ...s.activity, error: messageOf(error) } }));
    }
  },
});

/** How long a notice that only informs stays: long enough to read a sentence twice. */
export const INFO_NOTICE_MS = 8_000;

/**
 * One notice at a time under the header. One that informs ("Sync started") goes away by itself;
 * an error stays until it is dismissed: it may say something the user has to act on.
 */
export const createNoticeSlice: SliceCreator<NoticeSlice> = (_deps, set, get) => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return {
    notice: null,
    notify: (kind, text) => {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      const notice = { kind, text };
      set({ notice });
      if (kind === 'info')
        timer = setTimeout(() => {
          timer = undefined;
          // Only this notice: a newer one keeps its own time.
          if (get().notice === notice) set({ notice: null });
        }, INFO_NOTICE_MS);
    },
    dismissNotice: () => {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      set({ notice: null });
    },
  };
};
