import { describe, expect, it } from 'vitest';
import type { AppState } from '../../src-shared/ipc/contract.js';
import { createNotifier, noticesFor, type Notice } from './notifications.js';

const base: AppState = {
  phase: 'synced',
  headline: 'Synced',
  detail: 'All files are saved on this device (no hub set up).',
  deviceName: 'laptop',
  folder: '/f',
  hub: null,
  lastSyncAt: null,
  files: 10,
  folders: 0,
  conflicts: 0,
  pending: { upload: 0, download: 0, noticed: 0 },
  unsyncable: 0,
  progress: { scan: null, upload: null, download: null },
  lastError: null,
  paused: false,
};
const state = (patch: Partial<AppState>): AppState => ({ ...base, ...patch });

describe('notifications', () => {
  it('fires once per increase of the conflict count, not on every push', () => {
    const shown: Notice[] = [];
    const notify = createNotifier((n) => shown.push(n));
    notify(state({}));
    notify(state({ phase: 'conflicts', conflicts: 1 }));
    notify(state({ phase: 'conflicts', conflicts: 1, files: 11 }));
    notify(state({ phase: 'conflicts', conflicts: 1, files: 12 }));
    expect(shown.map((n) => n.title)).toEqual(['A new conflict to review']);
    notify(state({ phase: 'conflicts', conflicts: 3 }));
    expect(shown.map((n) => n.title)).toEqual([
      'A new conflict to review',
      '2 new conflicts to review',
    ]);
    notify(state({ phase: 'conflicts', conflicts: 2 }));
    expect(shown).toHaveLength(2);
  });

  it('treats conflicts present at start as the baseline', () => {
    expect(noticesFor(null, state({ phase: 'conflicts', conflicts: 4 }))).toEqual([]);
  });

  it('fires once per new error, again only after it cleared or changed', () => {
    const shown: Notice[] = [];
    const notify = createNotifier((n) => shown.push(n));
    notify(state({ phase: 'error', lastError: 'hub refused the login' }));
    notify(state({ phase: 'error', lastError: 'hub refused the login' }));
    notify(state({ phase: 'offline', lastError: 'hub refused the login' }));
    expect(shown).toEqual([{ kind: 'error', title: 'Sync failed', body: 'hub refused the login' }]);
    notify(state({ phase: 'error', lastError: 'disk full' }));
    notify(state({}));
    notify(state({ phase: 'error', lastError: 'disk full' }));
    expect(shown.map((n) => n.body)).toEqual(['hub refused the login', 'disk full', 'disk full']);
  });

  it('reports a conflict and an error arriving together as two notices', () => {
    const notices = noticesFor(state({}), state({ conflicts: 1, lastError: 'x' }));
    expect(notices.map((n) => n.kind)).toEqual(['conflict', 'error']);
  });
});
