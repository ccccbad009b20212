import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { NetGuardianError } from '../../../src-shared/errors.js';
import type { RequestOf, SettingsView } from '../../../src-shared/ipc/contract.js';
import { isServiceHub, type DeviceConfig } from '../deviceConfig.js';
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
    hub: hubView(config.hub),
    syncIntervalMs: config.syncIntervalMs,
    paused: config.paused,
    ignoreRules,
    // The core cannot start itself at login; the Electron shell answers this one.
    startAtLogin: null,
  };
}

/**
 * The hub as the settings screen shows it: a PostgreSQL URL without its password, or the sync
 * service's address (its certificate is pinned, hence verify-full; the credential never leaves
 * the data dir).
 */
function hubView(hub: DeviceConfig['hub']): SettingsView['hub'] {
  if (!hub) return null;
  if (isServiceHub(hub)) return { url: hub.address, ssl: 'verify-full' };
  return { url: redactUrl(hub.url), ssl: hub.ssl };
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
  else if (update.hub !== undefined && config.hub && isServiceHub(config.hub)) {
    // The service is changed by pairing (`netguardian join`), not typed in: its own address
    // coming back is no change; anything else is refused (no credential goes with a URL).
    if (update.hub.url !== config.hub.address)
      throw new NetGuardianError(
        'InvalidArgument',
        'settings:update: this device is paired with a hub service; move it to another hub with an invite (`netguardian join CODE`)',
        'hub.url',
      );
  } else if (update.hub !== undefined) {
    // The settings screen shows the address without its password: keep the stored one when
    // the same address comes back redacted.
    const old = config.hub && !isServiceHub(config.hub) ? config.hub : null;
    const keepSecret = old !== null && update.hub.url === redactUrl(old.url);
    hub = {
      url: keepSecret ? old.url : update.hub.url,
      ssl: update.hub.ssl,
      ...(old?.sslCaFile && update.hub.ssl === 'verify-full' ? { sslCaFile: old.sslCaFile } : {}),
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
