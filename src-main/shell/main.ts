/**
 * The Electron main process: the composition root, and the only module that imports
 * 'electron' at runtime. Every piece it wires takes the Electron APIs it needs as arguments,
 * so each is unit-tested with fakes (the Electron binary is not needed to test the shell).
 */
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  nativeImage,
  net,
  Notification,
  protocol,
  session,
  shell,
  Tray,
  utilityProcess,
} from 'electron';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { lstat, realpath } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppState, PushMessage } from '../../src-shared/ipc/contract.js';
import { connectCoreOverPort } from '../core/app/corePort.js';
import { defaultDataDir, writeDeviceConfig } from '../core/deviceConfig.js';
import { createRootLogger } from '../core/log.js';
import { appMenuTemplate } from './appMenu.js';
import { APP_ENTRY_URL } from './appOrigin.js';
import { appPaths } from './appPaths.js';
import { APP_SCHEME_PRIVILEGES, registerAppProtocol } from './appProtocol.js';
import { startCore, type CoreHost } from './coreHost.js';
import { installCsp } from './csp.js';
import {
  askFirstRun,
  finishFirstRun,
  firstRunConfig,
  isFirstRun,
  type FirstRunHub,
} from './firstRun.js';
import { interceptFileOpen } from './fileOpen.js';
import { RestartBudget } from './restartBudget.js';
import { interceptPick } from './filePicker.js';
import { interceptFolderOpen, openInFileManager } from './folderOpen.js';
import { askInviteCode } from './hubPrompt.js';
import { createIpcRouter, toErrorInfo } from './ipcRouter.js';
import { interceptImport, listenForVouchedPaths, VouchedPaths } from './vouchedPaths.js';
import {
  electronLoginItem,
  HIDDEN_ARG,
  interceptLoginSetting,
  linuxAutostart,
} from './loginItem.js';
import { createMainWindow, type MainWindow } from './mainWindow.js';
import { createNotifier } from './notifications.js';
import { claimSingleInstance } from './singleInstance.js';
import { createTray, type AppTray } from './tray.js';
import type { TrayAction } from './trayState.js';

type Core = ReturnType<typeof connectCoreOverPort>;

const log = createRootLogger().child({ module: 'shell' });
const paths = appPaths({
  bundleDir: path.dirname(fileURLToPath(import.meta.url)),
  isPackaged: app.isPackaged,
  resourcesPath: process.resourcesPath,
});
// Configuration is read once, here at the edge (STYLE.md): the same variable as `npm start`.
const dataDir = process.env['NETGUARDIAN_DATA'] ?? defaultDataDir();

let quitting = false;
let coreStopped = false;
/** Why the core could not open the device, until a state arrives (shown by the tray). */
let coreFailure: string | null = null;
let mainWindow: MainWindow<BrowserWindow> | null = null;
const coreRestarts = new RestartBudget();
let tray: AppTray | null = null;
let host: CoreHost<Electron.UtilityProcess> | null = null;
let core: Core | null = null;
let lastState: AppState | null = null;
/** Set once the window and tray exist; every core (first or restarted) feeds it its pushes. */
let onPush: ((message: PushMessage) => void) | null = null;

// Must happen before 'ready': privileges of a scheme cannot change later.
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
// Every renderer sandboxed, whatever its webPreferences say (the checklist's belt and braces).
app.enableSandbox();
// Windows shows notifications only for an app with an AppUserModelID (the installer's appId).
if (process.platform === 'win32') app.setAppUserModelId('org.netguardian.desktop');

if (claimSingleInstance(app, () => mainWindow?.reveal())) {
  app.on('before-quit', () => {
    quitting = true;
  });
  // The core gets a chance to close PGlite cleanly before the process ends.
  app.on('will-quit', (event) => {
    if (coreStopped || host === null) return;
    event.preventDefault();
    void stopCore().finally(() => {
      coreStopped = true;
      app.quit();
    });
  });
  // Closing the window destroys it (its renderer goes); the app lives on in the tray until Quit.
  app.on('window-all-closed', () => undefined);
  app.on('activate', () => mainWindow?.reveal());
  app
    .whenReady()
    .then(start)
    .catch((e: unknown) => {
      log.error({ error: String(e) }, 'start failed');
      dialog.showErrorBox('NetGuardian could not start', String(e));
      app.exit(1);
    });
}

