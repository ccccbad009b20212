import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '../../../../test/support/tempDir.js';
import { CRDTManager } from '../../crdtManager.js';
import { EventStore } from '../../store/eventStore.js';
import { openPgClient } from '../../store/pgClient.js';
import type { SqlClient } from '../../store/sqlClient.js';
import { startDeviceServer, type DeviceServer } from './deviceServer.js';
import { readPostmasterPid } from './postmasterPid.js';
import { clusterProcesses, stillRunning } from './testFixtures/clusterProcesses.js';

/**
 * An owner killed with SIGKILL leaves its server running, an orphan. The next start of the
 * cluster stops that orphan and starts a fresh server: every committed write is there, the
 * uncommitted one is not, and none of the old server's processes is left.
 */

const FIXTURE = fileURLToPath(new URL('./testFixtures/crashingOwner.ts', import.meta.url));
const WRITES = 25;
const READY_TIMEOUT_MS = 60_000;

interface OwnerReport {
  readonly clusterDir: string;
  readonly nodeId: string;
  readonly paths: readonly string[];
}

let temp: TempDir | undefined;
let owner: ChildProcess | undefined;
let server: DeviceServer | undefined;
let client: SqlClient | undefined;

afterEach(async () => {
  owner?.kill('SIGKILL');
  await client?.close();
  await server?.stop();
  await temp?.cleanup();
});

/** Spawns the owner and resolves with the line it prints once its writes are committed. */
function runOwner(dataDir: string): Promise<OwnerReport> {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, dataDir, String(WRITES)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  owner = child;
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the owner was not ready in ${READY_TIMEOUT_MS} ms:\n${stderr}`)),
      READY_TIMEOUT_MS,
    );
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', (line) => {
      clearTimeout(timer);
      resolve(JSON.parse(line) as OwnerReport);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the owner exited (${code}) before it was ready:\n${stderr}`));
    });
  });
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

describe('a device owner killed with SIGKILL', () => {
  it('leaves an orphan that the next start stops, with every committed write kept', async () => {
    temp = await makeTempDir('netguardian-crash-');
    // Enterable by others, so as root the cluster stays in the data dir (cleaned up with it).
    await chmod(temp.path, 0o755);
    const dataDir = path.join(temp.path, 'data');
    await mkdir(dataDir, { mode: 0o755 });

    const report = await runOwner(dataDir);
    const before = await clusterProcesses(report.clusterDir);
    const postmaster = (await readPostmasterPid(report.clusterDir))?.pid;
    expect(before.map((p) => p.pid)).toContain(postmaster);
    await killed(owner as ChildProcess);

    // The server outlived its owner.
    const orphan = before.find((p) => p.pid === postmaster);
    expect(orphan !== undefined && (await stillRunning(orphan))).toBe(true);

    server = await startDeviceServer({ dataDir });
    expect(server.clusterDir).toBe(report.clusterDir);
    for (const p of before) expect(await stillRunning(p)).toBe(false);
    expect((await readPostmasterPid(server.clusterDir))?.pid).not.toBe(postmaster);

    client = await openPgClient(server.connection);
    const manager = await CRDTManager.open({
      store: await EventStore.open(client),
      spaceId: 'crash',
    });
    expect(manager.nodeId).toBe(report.nodeId);
    const listed = await manager.store.listSnapshots('crash');
    expect(listed.map((s) => s.entityId).sort()).toEqual([...report.paths].sort());
    expect(await client.query('SELECT note FROM crash_open')).toEqual([]);
    // Seq numbering continues after the last committed write.
    const written = await manager.createFileState('after.txt', {
      content: { hash: 'c'.repeat(64), size: 1 },
    });
    expect(written.ok).toBe(true);
    expect(await manager.store.maxSeq('crash', manager.nodeId)).toBe(WRITES + 1);
  });
});
