import { describe, expect, it, vi } from 'vitest';
import { appMenuTemplate, type AppMenuItem } from './appMenu.js';
import { appPaths } from './appPaths.js';

const flatten = (items: AppMenuItem[]): AppMenuItem[] =>
  items.flatMap((i) => [i, ...flatten(i.submenu ?? [])]);

describe('application menu', () => {
  it.each(['darwin', 'linux', 'win32'] as const)(
    'on %s has Quit and no devtools or reload',
    (platform) => {
      const quit = vi.fn();
      const items = flatten(
        appMenuTemplate(platform, { quit, openWindow: vi.fn(), openFolder: vi.fn() }),
      );
      const quitItem = items.find((i) => i.label === 'Quit NetGuardian');
      quitItem?.click?.();
      expect(quit).toHaveBeenCalledOnce();
      const roles = items.map((i) => i.role).filter(Boolean);
      expect(roles).not.toContain('toggleDevTools');
      expect(roles).not.toContain('reload');
      expect(roles).toContain('copy');
    },
  );
});

describe('app paths', () => {
  it('finds bundles beside main.js and icons in the checkout', () => {
    const paths = appPaths({
      bundleDir: '/repo/dist/electron',
      isPackaged: false,
      resourcesPath: '/x',
    });
    expect(paths.preload).toBe('/repo/dist/electron/preload.cjs');
    expect(paths.coreProcess).toBe('/repo/dist/electron/coreProcess.js');
    expect(paths.rendererDir).toBe('/repo/dist/renderer');
    expect(paths.windowIcon).toBe('/repo/build/icon.png');
    expect(paths.trayIcon('synced', 'darwin')).toBe('/repo/assets/tray/synced.png');
    expect(paths.trayIcon('error', 'linux')).toBe('/repo/assets/tray/error-32.png');
  });

  it('finds icons in the resources folder once packaged', () => {
    const paths = appPaths({
      bundleDir: '/opt/NetGuardian/resources/app.asar/dist/electron',
      isPackaged: true,
      resourcesPath: '/opt/NetGuardian/resources',
    });
    expect(paths.trayIcon('paused', 'win32')).toBe('/opt/NetGuardian/resources/tray/paused.png');
    expect(paths.windowIcon).toBe('/opt/NetGuardian/resources/icon.png');
  });
});
