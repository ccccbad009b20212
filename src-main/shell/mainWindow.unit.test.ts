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
  hide() {
    this.visible = false;
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
    return false;
  }
}

function open(options: { quitting?: () => boolean; startHidden?: boolean } = {}) {
  const openExternal = vi.fn(() => Promise.resolve());
  const log = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
  const created = createMainWindow(
    { createWindow: (o) => new FakeWindow(o), openExternal, log },
    {
      preload: '/app/dist/electron/preload.cjs',
      url: APP_ENTRY_URL,
      isQuitting: options.quitting ?? (() => false),
      startHidden: options.startHidden ?? false,
    },
  );
  return { window: created.window, reveal: () => created.reveal(), openExternal, log };
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

  it('hides to the tray on close, and closes for real when quitting', () => {
    let quitting = false;
    const { window, reveal } = open({ quitting: () => quitting });
    reveal();
    expect(window.visible).toBe(true);
    const close = preventable();
    window.emit('close', close);
    expect(close.prevented).toBe(true);
    expect(window.visible).toBe(false);

    quitting = true;
    const finalClose = preventable();
    window.emit('close', finalClose);
    expect(finalClose.prevented).toBe(false);
  });

  it('shows when ready unless started hidden (login launch), and reveal restores and focuses', () => {
    const shown = open();
    shown.window.emit('ready-to-show');
    expect(shown.window.visible).toBe(true);

    const hidden = open({ startHidden: true });
    hidden.window.emit('ready-to-show');
    expect(hidden.window.visible).toBe(false);
    hidden.window.minimized = true;
    hidden.reveal();
    expect(hidden.window).toMatchObject({ visible: true, minimized: false, focused: true });
  });
});
