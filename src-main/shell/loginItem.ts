import path from 'node:path';
import type { Channel, RequestOf, SettingsView } from '../../src-shared/ipc/contract.js';
import type { Forward } from './ipcRouter.js';

/** Start-at-login as the settings screen sees it; `get` is null where it can't be done. */
export interface LoginItem {
  get(): boolean | null;
  set(enabled: boolean): void;
}

/** The argument a login launch carries, so the app starts in the tray without a window. */
export const HIDDEN_ARG = '--hidden';

/** macOS and Windows: Electron's own login items. */
export function electronLoginItem(app: {
  getLoginItemSettings(): { openAtLogin: boolean };
  setLoginItemSettings(settings: { openAtLogin: boolean; args?: string[] }): void;
}): LoginItem {
  return {
    get: () => app.getLoginItemSettings().openAtLogin,
    set: (enabled) => app.setLoginItemSettings({ openAtLogin: enabled, args: [HIDDEN_ARG] }),
  };
}

export interface AutostartFs {
  existsSync(file: string): boolean;
  mkdirSync(dir: string, options: { recursive: true }): unknown;
  writeFileSync(file: string, text: string): void;
  rmSync(file: string, options: { force: true }): void;
}

/**
 * Linux: Electron's login items do nothing there, so follow the freedesktop autostart spec
 * (a .desktop file in $XDG_CONFIG_HOME/autostart). `executable` is the AppImage itself when
 * running from one (process.execPath points inside its temporary mount).
 */
export function linuxAutostart(fs: AutostartFs, configHome: string, executable: string): LoginItem {
  const file = path.join(configHome, 'autostart', 'netguardian.desktop');
  return {
    get: () => fs.existsSync(file),
    set(enabled) {
      if (!enabled) {
        fs.rmSync(file, { force: true });
        return;
      }
      fs.mkdirSync(path.dirname(file), { recursive: true });
      // Desktop-entry quoting: the path in double quotes, with \ " ` $ escaped.
      const quoted = `"${executable.replace(/[\\"`$]/g, (c) => `\\${c}`)}"`;
      fs.writeFileSync(
        file,
        [
          '[Desktop Entry]',
          'Type=Application',
          'Name=NetGuardian',
          'Comment=Folder sync',
          `Exec=${quoted} ${HIDDEN_ARG}`,
          'X-GNOME-Autostart-enabled=true',
          '',
        ].join('\n'),
      );
    },
  };
}

/**
 * The core can't start an app at login (it runs headless too), so the shell owns that
 * setting: `settings:update` has its `startAtLogin` applied here and removed before the rest
 * reaches the core, and every SettingsView the core returns gets the real value.
 */
export function interceptLoginSetting(loginItem: LoginItem, forward: Forward): Forward {
  return async (channel: Channel, payload: RequestOf<Channel>) => {
    if (channel === 'settings:update') {
      const { startAtLogin, ...rest } = payload as RequestOf<'settings:update'>;
      if (startAtLogin !== undefined) loginItem.set(startAtLogin);
      return withLoginSetting(await forward(channel, rest), loginItem);
    }
    if (channel === 'settings:get')
      return withLoginSetting(await forward(channel, payload), loginItem);
    return forward(channel, payload);
  };
}

function withLoginSetting(value: unknown, loginItem: LoginItem): SettingsView {
  return { ...(value as SettingsView), startAtLogin: loginItem.get() };
}
