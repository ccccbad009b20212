import type { AppState } from '../../src-shared/ipc/contract.js';
import {
  trayView,
  unavailableView,
  type TrayAction,
  type TrayIcon,
  type TrayMenuItem,
  type TrayView,
} from './trayState.js';

interface MenuTemplateItem {
  label?: string;
  type?: 'separator' | 'normal';
  enabled?: boolean;
  click?: () => void;
}

/** The parts of Electron's Tray, Menu and nativeImage the tray uses. */
export interface TrayDeps<Image, MenuT> {
  readonly Tray: new (image: Image) => {
    setImage(image: Image): void;
    setToolTip(tooltip: string): void;
    setContextMenu(menu: MenuT | null): void;
    on(event: 'click', listener: () => void): unknown;
    destroy(): void;
  };
  readonly Menu: { buildFromTemplate(template: MenuTemplateItem[]): MenuT };
  readonly nativeImage: { createFromPath(path: string): Image };
}

export interface AppTray {
  update(state: AppState | null): void;
  /** The core could not open the device: says why, until a state comes (`unavailableView`). */
  unavailable(reason: string): void;
  destroy(): void;
}

/**
 * The tray icon and its menu, redrawn from `trayView` on each state. It only redraws what
 * changed: a state push arrives many times a second during a sync, and rebuilding the
 * native menu that often makes it flicker on some desktops.
 */
export function createTray<Image, MenuT>(
  deps: TrayDeps<Image, MenuT>,
  options: { iconPath: (icon: TrayIcon) => string; onAction: (action: TrayAction) => void },
): AppTray {
  const images = new Map<TrayIcon, Image>();
  const image = (icon: TrayIcon) => {
    let found = images.get(icon);
    if (found === undefined) {
      found = deps.nativeImage.createFromPath(options.iconPath(icon));
      images.set(icon, found);
    }
    return found;
  };
  const toTemplate = (item: TrayMenuItem): MenuTemplateItem => {
    switch (item.kind) {
      case 'separator':
        return { type: 'separator' };
      case 'status':
        return { label: item.label, enabled: false };
      case 'action':
        return {
          label: item.label,
          enabled: item.enabled,
          click: () => options.onAction(item.action),
        };
      default: {
        const never: never = item;
        throw new Error(`unknown menu item ${JSON.stringify(never)}`);
      }
    }
  };

  const first = trayView(null);
  const tray = new deps.Tray(image(first.icon));
  // Windows and some Linux desktops open the window on a plain click; the menu is on right-click.
  tray.on('click', () => options.onAction('open-window'));
  let shown = { icon: first.icon as string, tooltip: '', menu: '' };

  const show = (view: TrayView) => {
    const menuKey = JSON.stringify(view.menu);
    if (view.icon !== shown.icon) tray.setImage(image(view.icon));
    if (view.tooltip !== shown.tooltip) tray.setToolTip(view.tooltip);
    if (menuKey !== shown.menu)
      tray.setContextMenu(deps.Menu.buildFromTemplate(view.menu.map(toTemplate)));
    shown = { icon: view.icon, tooltip: view.tooltip, menu: menuKey };
  };
  const update = (state: AppState | null) => show(trayView(state));
  update(null);
  return {
    update,
    unavailable: (reason) => show(unavailableView(reason)),
    destroy: () => tray.destroy(),
  };
}
