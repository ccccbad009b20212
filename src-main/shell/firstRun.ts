import path from 'node:path';
import { decodeInvite } from '../../src-shared/hubProtocol/inviteCode.js';
import { DEFAULT_SYNC_INTERVAL_MS } from '../../src-shared/syncInterval.js';
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

/** How this device meets its other devices, as chosen at first run. */
export type FirstRunHub =
  | { readonly kind: 'local' }
  /** Pair with the hub of this invite code (checked well-formed; its space is the device's). */
  | { readonly kind: 'join'; readonly code: string; readonly spaceId: string }
  /** Run a hub on this computer and pair with it. */
  | { readonly kind: 'create' };

export interface FirstRunAnswers {
  readonly folder: string;
  readonly hub: FirstRunHub;
}

export const isFirstRun = (exists: (file: string) => boolean, dataDir: string): boolean =>
  !exists(path.join(dataDir, CONFIG_FILE));

const JOIN = 0;
const CREATE = 1;
const LOCAL = 2;
const CANCEL = 3;

/**
 * Asks which folder to sync and how to sync it: join a hub with an invite code, create a hub on
 * this computer, or local only. Null when the user cancels (the app then quits without writing
 * anything, and asks again next time). Going back from the code prompt asks the question again;
 * a code that is not well-formed is asked for again with the reason.
 */
export async function askFirstRun(
  {
    dialog,
    askInviteCode,
  }: { dialog: FirstRunDialog; askInviteCode: (problem: string | null) => Promise<string | null> },
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

  // Each round waits on the user; the bound only stops a window that answers by itself forever.
  for (let round = 0; round < 100; round++) {
    const { response } = await dialog.showMessageBox({
      type: 'question',
      title: 'NetGuardian',
      message: 'How should this folder sync with your other devices?',
      detail:
        'Devices sync through a hub. Join one with an invite code from the device that runs it, ' +
        'or run the hub on this computer and invite your other devices to it. Local only keeps ' +
        "the folder's history on this device; you can join or create a hub later in Settings.",
      buttons: [
        'Join with an invite code…',
        'Create a hub on this computer',
        'Local only',
        'Cancel',
      ],
      defaultId: JOIN,
      cancelId: CANCEL,
    });
    if (response === CREATE) return { folder, hub: { kind: 'create' } };
    if (response === LOCAL) return { folder, hub: { kind: 'local' } };
    if (response !== JOIN) return null;
    const code = await askCode(askInviteCode);
    if (code !== null) return { folder, hub: { kind: 'join', ...code } };
  }
  return null;
}

/** A well-formed invite code, asked again (with why) until it is one; null when the user goes back. */
async function askCode(
  askInviteCode: (problem: string | null) => Promise<string | null>,
): Promise<{ code: string; spaceId: string } | null> {
  let problem: string | null = null;
  for (let round = 0; round < 100; round++) {
    const code = await askInviteCode(problem);
    if (code === null) return null;
    const invite = decodeInvite(code);
    if (invite.ok) return { code: code.trim(), spaceId: invite.value.spaceId };
    problem = sentence(invite.error.message);
  }
  return null;
}

const sentence = (text: string): string =>
  `${text.charAt(0).toUpperCase()}${text.slice(1)}${/[.!?]$/.test(text) ? '' : '.'}`;

/**
 * The device config `netguardian init` would write for these answers, with its defaults (the
 * host name as device name, 30 s sync, 15 min rescan), local only: the hub is joined or created
 * by the core once it runs (`finishFirstRun`), since pairing needs the device's identity, which
 * the core makes when it opens the store. A joining device takes the invite's space. Only the
 * config is written here: the core opens the store, creates the device identity and runs the
 * first scan in its own process, where that work does not block the window.
 */
export function firstRunConfig(answers: FirstRunAnswers, hostname: string): DeviceConfig {
  return {
    version: 1,
    folder: path.resolve(answers.folder),
    spaceId: answers.hub.kind === 'join' ? answers.hub.spaceId : 'default',
    deviceName: hostname.slice(0, 64) || 'device',
    hub: null,
    syncIntervalMs: DEFAULT_SYNC_INTERVAL_MS,
    rescanIntervalMs: 15 * 60_000,
    paused: false,
  };
}

/** What `finishFirstRun` needs: the core's `hub:join` and `hub:create`, and an error box. */
export interface FirstRunFinish {
  join(code: string): Promise<unknown>;
  create(): Promise<unknown>;
  showError(title: string, message: string): void;
}

/**
 * Once the core runs: joins the invite's hub or creates one here. A failure (a used or expired
 * invite, a hub out of reach, a port taken) leaves the device local only, and says so with the
 * core's reason and how to go on. Resolves whether it worked.
 */
export async function finishFirstRun(hub: FirstRunHub, finish: FirstRunFinish): Promise<boolean> {
  if (hub.kind === 'local') return true;
  try {
    if (hub.kind === 'join') await finish.join(hub.code);
    else await finish.create();
    return true;
  } catch (e) {
    const why =
      e instanceof Error && e.message !== '' ? sentence(e.message) : 'Something went wrong.';
    const next =
      hub.kind === 'join'
        ? 'The folder is kept on this device only for now. Ask for a new invite code and join from Settings.'
        : 'The folder is kept on this device only for now. You can create the hub again from Settings.';
    finish.showError(
      hub.kind === 'join'
        ? 'NetGuardian could not join the hub'
        : 'NetGuardian could not create the hub',
      `${why}\n\n${next}`,
    );
    return false;
  }
}
