import path from 'node:path';
import type { TrayIcon } from './trayState.js';

export interface AppPaths {
  readonly preload: string;
  readonly coreProcess: string;
  readonly rendererDir: string;
  readonly windowIcon: string;
  trayIcon(icon: TrayIcon, platform: NodeJS.Platform): string;
}

/**
 * Where the shell's files are, from the directory of the bundled main.js (dist/electron).
 * The bundles sit side by side; the renderer is dist/renderer. Tray and window icons come
 * from assets/ and build/ in a checkout, and from the resources folder once packaged
 * (electron-builder.yml copies them there as extraResources, outside the asar archive,
 * because tray icons are read by the OS shell on some platforms).
 */
export function appPaths(options: {
  bundleDir: string;
  isPackaged: boolean;
  resourcesPath: string;
}): AppPaths {
  const { bundleDir, isPackaged, resourcesPath } = options;
  const root = path.resolve(bundleDir, '..', '..');
  const trayDir = isPackaged ? path.join(resourcesPath, 'tray') : path.join(root, 'assets', 'tray');
  return {
    preload: path.join(bundleDir, 'preload.cjs'),
    coreProcess: path.join(bundleDir, 'coreProcess.js'),
    rendererDir: path.resolve(bundleDir, '..', 'renderer'),
    windowIcon: isPackaged
      ? path.join(resourcesPath, 'icon.png')
      : path.join(root, 'build', 'icon.png'),
    trayIcon(icon, platform) {
      // macOS and Windows pick `name@2x.png` themselves on HiDPI; Linux trays draw at 22-32 px
      // and scale a 16 px image up blurrily, so they get the 32 px variant.
      return path.join(trayDir, platform === 'linux' ? `${icon}-32.png` : `${icon}.png`);
    },
  };
}
