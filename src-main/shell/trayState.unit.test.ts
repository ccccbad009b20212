import { describe, expect, it } from 'vitest';
import type { AppPhase, AppState } from '../../src-shared/ipc/contract.js';
import { TRAY_ICONS, trayView, type TrayMenuItem } from './trayState.js';

const base: AppState = {
  phase: 'synced',
  deviceName: 'laptop',
  folder: '/home/ada/NetGuardian',
  hub: { description: 'hub.example.org', connected: true },
  lastSyncAt: 1_700_000_000_000,
  files: 1234,
  conflicts: 0,
  pending: { upload: 0, download: 0 },
  progress: { scan: null, upload: null, download: null },
  lastError: null,
  paused: false,
};
const state = (patch: Partial<AppState>): AppState => ({ ...base, ...patch });

const actions = (menu: readonly TrayMenuItem[]) =>
  menu.flatMap((item) => (item.kind === 'action' ? [item] : []));

describe('trayView', () => {
  const cases: Array<[AppPhase, Partial<AppState>, string, string]> = [
    ['starting', {}, 'syncing', 'NetGuardian — Starting'],
    ['synced', {}, 'synced', 'NetGuardian — Up to date (1,234 files)'],
    [
      'scanning',
      {
        progress: {
          scan: { done: 50, total: null, bytes: 0, label: '' },
          upload: null,
          download: null,
        },
      },
      'syncing',
      'NetGuardian — Scanning 50 files',
    ],
    [
      'syncing',
      {
        progress: {
          scan: null,
          upload: { done: 100, total: 300, bytes: 0, label: '' },
          download: { done: 20, total: 100, bytes: 0, label: '' },
        },
      },
      'syncing',
      'NetGuardian — Syncing 120/400 files',
    ],
    [
      'syncing',
      { pending: { upload: 7, download: 0 } },
      'syncing',
      'NetGuardian — Syncing (7 pending)',
    ],
    ['paused', { paused: true }, 'paused', 'NetGuardian — Paused'],
    ['conflicts', { conflicts: 3 }, 'conflicts', 'NetGuardian — 3 conflicts to review'],
    ['conflicts', { conflicts: 1 }, 'conflicts', 'NetGuardian — 1 conflict to review'],
    ['offline', {}, 'offline', 'NetGuardian — Offline: the hub is unreachable, changes wait here'],
    ['error', { lastError: 'disk full' }, 'error', 'NetGuardian — Error: disk full'],
  ];
  it.each(cases)('%s %j → %s icon, "%s"', (phase, patch, icon, tooltip) => {
    const view = trayView(state({ phase, ...patch }));
    expect(view.icon).toBe(icon);
    expect(view.tooltip).toBe(tooltip);
    expect(TRAY_ICONS).toContain(view.icon);
  });

  it('says when the folder is local only', () => {
    expect(trayView(state({ hub: null, files: 1 })).tooltip).toBe(
      'NetGuardian — Up to date (1 file, local only)',
    );
  });

  it('keeps tooltips within the 127 characters Windows shows', () => {
    const view = trayView(state({ phase: 'error', lastError: 'x'.repeat(500) }));
    expect(view.tooltip.length).toBe(127);
    expect(view.tooltip.endsWith('…')).toBe(true);
  });

  it('offers the five actions; Pause becomes Resume, and Sync now is off while paused', () => {
    const running = actions(trayView(state({})).menu);
    expect(running.map((a) => a.action)).toEqual([
      'open-window',
      'open-folder',
      'sync-now',
      'toggle-pause',
      'quit',
    ]);
    expect(running.find((a) => a.action === 'toggle-pause')?.label).toBe('Pause syncing');
    expect(running.every((a) => a.enabled)).toBe(true);

    const paused = actions(trayView(state({ phase: 'paused', paused: true })).menu);
    expect(paused.find((a) => a.action === 'toggle-pause')?.label).toBe('Resume syncing');
    expect(paused.find((a) => a.action === 'sync-now')?.enabled).toBe(false);
  });

  it('before the first state, only Open and Quit work', () => {
    const view = trayView(null);
    expect(view.icon).toBe('syncing');
    const enabled = actions(view.menu)
      .filter((a) => a.enabled)
      .map((a) => a.action);
    expect(enabled).toEqual(['open-window', 'quit']);
    expect(view.menu[0]).toEqual({ kind: 'status', label: 'Starting' });
  });
});
