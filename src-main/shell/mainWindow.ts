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
  /** Once the window is destroyed (its renderer process ends with it). */
  once(event: 'closed', listener: () => void): unknown;
  once(event: 'ready-to-show', listener: () => void): unknown;
  show(): void;
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

export interface WindowPlace {
  readonly preload: string;
  readonly url: string;
  readonly icon?: string;
}

/**
 * Creates one window with every guard in place before the page loads: new windows are denied
 * (allow-listed http(s) links go to the browser), navigation and redirects away from the app
 * are denied, webviews cannot attach, permission requests are refused. It shows itself on
 * 'ready-to-show', once its page has drawn. (The CSP and the `app` protocol belong to the session,
 * installed once by main.ts, so every window gets them.)
 */
export function openGuardedWindow<W extends WindowLike>(
  deps: WindowDeps<W>,
  place: WindowPlace,
): W {
  const { log } = deps;
  const window = deps.createWindow(windowOptions(place.preload, place.icon));
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

  window.once('ready-to-show', () => {
    if (!window.isDestroyed()) window.show();
  });
  contents.loadURL(place.url).catch((e: unknown) => {
    log.error({ error: String(e) }, 'could not load the renderer');
  });
  return window;
}

export interface MainWindow<W extends WindowLike> {
  /** The open window, or null while there is none (closed: the app lives in the tray). */
  readonly window: W | null;
  /** Brings the window up from the tray, a second launch, a notification or the dock. */
  reveal(): void;
}

/**
 * NetGuardian's window, there only while the user looks at it. Closing it destroys it, so its
 * renderer process and everything the page held go (the tray app stays light); the tray, the
 * menu and the core run on. `reveal` brings it back: restored and focused if it is open, a new
 * window made by `openGuardedWindow` (the same guards) otherwise. A new page asks the core for
 * its state as it loads (`state:get`), so it shows the state at once, not at the next push.
 * Started hidden (a launch at login), there is no window until the first reveal.
 */
export function createMainWindow<W extends WindowLike>(
  deps: WindowDeps<W>,
  options: WindowPlace & { readonly startHidden: boolean },
): MainWindow<W> {
  let current: W | null = null;
  const open = () => {
    const window = openGuardedWindow(deps, options);
    current = window;
    window.once('closed', () => {
      if (current === window) current = null;
      deps.log.info({}, 'window closed; its renderer is released');
    });
    return window;
  };
  const reveal = () => {
    const window = current;
    if (window === null || window.isDestroyed()) {
      open(); // shows itself once its page is ready: never a blank frame
      return;
    }
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  };
  if (!options.startHidden) open();
  return {
    get window() {
      return current !== null && !current.isDestroyed() ? current : null;
    },
    reveal,
  };
}
