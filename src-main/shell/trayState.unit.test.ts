import { describe, expect, it } from 'vitest';
import type { AppPhase, AppState } from '../../src-shared/ipc/contract.js';
import { TRAY_ICONS, trayView, unavailableView, type TrayMenuItem } from './trayState.js';

const base: AppState = {
  phase: 'synced',
  headline: 'Synced',
  detail: 'All files are up to date.',
  deviceName: 'laptop',
  folder: '/home/ada/NetGuardian',
  hub: { description: 'hub.example.org', connected: true },
  lastSyncAt: 1_700_000_000_000,
  files: 1234,
  folders: 0,
  conflicts: 0,
  pending: { upload: 0, download: 0, noticed: 0 },
  unsyncable: 0,
  progress: { scan: null, upload: null, download: null },
  lastError: null,
  paused: false,
};
const state = (patch: Partial<AppState>): AppState => ({ ...base, ...patch });

const actions = (menu: readonly TrayMenuItem[]) =>
  menu.flatMap((item) => (item.kind === 'action' ? [item] : []));

describe('trayView', () => {
  // The headline is the core's (`summarizeState`); the tray picks the icon and shows it as it is.
  const cases: Array<[AppPhase, string, string]> = [
    ['starting', 'Starting…', 'syncing'],
    ['synced', 'Synced', 'synced'],
    ['scanning', 'Looking for changes', 'syncing'],
    ['scanning', 'Noticed 1 change', 'syncing'],
    ['syncing', 'Syncing 214 changes', 'syncing'],
    ['syncing', 'Uploading 3 files (40 MB)', 'syncing'],
    ['paused', 'Paused', 'paused'],
    ['conflicts', '3 conflicts to review', 'conflicts'],
    ['unsyncable', "3 files can't sync", 'conflicts'],
    ['offline', 'Offline — changes are kept and sent when the hub is back', 'offline'],
    ['error', 'Error: disk full', 'error'],
    ['folder-missing', 'Folder missing — nothing is recorded or written until it is back', 'error'],
  ];
  it.each(cases)('%s "%s" → %s icon', (phase, headline, icon) => {
    const view = trayView(state({ phase, headline }));
    expect(view.icon).toBe(icon);
    expect(view.tooltip).toBe(`NetGuardian — ${headline}`);
    expect(view.menu[0]).toEqual({ kind: 'status', label: headline });
    expect(TRAY_ICONS).toContain(view.icon);
  });

  it('keeps tooltips within the 127 characters Windows shows', () => {
    const view = trayView(state({ phase: 'error', headline: `Error: ${'x'.repeat(500)}` }));
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

    const paused = actions(
      trayView(state({ phase: 'paused', headline: 'Paused', paused: true })).menu,
    );
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

describe('a core that could not open the device', () => {
  it('shows the reason with the error icon, and only what still works', () => {
    const view = unavailableView(
      'another NetGuardian (pid 4242) is running this device: use it, or quit it first',
    );
    expect(view.icon).toBe('error');
    expect(view.tooltip).toBe(
      'NetGuardian — Error: another NetGuardian (pid 4242) is running this device: use it, or quit it first',
    );
    expect(view.menu.filter((i) => i.kind === 'action').map((i) => i.label)).toEqual([
      'Open NetGuardian',
      'Quit NetGuardian',
    ]);
    expect(view.menu[0]).toMatchObject({ kind: 'status' });
  });

  it("says a raw system failure in the catalogue's words, never its code", () => {
    const view = unavailableView("EACCES: permission denied, open '/home/ada/.netguardian/lock'");
    expect(view.menu[0]).toEqual({
      kind: 'status',
      // Cut at 80 characters, as every status line is.
      label: 'Error: NetGuardian is not allowed to read or change /home/ada/.netguardian/lock…',
    });
    expect(view.tooltip).not.toContain('EACCES');
  });
});
