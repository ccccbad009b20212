/**
 * Issue 17 point 3: one hub run as two processes (`netguardian hub start` twice, real child
 * processes, each with its own data dir) on one fresh PostgreSQL database, three devices (real
 * `netguardian start` daemons) of one space: two paired through hub A, one through hub B. Device
 * one's folder holds a few hundred files, some of them MiB-sized; device three's a few of its own.
 * While device one's bytes are moving to hub A, hub A is killed with SIGKILL. The devices on A
 * move to B (the same certificate, the address they learned from the hub), and all three folders
 * end identical byte for byte, holding exactly what was written, with nothing held aside.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { DeviceStatusView } from '../../src-shared/ipc/contract.js';
import { readDeviceConfig, writeDeviceConfig } from '../../src-main/core/deviceConfig.js';
import { folderTree, pollUntil, sha256Of, type Tree } from '../folderSync/support/folderTree.js';
import { freePort, startHub as startHubProcess } from '../owner/support/hub.js';
import {
  netguardianOk,
  runNetguardian,
  startDaemon,
  type Daemon,
} from '../owner/support/netguardian.js';
import { NO_PERIODIC_WORK } from '../owner/support/devices.js';
import { createFreshDatabase, type FreshDatabase } from '../support/freshDatabase.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

const SPACE = 'failover';
const SMALL_FILES = 300;
const LARGE_FILES = 8;
const LARGE_BYTES = 4 * 1024 * 1024;
const THIRD_FILES = 20;

let db: FreshDatabase | undefined;
let tmp: TempDir | undefined;
const running: Daemon[] = [];

afterAll(async () => {
  for (const d of running.reverse()) {
    await d.kill('SIGTERM').catch(() => d.kill('SIGKILL').catch(() => undefined));
  }
  await db?.drop();
  await tmp?.cleanup();
});

const elapsed = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

/** A hub process of the test's own, stopped in `afterAll`. */
async function startHub(dataDir: string, port: number, databaseUrl: string): Promise<Daemon> {
  const hub = await startHubProcess(dataDir, port, databaseUrl);
  running.push(hub);
  return hub;
}

interface Device {
  readonly name: string;
  readonly folder: string;
  readonly dataDir: string;
}

