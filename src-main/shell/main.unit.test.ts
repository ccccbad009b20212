import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { IPC_REQUEST_CHANNEL, type AppState } from '../../src-shared/ipc/contract.js';

/**
 * The composition root against a fake 'electron' (the real module would try to download the
 * runtime) and a fake core client: checks the wiring that the per-module tests cannot.
 */

const state: AppState = {
  phase: 'synced',
  headline: 'Synced',
  detail: 'All files are saved on this device (no hub set up).',
  deviceName: 'laptop',
  folder: '/home/ada/Sync',
  hub: null,
  lastSyncAt: null,
  files: 3,
  folders: 0,
  conflicts: 0,
  pending: { upload: 0, download: 0, noticed: 0 },
  unsyncable: 0,
  progress: { scan: null, upload: null, download: null },
  lastError: null,
  paused: false,
};

type Handler = (event: unknown, ...args: unknown[]) => Promise<unknown>;

function fakeElectron(gotLock: boolean) {
  const app = Object.assign(new EventEmitter(), {
    isPackaged: false,
    requestSingleInstanceLock: () => gotLock,
    quit: vi.fn(),
    exit: vi.fn(),
    whenReady: () => Promise.resolve(),
    enableSandbox: vi.fn(),
    setAppUserModelId: vi.fn(),
    getLoginItemSettings: () => ({ openAtLogin: false }),
    setLoginItemSettings: vi.fn(),
  });
  const windows: FakeBrowserWindow[] = [];
  class FakeBrowserWindow extends EventEmitter {
    hidden = false;
    readonly contents = new EventEmitter();
    readonly webContents = Object.assign(this.contents, {
      setWindowOpenHandler: vi.fn(),
      loadURL: vi.fn(() => Promise.resolve()),
      send: vi.fn(),
      isDestroyed: () => false,
      mainFrame: { url: 'app://netguardian/index.html', parent: null },
      session: { setPermissionRequestHandler: vi.fn(), setPermissionCheckHandler: vi.fn() },
    });
    constructor(readonly options: { webPreferences: Record<string, unknown> }) {
      super();
      windows.push(this);
    }
    show() {
      this.hidden = false;
    }
    hide() {
      this.hidden = true;
    }
    focus() {}
    restore() {}
    isMinimized() {
      return false;
    }
    isDestroyed() {
      return this.destroyed;
    }
    destroyed = false;
    /** As Electron closes a window: 'close' (which may be prevented), then destroyed, 'closed'. */
    close() {
      const event = { prevented: false, preventDefault: () => (event.prevented = true) };
      this.emit('close', event);
      if (event.prevented) return;
      this.destroyed = true;
      this.emit('closed');
    }
  }
  const handlers = new Map<string, Handler>();
  const child = Object.assign(new EventEmitter(), { postMessage: vi.fn(), kill: vi.fn() });
  const fork = vi.fn(() => child);
  const trays: unknown[] = [];
  const electron = {
    app,
    BrowserWindow: FakeBrowserWindow,
    dialog: { showErrorBox: vi.fn(), showOpenDialog: vi.fn(), showMessageBox: vi.fn() },
    ipcMain: {
      handle: (channel: string, h: Handler) => handlers.set(channel, h),
      removeHandler: (channel: string) => handlers.delete(channel),
      on: vi.fn(),
      removeListener: vi.fn(),
    },
    Menu: { buildFromTemplate: (t: unknown) => t, setApplicationMenu: vi.fn() },
    nativeImage: { createFromPath: (p: string) => p },
    net: { fetch: vi.fn() },
    Notification: Object.assign(vi.fn(), { isSupported: () => false }),
    protocol: { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() },
    session: { defaultSession: { webRequest: { onHeadersReceived: vi.fn() } } },
    shell: { openExternal: vi.fn(), openPath: vi.fn(), showItemInFolder: vi.fn() },
    Tray: class {
      tooltip = '';
      constructor() {
        trays.push(this);
      }
      setImage() {}
      setToolTip(text: string) {
        this.tooltip = text;
      }
      setContextMenu() {}
      on() {}
      destroy() {}
    },
    utilityProcess: { fork },
  };
  return { electron, app, windows, handlers, fork, child, trays };
}

const tempDirs: string[] = [];

async function boot(gotLock: boolean, stateFailure?: { code: string; message: string }) {
  vi.resetModules();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ng-shell-'));
  tempDirs.push(dataDir);
  writeFileSync(path.join(dataDir, 'config.json'), '{}'); // not a first run
  vi.stubEnv('NETGUARDIAN_DATA', dataDir);
  const fake = fakeElectron(gotLock);
  const core = {
    call: vi.fn((channel: string, _payload: unknown) =>
      channel === 'state:get' && stateFailure
        ? Promise.reject(Object.assign(new Error(stateFailure.message), stateFailure))
        : Promise.resolve(channel === 'state:get' ? state : { started: true }),
    ),
    listen: vi.fn(() => () => undefined),
    close: vi.fn(),
  };
  vi.doMock('electron', () => fake.electron);
  vi.doMock('../core/app/corePort.js', () => ({ connectCoreOverPort: () => core }));
  await import('./main.js');
  // Let whenReady().then(start) run.
  await vi.waitFor(() => {
    if (gotLock && fake.windows.length === 0) throw new Error('no window yet');
  });
  return { ...fake, core, dataDir };
}

afterEach(() => {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  vi.unstubAllEnvs();
  vi.doUnmock('electron');
  vi.doUnmock('../core/app/corePort.js');
});

