import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { checkDeviceName } from '../../../src-shared/deviceName.js';
import { NetGuardianError } from '../../../src-shared/errors.js';
import type { RequestOf, SettingsView } from '../../../src-shared/ipc/contract.js';
import { isSyncInterval, SYNC_INTERVAL_RULE } from '../../../src-shared/syncInterval.js';
import { isServiceHub, type DeviceConfig } from '../deviceConfig.js';
import { writeFileDurably } from '../files/durableFs.js';
import { IGNORE_FILE } from '../files/ignoreRules.js';
import { hostAndPort } from '../store/pgClient.js';

/**
 * The settings screen: the device's config.json and the folder's
 * `.netguardianignore`, read into one view and updated from one request.
 * Applying a change to the running device is the service's job.
 *
 * The ignore rules are this device's own, as Syncthing's `.stignore`: the file is a built-in
 * ignore (ignoreRules.ts), never recorded, sent to a peer or written from one.
 */

export type SettingsUpdate = RequestOf<'settings:update'>;

export async function readIgnoreFile(root: string): Promise<string> {
  try {
    return await readFile(path.join(root, IGNORE_FILE), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw new NetGuardianError(
      'FileSystemError',
      `cannot read ${IGNORE_FILE}: ${(e as Error).message}`,
      'ignoreRules',
    );
  }
}

/**
 * Written durably through a temp file and a rename (neither is ever synced), so the watcher sees
 * it whole and a power cut leaves the old rules or the new ones.
 */
export async function writeIgnoreFile(root: string, text: string): Promise<void> {
  try {
    await writeFileDurably(path.join(root, IGNORE_FILE), text);
  } catch (e) {
    throw new NetGuardianError(
      'FileSystemError',
      `cannot write ${IGNORE_FILE}: ${(e as Error).message}`,
      'ignoreRules',
    );
  }
}

export function settingsView(
  config: DeviceConfig,
  root: string,
  ignoreRules: string,
  ownHub?: { readonly hubId: string; readonly address: string },
): SettingsView {
  return {
    folder: root,
    deviceName: config.deviceName,
    hub: hubView(config.hub, ownHub),
    syncIntervalMs: config.syncIntervalMs,
    paused: config.paused,
    ignoreRules,
    // The core cannot start itself at login; the Electron shell answers this one.
    startAtLogin: null,
  };
}

/**
 * The hub as the settings screen shows it: where it is, host:port, never a URL, a password or
 * the credential. The hub this app runs (`ownHub`) is shown where other devices reach it: this
 * device itself reaches it on loopback.
 */
function hubView(
  hub: DeviceConfig['hub'],
  ownHub: { readonly hubId: string; readonly address: string } | undefined,
): SettingsView['hub'] {
  if (!hub) return null;
  if (!isServiceHub(hub)) return { address: hostAndPort(hub.url), runsHere: false };
  if (ownHub !== undefined && hub.hubId === ownHub.hubId)
    return { address: ownHub.address, runsHere: true };
  return { address: hub.address, runsHere: false };
}

/**
 * The config after an update (name, interval, pause); the ignore rules live in the folder. The
 * hub is not a setting: pairing pins it (`hubHandlers.ts`). Each rule is the shared one, said
 * the same way here as in the form.
 */
export function nextConfig(config: DeviceConfig, update: SettingsUpdate): DeviceConfig {
  let deviceName = config.deviceName;
  if (update.deviceName !== undefined) {
    const checked = checkDeviceName(update.deviceName);
    if (!checked.ok) throw new NetGuardianError('InvalidArgument', checked.message, 'deviceName');
    deviceName = checked.name;
  }
  // The contract's schema checks it too; a caller in process may not have gone through it.
  if (update.syncIntervalMs !== undefined && !isSyncInterval(update.syncIntervalMs))
    throw new NetGuardianError('InvalidArgument', SYNC_INTERVAL_RULE, 'syncIntervalMs');
  return {
    ...config,
    deviceName,
    syncIntervalMs: update.syncIntervalMs ?? config.syncIntervalMs,
    paused: update.paused ?? config.paused,
  };
}
