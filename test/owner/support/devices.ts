/**
 * A device paired with the hub service the way a person pairs one: `netguardian hub invite`
 * on the hub, then `netguardian init --folder … --join CODE` (its folder and data dir under the
 * test's temp dir). The hub's credential stays in the data dir (`hub-credential`, 0600).
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { readDeviceConfig, writeDeviceConfig } from '../../../src-main/core/deviceConfig.js';
import type { HubServer } from './hub.js';
import { netguardianOk } from './netguardian.js';

export interface DeviceDirs {
  readonly name: string;
  readonly folder: string;
  readonly dataDir: string;
  /** The node id `init` printed. */
  readonly nodeId: string;
}

/** The longest periodic sync and rescan the config allows (24 h): neither runs during a test. */
export const NO_PERIODIC_WORK = { syncIntervalMs: 86_400_000, rescanIntervalMs: 86_400_000 };

export async function initDevice(options: {
  readonly root: string;
  readonly hub: HubServer;
  readonly spaceId: string;
  readonly name: string;
  /** Config values written over what `init` wrote (before any daemon reads it). */
  readonly config?: { syncIntervalMs?: number; rescanIntervalMs?: number };
}): Promise<DeviceDirs> {
  const { root, hub, spaceId, name } = options;
  const folder = path.join(root, name, 'folder');
  const dataDir = path.join(root, name, 'data');
  await mkdir(folder, { recursive: true });
  const code = await hub.invite(spaceId);
  const out = await netguardianOk([
    'init',
    '--folder',
    folder,
    '--data',
    dataDir,
    '--name',
    name,
    '--join',
    code,
  ]);
  const nodeId = new RegExp(`^initialized ${name} \\((\\S+)\\) for `, 'm').exec(out)?.[1];
  if (!nodeId) throw new Error(`no node id in what init printed:\n${out}`);
  if (options.config) await overrideConfig(dataDir, options.config);
  return { name, folder, dataDir, nodeId };
}

/** Writes `values` over the device's config.json, keeping the rest (its hub among it). */
async function overrideConfig(
  dataDir: string,
  values: { syncIntervalMs?: number; rescanIntervalMs?: number },
): Promise<void> {
  const read = await readDeviceConfig(dataDir);
  if (!read.ok) throw read.error;
  await writeDeviceConfig(dataDir, { ...read.value, ...values });
}
