/**
 * A device set up with `netguardian init --folder …` (its folder and data dir under the test's
 * temp dir), then given the hub the older way, a database role's connection string in
 * config.json (test/support/legacyHub.ts), until these tests move to the hub service.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { useLegacyHub } from '../../support/legacyHub.js';
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
  const hubUrl = await hub.addDevice(spaceId, name);
  const out = await netguardianOk([
    'init',
    '--folder',
    folder,
    '--data',
    dataDir,
    '--name',
    name,
    '--space',
    spaceId,
  ]);
  const nodeId = new RegExp(`^initialized ${name} \\((\\S+)\\) for `).exec(out)?.[1];
  if (!nodeId) throw new Error(`no node id in what init printed:\n${out}`);
  await useLegacyHub(dataDir, hubUrl, options.config);
  return { name, folder, dataDir, nodeId };
}