async function start(): Promise<void> {
  let firstRunHub: FirstRunHub | null = null;
  if (isFirstRun(existsSync, dataDir)) {
    const answers = await askFirstRun(
      {
        dialog,
        askInviteCode: (problem) => askInviteCode((options) => new BrowserWindow(options), problem),
      },
      { defaultFolder: path.join(os.homedir(), 'NetGuardian') },
    );
    if (answers === null) {
      app.quit();
      return;
    }
    mkdirSync(answers.folder, { recursive: true });
    await writeDeviceConfig(dataDir, firstRunConfig(answers, os.hostname()));
    firstRunHub = answers.hub;
  }

  registerAppProtocol({ protocol, net }, paths.rendererDir);
  installCsp(session.defaultSession.webRequest);
  connectCore();

  const loginItem =
    process.platform === 'linux'
      ? linuxAutostart(
          { existsSync, mkdirSync, writeFileSync, rmSync },
          process.env['XDG_CONFIG_HOME'] ?? path.join(os.homedir(), '.config'),
          process.env['APPIMAGE'] ?? process.execPath,
        )
      : electronLoginItem(app);
  const vouched = new VouchedPaths();
  const forward = interceptPick(
    (options) => {
      const window = mainWindow?.window;
      const props = [...options.properties];
      return window
        ? dialog.showOpenDialog(window, { ...options, properties: props })
        : dialog.showOpenDialog({ ...options, properties: props });
    },
    vouched,
    interceptImport(
      vouched,
      interceptFileOpen(
        shell,
        { lstat, realpath },
        interceptFolderOpen(
          shell,
          interceptLoginSetting(loginItem, (channel, payload) =>
            requireCore().call(channel, payload),
          ),
        ),
      ),
    ),
  );
  const router = createIpcRouter(
    { ipcMain, log },
    { getWindow: () => mainWindow?.window ?? null, forward },
  );
  listenForVouchedPaths({ ipcMain, log }, { getWindow: () => mainWindow?.window ?? null, vouched });
  const notify = createNotifier((notice) => {
    if (!Notification.isSupported()) return;
    const shown = new Notification({ title: notice.title, body: notice.body });
    shown.on('click', () => mainWindow?.reveal());
    shown.show();
  });

  mainWindow = createMainWindow(
    {
      createWindow: (options) => new BrowserWindow(options),
      openExternal: (url) => shell.openExternal(url),
      log,
    },
    {
      preload: paths.preload,
      url: APP_ENTRY_URL,
      icon: paths.windowIcon,
      startHidden: process.argv.includes(HIDDEN_ARG),
    },
  );
  tray = createTray(
    { Tray, Menu, nativeImage },
    { iconPath: (icon) => paths.trayIcon(icon, process.platform), onAction: runTrayAction },
  );
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      appMenuTemplate(process.platform, {
        quit: () => app.quit(),
        openWindow: () => mainWindow?.reveal(),
        openFolder: () => runTrayAction('open-folder'),
      }),
    ),
  );

  if (coreFailure !== null) tray.unavailable(coreFailure);

  const onState = (state: AppState) => {
    coreFailure = null;
    lastState = state;
    tray?.update(state);
    notify(state);
  };
  onPush = (message) => {
    router.push(message);
    if (message.channel === 'state') onState(message.payload);
  };
  subscribe(requireCore());
  // Pairing needs the device's identity, which the core made when it opened: now, not before.
  if (firstRunHub !== null)
    await finishFirstRun(firstRunHub, {
      join: (code) => requireCore().call('hub:join', { code }),
      create: () => requireCore().call('hub:create', {}),
      showError: (title, message) => dialog.showErrorBox(title, message),
    });
}

/** Routes a core's pushes, and fetches its state once (pushes come only on changes). */
function subscribe(client: Core): void {
  const push = onPush;
  if (push === null) return;
  client.listen(push);
  client
    .call('state:get', {})
    .then((state) => push({ channel: 'state', payload: state }))
    .catch((e: unknown) => {
      // The core runs but could not open the device: the tray says why, not "Starting".
      coreFailure = toErrorInfo(e).message;
      log.error({ error: coreFailure }, 'the sync service could not open this device');
      tray?.unavailable(coreFailure);
    });
}

/**
 * Starts the core process and its client; on a crash, restarts it after a pause, unless it
 * crashed three times in ten minutes (restartBudget.ts).
 */
function connectCore(): void {
  host = startCore({ utilityProcess, log }, { modulePath: paths.coreProcess, dataDir });
  core = connectCoreOverPort(host.port);
  subscribe(core);
  void host.exited.then((code) => {
    if (code === 'stopped' || quitting) return;
    core?.close();
    // The window, tray and notifications hear of it like any failure, until the restarted
    // core pushes its own state.
    // The core that words the state is gone: this one sentence is the shell's.
    const next = coreRestarts.onExit();
    const stopped = `The sync service stopped (exit code ${code})${next.restart ? '; restarting it' : ''}`;
    if (lastState !== null)
      onPush?.({
        channel: 'state',
        payload: {
          ...lastState,
          phase: 'error',
          headline: `Error: ${stopped}`,
          detail: 'Your files are as they were; nothing is synced until it runs again.',
          lastError: stopped,
        },
      });
    if (!next.restart) {
      dialog.showErrorBox(
        'NetGuardian stopped syncing',
        `The sync service exited ${next.recent} times in ten minutes (last exit code ${code}). Your files are as they were. Quit NetGuardian and start it again; if it stops again, its log says why.`,
      );
      return;
    }
    setTimeout(connectCore, next.delayMs);
  });
}

function requireCore(): Core {
  if (core === null) throw new Error('the core is not running');
  return core;
}

async function stopCore(): Promise<void> {
  if (host === null) return;
  const client = core;
  await host.shutdown(() => client?.close(), 5_000);
}

function runTrayAction(action: TrayAction): void {
  const failed = (e: unknown) => log.warn({ action, error: String(e) }, 'tray action failed');
  switch (action) {
    case 'open-window':
      mainWindow?.reveal();
      return;
    case 'open-folder':
      if (lastState !== null) openInFileManager(shell, lastState.folder, undefined).catch(failed);
      return;
    case 'sync-now':
      requireCore().call('sync:now', {}).catch(failed);
      return;
    case 'toggle-pause':
      requireCore()
        .call('sync:pause', { paused: !(lastState?.paused ?? false) })
        .catch(failed);
      return;
    case 'quit':
      app.quit();
      return;
    default: {
      const never: never = action;
      throw new Error(`unknown tray action ${String(never)}`);
    }
  }
}
