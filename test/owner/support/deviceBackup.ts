/**
 * A backup of a stopped device's store, as a person makes one: its data dir and the cluster its
 * PostgreSQL server keeps (in `<dataDir>/postgres`, or where `postgres-location.json` records
 * it: root's 0700 data dirs put it under /var/lib/netguardian/clusters). Both are copied with
 * `cp -a` (owners and modes kept: the cluster belongs to the server's user), and put back whole.
 * The data dir's copy holds the device's hub credential (`hub-credential`, 0600, kept by
 * `cp -a`), so a restored device still authenticates with its hub. The synced folder is not part
 * of it.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { clusterDataOf, recordedClusterHome } from './cluster.js';

export interface DeviceBackup {
  readonly dataDir: string;
  /** The cluster's home when it lives outside the data dir. */
  readonly clusterHome: string | undefined;
  /** Holds `data` (the data dir's copy) and `cluster` (the home's, when outside it). */
  readonly copies: string;
}

const copy = async (from: string, to: string) => {
  await promisify(execFile)('cp', ['-a', from, to]);
};

/** Copies the data dir and its cluster into `copies` (a new folder). No server may be running. */
export async function backUpDevice(dataDir: string, copies: string): Promise<DeviceBackup> {
  const clusterHome = await recordedClusterHome(dataDir);
  const pgdata = await clusterDataOf(dataDir);
  if (existsSync(path.join(pgdata, 'postmaster.pid')))
    throw new Error(`${pgdata} has a server running: stop the device before backing it up`);
  await mkdir(copies);
  await copy(dataDir, path.join(copies, 'data'));
  if (clusterHome) await copy(clusterHome, path.join(copies, 'cluster'));
  return { dataDir, clusterHome, copies };
}

/** Replaces the data dir and its cluster with the backup's copies. */
export async function putBackDevice(backup: DeviceBackup): Promise<void> {
  await rm(backup.dataDir, { recursive: true });
  await copy(path.join(backup.copies, 'data'), backup.dataDir);
  if (backup.clusterHome) {
    await rm(backup.clusterHome, { recursive: true });
    await copy(path.join(backup.copies, 'cluster'), backup.clusterHome);
  }
}
