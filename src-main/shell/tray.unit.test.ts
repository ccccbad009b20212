import { describe, expect, it } from 'vitest';
import type { AppState } from '../../src-shared/ipc/contract.js';
import { createTray } from './tray.js';
import type { TrayAction, TrayIcon } from './trayState.js';

interface Item {
  label?: string;
  type?: string;
  enabled?: boolean;
  click?: () => void;
}

function setup() {
  const calls = { image: [] as string[], tooltip: [] as string[], menus: [] as Item[][] };
  let clickListener: (() => void) | null = null;
  class FakeTray {
    constructor(image: string) {
      calls.image.push(image);
    }
    setImage(image: string) {
      calls.image.push(image);
    }
    setToolTip(tooltip: string) {
      calls.tooltip.push(tooltip);
    }
    setContextMenu(menu: Item[] | null) {
      if (menu) calls.menus.push(menu);
    }
    on(_event: 'click', listener: () => void) {
      clickListener = listener;
    }
    destroy() {}
  }
  const actions: TrayAction[] = [];
  const tray = createTray<string, Item[]>(
    {
      Tray: FakeTray,
      Menu: { buildFromTemplate: (template) => template },
      nativeImage: { createFromPath: (p) => `image:${p}` },
    },
    { iconPath: (icon: TrayIcon) => `/tray/${icon}.png`, onAction: (a) => actions.push(a) },
  );
  return { tray, calls, actions, click: () => clickListener?.() };
}

const state: AppState = {
  phase: 'synced',
  headline: 'Synced',
  detail: 'All files are saved on this device (no hub set up).',
  deviceName: 'laptop',
  folder: '/f',
  hub: null,
  lastSyncAt: null,
  files: 2,
  folders: 0,
  conflicts: 0,
  pending: { upload: 0, download: 0, noticed: 0 },
  unsyncable: 0,
  progress: { scan: null, upload: null, download: null },
  lastError: null,
  paused: false,
};

describe('tray', () => {
  it('starts with the syncing icon and redraws on state', () => {
    const t = setup();
    expect(t.calls.image).toEqual(['image:/tray/syncing.png']);
    t.tray.update(state);
    expect(t.calls.image.at(-1)).toBe('image:/tray/synced.png');
    expect(t.calls.tooltip.at(-1)).toBe('NetGuardian — Synced');
  });

  it('does not rebuild the native menu when nothing shown changed', () => {
    const t = setup();
    t.tray.update(state);
    const counts = [t.calls.image.length, t.calls.tooltip.length, t.calls.menus.length];
    t.tray.update({ ...state, lastSyncAt: 123 });
    expect([t.calls.image.length, t.calls.tooltip.length, t.calls.menus.length]).toEqual(counts);
  });

  it('runs the action of each menu item, and opens the window on a click', () => {
    const t = setup();
    t.tray.update(state);
    const menu = t.calls.menus.at(-1) ?? [];
    for (const item of menu) item.click?.();
    expect(t.actions).toEqual(['open-window', 'open-folder', 'sync-now', 'toggle-pause', 'quit']);
    t.click();
    expect(t.actions.at(-1)).toBe('open-window');
    expect(menu.filter((i) => i.type === 'separator')).toHaveLength(3);
  });

  it('turns Pause into Resume when paused', () => {
    const t = setup();
    t.tray.update({ ...state, phase: 'paused', headline: 'Paused', paused: true });
    const labels = (t.calls.menus.at(-1) ?? []).map((i) => i.label);
    expect(labels).toContain('Resume syncing');
    expect(labels).not.toContain('Pause syncing');
    expect(t.calls.image.at(-1)).toBe('image:/tray/paused.png');
  });
});
