import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { NetGuardianError } from '../../../src-shared/errors.js';
import type { RequestOf, SettingsView } from '../../../src-shared/ipc/contract.js';
import type { DeviceConfig } from '../deviceConfig.js';
import { writeFileDurably } from '../files/durableFs.js';
import { IGNORE_FILE } from '../files/ignoreRules.js';
import { redactUrl } from '../store/pgClient.js';

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
): SettingsView {
  return {
    folder: root,
    deviceName: config.deviceName,
    hub: config.hub ? { url: redactUrl(config.hub.url), ssl: config.hub.ssl } : null,
    syncIntervalMs: config.syncIntervalMs,
    paused: config.paused,
    ignoreRules,
    // The core cannot start itself at login; the Electron shell answers this one.
    startAtLogin: null,
  };
}

/** A hub address the config may hold: a postgres:// URL with a host. */
export function checkHubUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new NetGuardianError(
      'InvalidArgument',
      'settings:update: hub.url is not a URL (postgres://user:password@host:5432/db)',
      'hub.url',
    );
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:')
    throw new NetGuardianError(
      'InvalidArgument',
      `settings:update: hub.url must start with postgres://, not ${parsed.protocol}//`,
      'hub.url',
    );
  if (parsed.hostname === '')
    throw new NetGuardianError(
      'InvalidArgument',
      'settings:update: hub.url has no host',
      'hub.url',
    );
}

/** The config after an update (hub, interval, pause); the ignore rules live in the folder. */
export function nextConfig(config: DeviceConfig, update: SettingsUpdate): DeviceConfig {
  let hub = config.hub;
  if (update.hub === null) hub = null;
  else if (update.hub !== undefined) {
    // The settings screen shows the address without its password: keep the stored one when
    // the same address comes back redacted.
    const keepSecret = config.hub !== null && update.hub.url === redactUrl(config.hub.url);
    hub = {
      url: keepSecret && config.hub ? config.hub.url : update.hub.url,
      ssl: update.hub.ssl,
      ...(config.hub?.sslCaFile && update.hub.ssl === 'verify-full'
        ? { sslCaFile: config.hub.sslCaFile }
        : {}),
    };
  }
  return {
    ...config,
    hub,
    syncIntervalMs: update.syncIntervalMs ?? config.syncIntervalMs,
    paused: update.paused ?? config.paused,
  };
}

/** Whether two configs name a different hub (the device must be reopened to use it). */
export const hubChanged = (a: DeviceConfig, b: DeviceConfig): boolean =>
  JSON.stringify(a.hub) !== JSON.stringify(b.hub);