/** `hub invite` on `hubDir`, then `init --join` with it (periodic sync and rescans off). */
async function pairDevice(root: string, hubDir: string, name: string): Promise<Device> {
  const folder = path.join(root, name, 'folder');
  const dataDir = path.join(root, name, 'data');
  await mkdir(folder, { recursive: true });
  const invite = await netguardianOk(['hub', 'invite', '--data', hubDir, '--space', SPACE]);
  const code = invite.split('\n')[0] ?? '';
  await netguardianOk([
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
  const config = await readDeviceConfig(dataDir);
  if (!config.ok) throw config.error;
  await writeDeviceConfig(dataDir, { ...config.value, ...NO_PERIODIC_WORK });
  return { name, folder, dataDir };
}

/** Writes `files` into `folder`; returns the tree a synced folder must hold for them. */
async function writeFiles(folder: string, files: Map<string, Buffer>): Promise<Tree> {
  const tree: Tree = {};
  for (const [rel, bytes] of files) {
    const abs = path.join(folder, rel);
    await mkdir(path.dirname(abs), { recursive: true });
    await writeFile(abs, bytes);
    tree[rel] = `file ${sha256Of(bytes)} -`;
    const parts = rel.split('/');
    for (let i = 1; i < parts.length; i++) tree[parts.slice(0, i).join('/')] = 'dir';
  }
  return tree;
}

/** A tree as text, its entries in path order whatever order they were added in. */
const canonical = (tree: Tree) =>
  JSON.stringify(Object.entries(tree).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

async function statusOf(device: Device): Promise<DeviceStatusView> {
  const run = await runNetguardian(['status', '--json', '--data', device.dataDir]);
  if (run.code !== 0) throw new Error(`status failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as DeviceStatusView;
}

describe('one hub as two processes', () => {
  it('devices on a hub process killed mid-sync move to the other, and every folder converges', async () => {
    const started = Date.now();
    db = await createFreshDatabase('hub_failover');
    tmp = await makeTempDir('ng-hub-failover-');
    // As root, each device's PostgreSQL runs as `postgres`, which must pass through to its data.
    await chmod(tmp.path, 0o755);
    const root = tmp.path;
    const hubADir = path.join(root, 'hub-a');
    const hubBDir = path.join(root, 'hub-b');
    const [portA, portB] = [await freePort(), await freePort()];
    const hubA = await startHub(hubADir, portA, db.url);
    const hubB = await startHub(hubBDir, portB, db.url);
    // One hub: both processes present the same certificate.
    const fingerprintOf = (hub: Daemon) =>
      /^certificate fingerprint \(SHA-256\): ([0-9a-f]{64})$/m.exec(hub.output())?.[1];
    expect(fingerprintOf(hubA)).toBeDefined();
    expect(fingerprintOf(hubB)).toBe(fingerprintOf(hubA));
    console.log(`two hub processes up after ${elapsed(started)}`);

    const one = await pairDevice(root, hubADir, 'one');
    const two = await pairDevice(root, hubADir, 'two');
    const three = await pairDevice(root, hubBDir, 'three');
    for (const d of [one, two]) {
      const config = await readDeviceConfig(d.dataDir);
      expect(config.ok && config.value.hub).toMatchObject({ address: `127.0.0.1:${portA}` });
    }

    const firstFiles = new Map<string, Buffer>();
    for (let i = 0; i < SMALL_FILES; i++)
      firstFiles.set(`docs/d${i % 10}/f${i}.bin`, randomBytes(1024 + ((i * 37) % 7000)));
    for (let i = 0; i < LARGE_FILES; i++)
      firstFiles.set(`large/l${i}.bin`, randomBytes(LARGE_BYTES + i * 4096));
    const thirdFiles = new Map<string, Buffer>();
    for (let i = 0; i < THIRD_FILES; i++) thirdFiles.set(`from-three/t${i}.bin`, randomBytes(3000));
    const expected: Tree = {
      ...(await writeFiles(one.folder, firstFiles)),
      ...(await writeFiles(three.folder, thirdFiles)),
    };
    const totalFirst = [...firstFiles.values()].reduce((n, b) => n + b.byteLength, 0);

    // Two and three run first: they hear of one's files as they reach the hub.
    running.push(await startDaemon(two.dataDir));
    running.push(await startDaemon(three.dataDir));
    console.log(`devices two and three up after ${elapsed(started)}`);

    // One's first sync uploads its files to hub A; A is killed while its bytes are moving.
    const observer = new pg.Client({ connectionString: db.url });
    await observer.connect();
    const held = async () =>
      Number(
        (
          await observer.query<{ bytes: string }>(
            `SELECT coalesce(sum(size), 0)::text AS bytes FROM crdt_chunks WHERE space_id = $1`,
            [SPACE],
          )
        ).rows[0]?.bytes ?? 0,
      );
    const baseline = await held();
    let atKill = -1;
    try {
      const starting = startDaemon(one.dataDir);
      starting.catch(() => undefined);
      await pollUntil(
        'hub A to hold some of device one’s large files',
        async () => ((await held()) - baseline >= LARGE_BYTES ? true : undefined),
        { timeoutMs: 120_000, intervalMs: 20 },
      );
      const killed = await hubA.kill('SIGKILL');
      atKill = (await held()) - baseline;
      expect(killed.signal).toBe('SIGKILL');
      console.log(
        `hub A killed after ${elapsed(started)}, holding ${atKill} of ${totalFirst} bytes of one's files`,
      );
      // Bytes were still moving: hub A held part of them, not all.
      expect(atKill).toBeLessThan(totalFirst);
      running.push(await starting);
    } finally {
      await observer.end();
    }

    // Everyone on hub B now: the three folders converge, holding exactly what was written.
    const folders = [one.folder, two.folder, three.folder];
    const tree = await pollUntil(
      'the three folders to hold every file written',
      async () => {
        const trees = await Promise.all(folders.map((f) => folderTree(f)));
        return trees.every((t) => canonical(t) === canonical(expected)) ? trees[0] : undefined;
      },
      { timeoutMs: 240_000, intervalMs: 500 },
    ).catch(async (e: unknown) => {
      const trees = await Promise.all(folders.map((f) => folderTree(f)));
      const differing = trees.map((t) =>
        [...new Set([...Object.keys(expected), ...Object.keys(t)])].filter(
          (k) => t[k] !== expected[k],
        ),
      );
      throw new Error(
        `${(e as Error).message}; entries missing, extra or different per device: ${differing.map((m) => `${m.length} (${m.slice(0, 3).join(', ')})`).join('; ')}`,
      );
    });
    expect(Object.keys(tree)).toHaveLength(Object.keys(expected).length);
    console.log(`converged after ${elapsed(started)}`);

    // Nothing held aside, nothing left to move, no conflict, every device reaching the hub (B).
    for (const device of [one, two, three]) {
      const status = await pollUntil(
        `${device.name} to have nothing left to move`,
        async () => {
          const s = await statusOf(device);
          return s.hub?.pendingUpload === 0 && s.pendingDownload === 0 && s.hub.reachable
            ? s
            : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 500 },
      );
      expect({
        name: device.name,
        held: status.held,
        conflicts: status.conflicts,
        unsyncable: status.unsyncable.total,
      }).toEqual({ name: device.name, held: 0, conflicts: 0, unsyncable: 0 });
      // The status names the process in use, not the dead one the device paired through.
      expect({ name: device.name, hub: status.hub?.address }).toEqual({
        name: device.name,
        hub: `127.0.0.1:${portB}`,
      });
    }
    // One and two learned where the hub's other process is, and kept it beside their config.
    for (const device of [one, two]) {
      const kept = JSON.parse(
        await readFile(path.join(device.dataDir, 'hub-addresses.json'), 'utf8'),
      ) as { addresses: string[] };
      expect(kept.addresses).toContain(`127.0.0.1:${portB}`);
    }
    console.log(`checked after ${elapsed(started)}`);
  }, 480_000);
});
