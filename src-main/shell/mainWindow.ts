import { isAllowedExternalLink } from './externalLinks.js';
import type { ShellLog } from './shellLog.js';

/**
 * The web preferences of NetGuardian's window, straight from Electron's security checklist:
 * isolated and sandboxed renderer without Node, web security on, no webview, no
 * drag-and-drop navigation (a dropped file is handled by the page, never opened as a page).
 */
export function secureWebPreferences(preload?: string) {
  return {
    ...(preload === undefined ? {} : { preload }),
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  } as const;
}

interface Preventable {
  preventDefault(): void;
}

/** The parts of BrowserWindow / WebContents the shell touches. */
export interface WindowLike {
  readonly webContents: {
    setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
    on(
      event: 'will-navigate' | 'will-redirect',
      listener: (event: Preventable, url: string) => void,
    ): unknown;
    on(event: 'will-attach-webview', listener: (event: Preventable) => void): unknown;
    loadURL(url: string): Promise<void>;
    send(channel: string, ...args: unknown[]): void;
    isDestroyed(): boolean;
    readonly session: {
      setPermissionRequestHandler(
        handler: (wc: unknown, permission: string, callback: (granted: boolean) => void) => void,
      ): void;
      setPermissionCheckHandler(handler: () => boolean): void;
    };
  };
  on(event: 'close', listener: (event: Preventable) => void): unknown;
  once(event: 'ready-to-show', listener: () => void): unknown;
  show(): void;
  hide(): void;
  focus(): void;
  restore(): void;
  isMinimized(): boolean;
  isDestroyed(): boolean;
}

export interface WindowDeps<W extends WindowLike> {
  readonly createWindow: (options: ReturnType<typeof windowOptions>) => W;
  readonly openExternal: (url: string) => Promise<void>;
  readonly log: ShellLog;
}

export function windowOptions(preload: string, icon: string | undefined) {
  return {
    width: 1100,
    height: 740,
    minWidth: 720,
    minHeight: 480,
    title: 'NetGuardian',
    // Shown on 'ready-to-show' so the user never sees a blank frame.
    show: false,
    ...(icon === undefined ? {} : { icon }),
    webPreferences: secureWebPreferences(preload),
  };
}

export interface MainWindow<W extends WindowLike> {
  readonly window: W;
  /** Brings the window up from the tray, a second launch or the dock. */
  reveal(): void;
}

/**
 * Creates the window with every guard in place before the page loads: new windows are
 * denied (allow-listed http(s) links go to the browser), navigation and redirects away from
 * the app are denied, webviews cannot attach, permission requests are refused. Closing the
 * window hides it (the app lives in the tray) unless `isQuitting()` says the app is quitting.
 */
export function createMainWindow<W extends WindowLike>(
  deps: WindowDeps<W>,
  options: {
    preload: string;
    url: string;
    icon?: string;
    isQuitting: () => boolean;
    startHidden: boolean;
  },
): MainWindow<W> {
  const { log } = deps;
  const window = deps.createWindow(windowOptions(options.preload, options.icon));
  const contents = window.webContents;

  contents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternalLink(url)) {
      deps.openExternal(url).catch((e: unknown) => {
        log.warn({ error: String(e) }, 'could not open link');
      });
    } else {
      log.warn({ url: url.slice(0, 200) }, 'denied new window');
    }
    return { action: 'deny' };
  });
  const denyNavigation = (event: Preventable, url: string) => {
    event.preventDefault();
    log.warn({ url: String(url).slice(0, 200) }, 'denied navigation');
  };
  contents.on('will-navigate', denyNavigation);
  contents.on('will-redirect', denyNavigation);
  contents.on('will-attach-webview', (event: Preventable) => {
    event.preventDefault();
  });
  contents.session.setPermissionRequestHandler((_wc, permission, callback) => {
    log.warn({ permission }, 'denied permission');
    callback(false);
  });
  contents.session.setPermissionCheckHandler(() => false);

  window.on('close', (event: Preventable) => {
    if (options.isQuitting()) return;
    event.preventDefault();
    window.hide();
  });

  const reveal = () => {
    if (window.isDestroyed()) return;
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  };
  if (!options.startHidden) window.once('ready-to-show', reveal);

  contents.loadURL(options.url).catch((e: unknown) => {
    log.error({ error: String(e) }, 'could not load the renderer');
  });
  return { window, reveal };
}
