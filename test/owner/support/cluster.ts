/**
 * Where a device's PostgreSQL cluster lives and which server runs it, read the way a person would
 * find out: `<dataDir>/postgres`, or the home `postgres-location.json` records (root's 0700 data
 * dirs put it under /var/lib/netguardian/clusters), and the pid in its `postmaster.pid`.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { readPostmasterPid } from '../../../src-main/core/device/localPostgres/postmasterPid.js';

/** The cluster's home when it lives outside the data dir (recorded there), else undefined. */
export async function recordedClusterHome(dataDir: string): Promise<string | undefined> {
  const record = path.join(dataDir, 'postgres-location.json');
  if (!existsSync(record)) return undefined;
  return (JSON.parse(await readFile(record, 'utf8')) as { home: string }).home;
}

/** The folder holding the cluster's data (`pgdata`). */
export async function clusterDataOf(dataDir: string): Promise<string> {
  const home = (await recordedClusterHome(dataDir)) ?? path.join(dataDir, 'postgres');
  return path.join(home, 'pgdata');
}

/** The pid of the server running the device's cluster, if one runs (or crashed leaving its file). */
export async function storeServerPid(dataDir: string): Promise<number | undefined> {
  return (await readPostmasterPid(await clusterDataOf(dataDir)))?.pid;
}
