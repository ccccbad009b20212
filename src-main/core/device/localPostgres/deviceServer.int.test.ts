import { spawn } from 'node:child_process';
import { chmod, cp, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NetGuardianError } from '../../../../src-shared/errors.js';
import { makeTempDir, type TempDir } from '../../../../test/support/tempDir.js';
import { CRDTManager } from '../../crdtManager.js';
import { EventStore } from '../../store/eventStore.js';
import { openPgClient } from '../../store/pgClient.js';
import type { SqlClient } from '../../store/sqlClient.js';
import { startDeviceServer, type DeviceServer } from './deviceServer.js';
import { COMPLETE_MARKER } from './initCluster.js';
import { clusterProcesses, gidOf, uidOf } from './testFixtures/clusterProcesses.js';

/**
 * The device's own PostgreSQL server on real clusters: made on first start, its data kept
 * across restarts, durable settings, the server user and the folders it must reach, long paths,
 * half-made clusters, and a server that cannot start. The crash of an owner is in
 * deviceServerCrash.int.test.ts.
 */

const asRoot = process.getuid?.() === 0;
const content = { hash: 'b'.repeat(64), size: 3 };

const temps: TempDir[] = [];
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  for (const t of temps.splice(0)) await t.cleanup();
});

/**
 * A data dir under a fresh temp dir. `enterable`: others may enter it and every folder above
 * (made 0755 here); else the temp dir is 0700 (as root's home is) and the data dir not made yet.
 */
async function newDataDir(options: { enterable: boolean }, ...parts: string[]): Promise<string> {
  const temp = await makeTempDir('netguardian-devsrv-');
  temps.push(temp);
  const dataDir = path.join(temp.path, ...(parts.length > 0 ? parts : ['data']));
  if (options.enterable) {
    await chmod(temp.path, 0o755);
    await mkdir(dataDir, { recursive: true, mode: 0o755 });
  }
  return dataDir;
}

async function start(dataDir: string): Promise<DeviceServer> {
  const server = await startDeviceServer({ dataDir });
  cleanups.push(() => server.stop());
  return server;
}

async function open(server: DeviceServer): Promise<SqlClient> {
  const client = await openPgClient(server.connection);
  cleanups.push(() => client.close());
  return client;
}

const show = async (client: SqlClient, setting: string) =>
  (await client.query<Record<string, string>>(`SHOW ${setting}`))[0]?.[setting];

const modeOf = async (p: string) => (await stat(p)).mode & 0o777;

