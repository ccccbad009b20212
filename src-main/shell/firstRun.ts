import path from 'node:path';
import { CONFIG_FILE, type DeviceConfig } from '../core/deviceConfig.js';

/** The parts of Electron's dialog module the first run uses. */
export interface FirstRunDialog {
  showOpenDialog(options: {
    title: string;
    buttonLabel: string;
    defaultPath: string;
    properties: Array<'openDirectory' | 'createDirectory' | 'promptToCreate'>;
  }): Promise<{ canceled: boolean; filePaths: string[] }>;
  showMessageBox(options: {
    type: 'question' | 'info';
    title: string;
    message: string;
    detail: string;
    buttons: string[];
    defaultId: number;
    cancelId: number;
  }): Promise<{ response: number }>;
}

export interface FirstRunAnswers {
  readonly folder: string;
  /** A PostgreSQL URL, or null to stay local. */
  readonly hubUrl: string | null;
}

export const isFirstRun = (exists: (file: string) => boolean, dataDir: string): boolean =>
  !exists(path.join(dataDir, CONFIG_FILE));

/**
 * Asks which folder to sync and whether to use a hub. Null when the user cancels (the app
 * then quits without writing anything, and asks again next time).
 */
export async function askFirstRun(
  { dialog, askHubUrl }: { dialog: FirstRunDialog; askHubUrl: () => Promise<string | null> },
  { defaultFolder }: { defaultFolder: string },
): Promise<FirstRunAnswers | null> {
  const picked = await dialog.showOpenDialog({
    title: 'Choose the folder NetGuardian keeps in sync',
    buttonLabel: 'Sync this folder',
    defaultPath: defaultFolder,
    properties: ['openDirectory', 'createDirectory', 'promptToCreate'],
  });
  const folder = picked.filePaths[0];
  if (picked.canceled || folder === undefined) return null;

  const { response } = await dialog.showMessageBox({
    type: 'question',
    title: 'NetGuardian',
    message: 'Sync with other devices through a hub?',
    detail:
      'A hub is a PostgreSQL server your devices share. Without one, NetGuardian keeps the ' +
      "folder's history on this device only; you can add a hub later in Settings.",
    buttons: ['Stay local', 'Use a hub…', 'Cancel'],
    defaultId: 0,
    cancelId: 2,
  });
  if (response === 2) return null;
  if (response === 0) return { folder, hubUrl: null };
  const hubUrl = await askHubUrl();
  // Cancelling the hub prompt is not cancelling the setup: the folder still syncs locally.
  return { folder, hubUrl: hubUrl === null || hubUrl.trim() === '' ? null : hubUrl.trim() };
}

/**
 * The device config `netguardian init` would write for these answers, with its defaults
 * (space "default", the host name as device name, 30 s sync, 15 min rescan). Only the config
 * is written here: the core opens the store, creates the device identity and runs the first
 * scan in its own process, where that work does not block the window.
 */
export function firstRunConfig(answers: FirstRunAnswers, hostname: string): DeviceConfig {
  return {
    version: 1,
    folder: path.resolve(answers.folder),
    spaceId: 'default',
    deviceName: hostname.slice(0, 64) || 'device',
    hub: answers.hubUrl === null ? null : { url: answers.hubUrl, ssl: sslFromUrl(answers.hubUrl) },
    syncIntervalMs: 30_000,
    rescanIntervalMs: 15 * 60_000,
    paused: false,
  };
}

/** A URL's `sslmode` picks the hub's TLS setting, as libpq users expect; plain by default. */
function sslFromUrl(url: string): 'off' | 'require' | 'verify-full' {
  let mode: string | null = null;
  try {
    mode = new URL(url).searchParams.get('sslmode');
  } catch {
    return 'off';
  }
  if (mode === 'verify-full' || mode === 'verify-ca') return 'verify-full';
  if (mode === 'require' || mode === 'prefer') return 'require';
  return 'off';
}
