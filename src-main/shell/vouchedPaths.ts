import path from 'node:path';
import { NetGuardianError } from '../../src-shared/errors.js';
import type { Channel, RequestOf } from '../../src-shared/ipc/contract.js';
import { BRIDGE_VOUCH_CHANNEL } from '../preload/channels.js';
import type { Forward, RoutedWindow } from './ipcRouter.js';
import { checkSender, type InvokeEventLike } from './senderCheck.js';
import type { ShellLog } from './shellLog.js';

/** Paths remembered at most (a drop of a few thousand files fits), oldest forgotten first. */
export const MAX_VOUCHED = 10_000;
/** How long a vouched path may be imported: a drop is imported at once. */
export const VOUCHED_FOR_MS = 10 * 60_000;

/**
 * The local paths the user handed this window: dropped or picked files (the preload resolves
 * them with `webUtils.getPathForFile` and says so, `BRIDGE_VOUCH_CHANNEL`) and paths from the main
 * process's own dialogs (`vouch`). `files:import` copies only these into the synced folder, so a
 * script running in the page can't make the app copy `/etc/passwd` or another device's config
 * (which every device would then receive).
 */
export class VouchedPaths {
  /** Path → when it was vouched; insertion order is age order. */
  private readonly paths = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  vouch(p: string): void {
    if (!path.isAbsolute(p)) return;
    this.paths.delete(p);
    this.paths.set(p, this.now());
    for (const oldest of this.paths.keys()) {
      if (this.paths.size <= MAX_VOUCHED) break;
      this.paths.delete(oldest);
    }
  }

  has(p: string): boolean {
    const at = this.paths.get(p);
    return at !== undefined && this.now() - at <= VOUCHED_FOR_MS;
  }
}

/** `files:import` forwarded only when every path is vouched for; refused in words otherwise. */
export function interceptImport(vouched: VouchedPaths, forward: Forward): Forward {
  return async (channel: Channel, payload: RequestOf<Channel>) => {
    if (channel === 'files:import') {
      const stranger = (payload as RequestOf<'files:import'>).paths.find((p) => !vouched.has(p));
      if (stranger !== undefined)
        throw new NetGuardianError(
          'AccessDenied',
          `files:import: ${stranger} was not dropped or picked in this window: only files the user hands the app are copied into the folder`,
          'paths',
        );
    }
    return forward(channel, payload);
  };
}

/** The slice of ipcMain the vouching listener uses. */
export interface IpcMainOnLike {
  on(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => void): unknown;
  removeListener(
    channel: string,
    listener: (event: InvokeEventLike, ...args: unknown[]) => void,
  ): unknown;
}

/**
 * Takes the preload's word for a path, from our own window's main frame only (the same check
 * every request gets); returns the unsubscribe.
 */
export function listenForVouchedPaths(
  { ipcMain, log }: { ipcMain: IpcMainOnLike; log: ShellLog },
  { getWindow, vouched }: { getWindow: () => RoutedWindow | null; vouched: VouchedPaths },
): () => void {
  const listener = (event: InvokeEventLike, p: unknown) => {
    const verdict = checkSender(event, getWindow()?.webContents);
    if (!verdict.ok || typeof p !== 'string' || p.length > 4096) {
      log.warn({ reason: verdict.ok ? 'not a path' : verdict.reason }, 'refused a vouched path');
      return;
    }
    vouched.vouch(p);
  };
  ipcMain.on(BRIDGE_VOUCH_CHANNEL, listener);
  return () => ipcMain.removeListener(BRIDGE_VOUCH_CHANNEL, listener);
}