describe('main (composition root)', () => {
  it('a second instance quits without a window, a core or an IPC handler', async () => {
    const t = await boot(false);
    expect(t.app.quit).toHaveBeenCalledOnce();
    expect(t.windows).toHaveLength(0);
    expect(t.fork).not.toHaveBeenCalled();
    expect(t.handlers.size).toBe(0);
  });

  it('wires the core process, a secure window, the tray and the IPC handler', async () => {
    const t = await boot(true);
    expect(t.fork).toHaveBeenCalledWith(
      expect.stringMatching(/coreProcess\.js$/),
      ['--data', t.dataDir],
      expect.anything(),
    );
    expect(t.windows).toHaveLength(1);
    const window = t.windows[0];
    expect(window?.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    });
    expect(window?.options.webPreferences['preload']).toMatch(/preload\.cjs$/);
    expect(window?.webContents.loadURL).toHaveBeenCalledWith('app://netguardian/index.html');
    expect(t.trays).toHaveLength(1);
    expect(t.electron.app.enableSandbox).toHaveBeenCalled();

    // A request from the window's main frame reaches the core; one from elsewhere does not.
    const handle = t.handlers.get(IPC_REQUEST_CHANNEL);
    const mainFrame = { url: 'app://netguardian/index.html', parent: null };
    expect(
      await handle?.({ sender: window?.webContents, senderFrame: mainFrame }, 'sync:now', {}),
    ).toEqual({
      ok: true,
      value: { started: true },
    });
    expect(t.core.call).toHaveBeenCalledWith('sync:now', {});
    const calls = t.core.call.mock.calls.length;
    expect(await handle?.({ sender: {}, senderFrame: mainFrame }, 'sync:now', {})).toMatchObject({
      ok: false,
      error: { code: 'AccessDenied' },
    });
    expect(t.core.call.mock.calls.length).toBe(calls);
  });

  it('closing the window destroys it, the tray and core run on; a second launch opens a new one', async () => {
    const t = await boot(true);
    const first = t.windows[0];
    first?.close();
    expect(first?.destroyed).toBe(true);
    // The app lives on in the tray: nothing quits, the core is neither closed nor killed.
    expect(t.trays).toHaveLength(1);
    expect(t.app.quit).not.toHaveBeenCalled();
    expect(t.core.close).not.toHaveBeenCalled();
    expect(t.child.kill).not.toHaveBeenCalled();
    // Electron quits when the last window closes unless 'window-all-closed' has a listener.
    expect(t.app.listenerCount('window-all-closed')).toBe(1);

    t.app.emit('second-instance');
    expect(t.windows).toHaveLength(2);
    const second = t.windows[1];
    expect(second?.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true });
    expect(second?.webContents.loadURL).toHaveBeenCalledWith('app://netguardian/index.html');
    // Requests are taken from the new window only: the closed one's page is gone.
    const handle = t.handlers.get(IPC_REQUEST_CHANNEL);
    const mainFrame = { url: 'app://netguardian/index.html', parent: null };
    expect(
      await handle?.({ sender: second?.webContents, senderFrame: mainFrame }, 'state:get', {}),
    ).toEqual({ ok: true, value: state });
    expect(
      await handle?.({ sender: first?.webContents, senderFrame: mainFrame }, 'state:get', {}),
    ).toMatchObject({ ok: false, error: { code: 'AccessDenied' } });
  });

  it('a crashed core shows as an error state in the window, then is restarted', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    try {
      const t = await boot(true);
      await vi.waitFor(() => expect(t.core.call).toHaveBeenCalledWith('state:get', {}));
      t.child.emit('exit', 9);
      await vi.waitFor(() => expect(t.core.close).toHaveBeenCalled());
      const pushes = (t.windows[0]?.webContents.send.mock.calls ?? []) as unknown[][];
      const [, message] = pushes.at(-1) ?? [];
      expect(pushes.at(-1)?.[0]).toBe('netguardian:push');
      expect(message).toMatchObject({ channel: 'state', payload: { phase: 'error' } });
      expect((message as { payload: AppState }).payload.lastError).toContain('exit code 9');
      expect((message as { payload: AppState }).payload.headline).toBe(
        'Error: The sync service stopped (exit code 9); restarting it',
      );
      expect(t.fork).toHaveBeenCalledTimes(1);
      await vi.advanceTimersByTimeAsync(2_000);
      expect(t.fork).toHaveBeenCalledTimes(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a core that could not open the device: the tray says why, not "Starting"', async () => {
    const reason =
      'another NetGuardian (pid 4242) is running this device: use it, or quit it first';
    const t = await boot(true, { code: 'AlreadyRunning', message: reason });
    await vi.waitFor(() =>
      expect((t.trays[0] as { tooltip: string }).tooltip).toBe(`NetGuardian — Error: ${reason}`),
    );
  });

  it('on quit, asks the core to shut down before letting the app exit', async () => {
    const t = await boot(true);
    t.app.emit('before-quit');
    const willQuit = { prevented: false, preventDefault: () => (willQuit.prevented = true) };
    t.core.close.mockImplementation(() => t.child.emit('exit', 0));
    t.app.emit('will-quit', willQuit);
    expect(willQuit.prevented).toBe(true);
    expect(t.core.close).toHaveBeenCalledOnce();
    await vi.waitFor(() => expect(t.app.quit).toHaveBeenCalled());
    expect(t.child.kill).not.toHaveBeenCalled();
  });
});
