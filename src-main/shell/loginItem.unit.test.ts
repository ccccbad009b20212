import { describe, expect, it, vi } from 'vitest';
import type { SettingsView } from '../../src-shared/ipc/contract.js';
import {
  electronLoginItem,
  HIDDEN_ARG,
  interceptLoginSetting,
  linuxAutostart,
  type AutostartFs,
  type LoginItem,
} from './loginItem.js';

const view: SettingsView = {
  folder: '/f',
  deviceName: 'laptop',
  hub: null,
  syncIntervalMs: 30_000,
  paused: false,
  ignoreRules: '',
  startAtLogin: null,
};

function memoryLoginItem(initial: boolean): LoginItem & { value: boolean } {
  const item = {
    value: initial,
    get: () => item.value,
    set: (enabled: boolean) => {
      item.value = enabled;
    },
  };
  return item;
}

describe('start at login', () => {
  it('settings:update applies startAtLogin in the shell and forwards the rest without it', async () => {
    const login = memoryLoginItem(false);
    const forward = vi.fn((_channel: string, _payload: unknown) => Promise.resolve(view));
    const intercepted = interceptLoginSetting(login, forward);
    const result = await intercepted('settings:update', { startAtLogin: true, paused: true });
    expect(login.value).toBe(true);
    expect(forward).toHaveBeenCalledExactlyOnceWith('settings:update', { paused: true });
    expect(result).toEqual({ ...view, startAtLogin: true });
  });

  it('settings:get reports the real login setting; other channels pass through untouched', async () => {
    const login = memoryLoginItem(true);
    const forward = vi.fn((channel: string) =>
      Promise.resolve(channel === 'settings:get' ? view : { started: true }),
    );
    const intercepted = interceptLoginSetting(login, forward);
    expect(await intercepted('settings:get', {})).toEqual({ ...view, startAtLogin: true });
    expect(await intercepted('sync:now', {})).toEqual({ started: true });
  });

  it("uses Electron's login items on macOS and Windows, starting hidden", () => {
    const settings = { openAtLogin: false };
    const setLoginItemSettings = vi.fn((s: { openAtLogin: boolean }) => {
      settings.openAtLogin = s.openAtLogin;
    });
    const item = electronLoginItem({ getLoginItemSettings: () => settings, setLoginItemSettings });
    item.set(true);
    expect(setLoginItemSettings).toHaveBeenCalledWith({ openAtLogin: true, args: [HIDDEN_ARG] });
    expect(item.get()).toBe(true);
  });

  it('writes and removes a freedesktop autostart entry on Linux', () => {
    const files = new Map<string, string>();
    const fs: AutostartFs = {
      existsSync: (f) => files.has(f),
      mkdirSync: () => undefined,
      writeFileSync: (f, text) => files.set(f, text),
      rmSync: (f) => files.delete(f),
    };
    const item = linuxAutostart(fs, '/home/ada/.config', '/opt/Net "Guardian"/app.AppImage');
    expect(item.get()).toBe(false);
    item.set(true);
    expect(item.get()).toBe(true);
    const entry = files.get('/home/ada/.config/autostart/netguardian.desktop') ?? '';
    expect(entry).toContain('[Desktop Entry]');
    expect(entry).toContain('Exec="/opt/Net \\"Guardian\\"/app.AppImage" --hidden');
    item.set(false);
    expect(item.get()).toBe(false);
  });
});
