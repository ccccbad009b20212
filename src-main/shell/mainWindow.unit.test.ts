import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { APP_ENTRY_URL } from './appOrigin.js';
import { createMainWindow, type windowOptions, type WindowLike } from './mainWindow.js';

/** A BrowserWindow double: records what the shell configures and lets a test fire events. */
class FakeWindow extends EventEmitter implements WindowLike {
  openHandler: ((details: { url: string }) => { action: 'deny' }) | null = null;
  permissionHandler:
    ((wc: unknown, permission: string, callback: (granted: boolean) => void) => void) | null = null;
  permissionCheck: (() => boolean) | null = null;
  visible = false;
  minimized = false;
  destroyed = false;
  focused = false;
  loaded: string[] = [];
  readonly contentsEvents = new EventEmitter();
  readonly webContents = {
    setWindowOpenHandler: (h: (details: { url: string }) => { action: 'deny' }) => {
      this.openHandler = h;
    },
    on: (event: string, listener: (...args: never[]) => void) =>
      this.contentsEvents.on(event, listener as (...args: unknown[]) => void),
    loadURL: (url: string) => {
      this.loaded.push(url);
      return Promise.resolve();
    },
    send: () => undefined,
    isDestroyed: () => false,
    session: {
      setPermissionRequestHandler: (
        h: (wc: unknown, permission: string, callback: (granted: boolean) => void) => void,
      ) => {
        this.permissionHandler = h;
      },
      setPermissionCheckHandler: (h: () => boolean) => {
        this.permissionCheck = h;
      },
    },
  };
  constructor(readonly options: ReturnType<typeof windowOptions>) {
    super();
  }
  show() {
    this.visible = true;
  }
  focus() {
    this.focused = true;
  }
  restore() {
    this.minimized = false;
  }
  isMinimized() {
    return this.minimized;
  }
  isDestroyed() {
    return this.destroyed;
  }
  /** As Electron closes a window: 'close' (which may be prevented), then destroyed and 'closed'. */
  close() {
    const event = { prevented: false, preventDefault: () => (event.prevented = true) };
    this.emit('close', event);
    if (event.prevented) return;
    this.destroyed = true;
    this.visible = false;
    this.emit('closed');
  }
}

function openMain(options: { startHidden?: boolean } = {}) {
  const openExternal = vi.fn(() => Promise.resolve());
  const log = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
  const created: FakeWindow[] = [];
  const main = createMainWindow(
    {
      createWindow: (o) => {
        const window = new FakeWindow(o);
        created.push(window);
        return window;
      },
      openExternal,
      log,
    },
    {
      preload: '/app/dist/electron/preload.cjs',
      url: APP_ENTRY_URL,
      startHidden: options.startHidden ?? false,
    },
  );
  return { main, created, openExternal, log };
}

/** The app started visibly: its first window is there at once. */
function open() {
  const opened = openMain();
  const window = opened.created[0];
  if (window === undefined) throw new Error('no window was created');
  return { ...opened, window };
}

const preventable = () => {
  const event = { prevented: false, preventDefault: () => (event.prevented = true) };
  return event;
};

describe('main window', () => {
  it('is isolated, sandboxed, without Node, with web security, using our preload', () => {
    const { window } = open();
    expect(window.options.webPreferences).toMatchObject({
      preload: '/app/dist/electron/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(window.loaded).toEqual([APP_ENTRY_URL]);
  });

  it('denies every new window; only allow-listed https links go to the browser', () => {
    const { window, openExternal } = open();
    const handler = window.openHandler;
    if (handler === null) throw new Error('no window-open handler');
    expect(handler({ url: 'https://github.com/netguardian' })).toEqual({ action: 'deny' });
    expect(handler({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(handler({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(handler({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    expect(openExternal).toHaveBeenCalledExactlyOnceWith('https://github.com/netguardian');
  });

  it.each(['will-navigate', 'will-redirect'])('cancels %s away from the app', (name) => {
    const { window } = open();
    const event = preventable();
    window.contentsEvents.emit(name, event, 'https://evil.example/');
    expect(event.prevented).toBe(true);
  });

  it('refuses webviews and every permission request or check', () => {
    const { window } = open();
    const attach = preventable();
    window.contentsEvents.emit('will-attach-webview', attach);
    expect(attach.prevented).toBe(true);
    const answers: boolean[] = [];
    for (const permission of ['media', 'geolocation', 'notifications', 'openExternal'])
      window.permissionHandler?.({}, permission, (granted) => answers.push(granted));
    expect(answers).toEqual([false, false, false, false]);
    expect(window.permissionCheck?.()).toBe(false);
  });

  it('closing destroys the window (its renderer goes) instead of hiding it', () => {
    const { main, window } = open();
    window.emit('ready-to-show');
    expect(window.visible).toBe(true);
    window.close();
    expect(window.destroyed).toBe(true);
    expect(main.window).toBeNull();
  });

  it('reveal after a close makes a new window with the same guards and page', () => {
    const { main, created, openExternal } = open();
    created[0]?.close();
    main.reveal();
    expect(created).toHaveLength(2);
    const again = created[1];
    if (again === undefined) throw new Error('no new window');
    expect(main.window).toBe(again);
    expect(again.options.webPreferences).toMatchObject({
      preload: '/app/dist/electron/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
    });
    expect(again.loaded).toEqual([APP_ENTRY_URL]);
    // Shown once its page is ready, not as a blank frame.
    expect(again.visible).toBe(false);
    again.emit('ready-to-show');
    expect(again.visible).toBe(true);
    // Its guards: new windows, navigation, webviews and permissions refused.
    expect(again.openHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(openExternal).not.toHaveBeenCalled();
    const navigate = preventable();
    again.contentsEvents.emit('will-navigate', navigate, 'https://evil.example/');
    expect(navigate.prevented).toBe(true);
    const attach = preventable();
    again.contentsEvents.emit('will-attach-webview', attach);
    expect(attach.prevented).toBe(true);
    expect(again.permissionCheck?.()).toBe(false);
  });

  it('reveal with the window open brings it up: no second window', () => {
    const { main, created, window } = open();
    window.minimized = true;
    main.reveal();
    expect(created).toHaveLength(1);
    expect(window).toMatchObject({ visible: true, minimized: false, focused: true });
  });

  it('started hidden (login launch), there is no window until the first reveal', () => {
    const { main, created } = openMain({ startHidden: true });
    expect(created).toHaveLength(0);
    expect(main.window).toBeNull();
    main.reveal();
    expect(created).toHaveLength(1);
    created[0]?.emit('ready-to-show');
    expect(created[0]?.visible).toBe(true);
  });
});