describe('startDeviceServer', () => {
  it('makes a durable, socket-only cluster on first start and keeps its data across a restart', async () => {
    const dataDir = await newDataDir({ enterable: true });
    const first = await start(dataDir);
    expect(first.clusterDir).toBe(path.join(dataDir, 'postgres', 'pgdata'));
    const client = await openPgClient(first.connection);
    expect(await show(client, 'fsync')).toBe('on');
    expect(await show(client, 'synchronous_commit')).toBe('on');
    expect(await show(client, 'full_page_writes')).toBe('on');
    expect(await show(client, 'listen_addresses')).toBe('');
    expect(await show(client, 'unix_socket_permissions')).toBe('0700');
    expect(await show(client, 'wal_level')).toBe('minimal');
    expect(await show(client, 'server_encoding')).toBe('UTF8');
    const manager = await CRDTManager.open({
      store: await EventStore.open(client),
      spaceId: 'docs',
    });
    expect((await manager.createFileState('a.txt', { content })).ok).toBe(true);
    await client.close();
    await first.stop();
    await first.stop(); // twice is fine
    expect(await clusterProcesses(first.clusterDir)).toEqual([]);
    expect(await modeOf(path.join(dataDir, 'postgres-password'))).toBe(0o600);

    const second = await start(dataDir);
    expect(second.clusterDir).toBe(first.clusterDir);
    const again = await CRDTManager.open({
      store: await EventStore.open(await open(second)),
      spaceId: 'docs',
    });
    expect(again.nodeId).toBe(manager.nodeId);
    expect((await again.getFileState('a.txt'))?.exists).toBe(true);
  });

  it.runIf(asRoot)(
    'as root, runs the server as the user postgres in folders only it can enter',
    async () => {
      const dataDir = await newDataDir({ enterable: true });
      const server = await start(dataDir);
      const postgresUid = await uidOf('postgres');
      const processes = await clusterProcesses(server.clusterDir);
      // The postmaster and its background processes (checkpointer, writer, WAL writer, autovacuum).
      expect(processes.length).toBeGreaterThanOrEqual(4);
      expect(processes.map((p) => p.uid)).toEqual(processes.map(() => postgresUid));
      const socketDir = new URL(server.connection.connectionString).searchParams.get('host');
      for (const dir of [server.clusterDir, path.dirname(server.clusterDir), socketDir as string]) {
        expect((await stat(dir)).uid).toBe(postgresUid);
        expect(await modeOf(dir)).toBe(0o700);
      }
    },
  );

  it.runIf(asRoot)(
    'puts the cluster elsewhere when the server user cannot enter the data dir, and finds it after a move',
    async () => {
      const dataDir = await newDataDir({ enterable: false });
      const first = await start(dataDir);
      const home = path.dirname(first.clusterDir);
      cleanups.unshift(() => rm(home, { recursive: true, force: true }));
      expect(home).toMatch(/^\/var\/lib\/netguardian\/clusters\/[0-9a-f]{16}$/);
      const record = path.join(dataDir, 'postgres-location.json');
      expect(JSON.parse(await readFile(record, 'utf8'))).toEqual({ version: 1, home, dataDir });
      expect(await modeOf(record)).toBe(0o600);
      const client = await openPgClient(first.connection);
      await client.exec(
        `CREATE TABLE kept (note text); INSERT INTO kept VALUES ('before the move')`,
      );
      await client.close();
      await first.stop();

      // A copy must not share the cluster while the original uses it.
      const copy = path.join(path.dirname(dataDir), 'copy');
      await cp(dataDir, copy, { recursive: true });
      await expect(startDeviceServer({ dataDir: copy })).rejects.toMatchObject({
        code: 'StoreError',
        message: expect.stringMatching(/is a copy of/) as unknown,
      });

      const moved = path.join(path.dirname(dataDir), 'moved');
      await rename(dataDir, moved);
      const second = await start(moved);
      expect(second.clusterDir).toBe(first.clusterDir);
      expect(await (await open(second)).query('SELECT note FROM kept')).toEqual([
        { note: 'before the move' },
      ]);
      const rewritten = path.join(moved, 'postgres-location.json');
      expect(JSON.parse(await readFile(rewritten, 'utf8'))).toEqual({
        version: 1,
        home,
        dataDir: moved,
      });
    },
  );

  it('puts the socket in a short private folder when the cluster path is too long for one', async () => {
    const dataDir = await newDataDir({ enterable: true }, 'x'.repeat(50), 'y'.repeat(50));
    const server = await start(dataDir);
    const socketDir = new URL(server.connection.connectionString).searchParams.get(
      'host',
    ) as string;
    cleanups.unshift(() => rm(socketDir, { recursive: true, force: true }));
    expect(path.dirname(socketDir)).toBe(tmpdir());
    expect(path.basename(socketDir)).toMatch(/^netguardian-[0-9a-f]{16}$/);
    expect(await modeOf(socketDir)).toBe(0o700);
    expect(await show(await open(server), 'unix_socket_directories')).toBe(`"${socketDir}"`);
  });

  it('makes a half-made cluster again from scratch', async () => {
    const dataDir = await newDataDir({ enterable: true });
    const home = path.join(dataDir, 'postgres');
    const scratch = path.join(home, 'initdb-scratch-0badc0de');
    const first = await start(dataDir);
    const client = await openPgClient(first.connection);
    await client.exec('CREATE TABLE doomed (n int)');
    await client.close();
    await first.stop();

    // Killed after initdb wrote the cluster but before it was marked complete, and an older
    // attempt's scratch folder left behind.
    await rm(path.join(first.clusterDir, COMPLETE_MARKER));
    await mkdir(scratch);
    await writeFile(path.join(scratch, 'PG_VERSION'), '18\n');
    const remade = await start(dataDir);
    const tables = await (await open(remade)).query(`SELECT to_regclass('doomed') AS t`);
    expect(tables).toEqual([{ t: null }]);
    await remade.stop();

    // Killed while initdb ran: only its scratch folder exists.
    await rm(remade.clusterDir, { recursive: true });
    await mkdir(scratch);
    const fresh = await start(dataDir);
    expect(await show(await open(fresh), 'fsync')).toBe('on');
    await expect(stat(scratch)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('starts over a stale postmaster.pid, never signalling a process that took its pid', async () => {
    const dataDir = await newDataDir({ enterable: true });
    const first = await start(dataDir);
    await first.stop();
    const lockFile = path.join(first.clusterDir, 'postmaster.pid');
    const staleLock = (pid: number) =>
      `${pid}\n${first.clusterDir}\n1764870000\n5432\n\n\n\nready\n`;

    // A dead server's lock: PostgreSQL itself sees the pid is gone.
    const gone = spawn('true');
    await new Promise((resolve) => gone.once('exit', resolve));
    await writeFile(lockFile, staleLock(gone.pid as number));
    await (await start(dataDir)).stop();

    // The pid now belongs to another process of the server's user: PostgreSQL would refuse
    // ("lock file already exists"); it is not this cluster's server, so the lock is removed.
    const ids = asRoot ? { uid: await uidOf('postgres'), gid: await gidOf('postgres') } : {};
    const bystander = spawn('sleep', ['60'], ids);
    cleanups.push(() => {
      bystander.kill('SIGKILL');
      return Promise.resolve();
    });
    await writeFile(lockFile, staleLock(bystander.pid as number));
    const server = await start(dataDir);
    expect(await show(await open(server), 'fsync')).toBe('on');
    expect(bystander.exitCode).toBeNull();
    expect(bystander.signalCode).toBeNull();
  });

  it('fails at once with the server log when the server exits while starting', async () => {
    const dataDir = await newDataDir({ enterable: true });
    const server = await start(dataDir);
    await server.stop();
    // postgresql.auto.conf is read after our settings: a bad value there stops the server.
    await writeFile(
      path.join(server.clusterDir, 'postgresql.auto.conf'),
      "shared_buffers = 'lots'\n",
    );
    const started = Date.now();
    const failure = await startDeviceServer({ dataDir }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(NetGuardianError);
    expect(failure).toMatchObject({ code: 'StoreError' });
    expect((failure as Error).message).toMatch(/exited while starting[\s\S]*shared_buffers/);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(await clusterProcesses(server.clusterDir)).toEqual([]);
  });
});
