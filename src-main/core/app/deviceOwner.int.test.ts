/**
 * The device owner end to end, in process: a data dir left by an earlier version (its store in
 * PGlite at `<dataDir>/db`) is opened by the owner, which moves the store to the device's own
 * PostgreSQL server once, with nothing lost; a second owner of the same data dir is refused
 * while the first lives, and welcome once it closed.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '../../../test/support/tempDir.js';
import { CRDTManager } from '../crdtManager.js';
import { writeDeviceConfig } from '../deviceConfig.js';
import { EventStore } from '../store/eventStore.js';
import { openPgliteClient } from '../store/pgliteClient.js';
import { openDeviceOwner } from './deviceOwner.js';
import { localClient } from './localClient.js';

let tmp: TempDir;
beforeAll(async () => {
  tmp = await makeTempDir('ng-owner-');
  // As root, a data dir the `postgres` user can enter keeps its cluster inside (removed with it).
  await chmod(tmp.path, 0o755);
});
afterAll(async () => {
  await tmp?.cleanup();
});

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A device's folder and data dir (with its config, no hub) under the temp dir, enterable. */
async function deviceDirs(name: string, spaceId: string, deviceName: string) {
  const dataDir = path.join(tmp.path, name, 'data');
  const folder = path.join(tmp.path, name, 'folder');
  await mkdir(folder, { recursive: true });
  await mkdir(dataDir, { recursive: true, mode: 0o755 });
  await chmod(path.dirname(dataDir), 0o755);
  await writeDeviceConfig(dataDir, {
    version: 1,
    folder,
    spaceId,
    deviceName,
    hub: null,
    syncIntervalMs: 30_000,
    rescanIntervalMs: 15 * 60_000,
    paused: false,
  });
  await chmod(dataDir, 0o755);
  return { dataDir, folder };
}

describe('device owner', () => {
  it('moves an earlier version’s PGlite store to the device server once, losing nothing', async () => {
    const { dataDir, folder } = await deviceDirs('old-device', 'photos', 'laptop');

    // What the earlier version left: two files recorded in PGlite, one edited once.
    const old = await EventStore.open(await openPgliteClient(path.join(dataDir, 'db')));
    const manager = await CRDTManager.open({ store: old, spaceId: 'photos', deviceName: 'laptop' });
    for (const [name, text] of [
      ['a.txt', 'first\n'],
      ['b.txt', 'second\n'],
    ] as const) {
      await writeFile(path.join(folder, name), text);
      const created = await manager.createFileState(name, {
        content: { hash: sha256(text), size: Buffer.byteLength(text) },
      });
      expect(created.ok).toBe(true);
    }
    await writeFile(path.join(folder, 'a.txt'), 'first, edited\n');
    const updated = await manager.updateFileState('a.txt', {
      content: { hash: sha256('first, edited\n'), size: 14 },
    });
    expect(updated.ok).toBe(true);
    const oldNode = manager.nodeId;
    await old.close();

    const owner = await openDeviceOwner({ dataDir, command: 'test' });
    try {
      const client = localClient(owner.service);
      const status = await client.call('device:status', {});
      expect(status.nodeId).toBe(oldNode);
      expect(status.files).toBe(2);
      const history = await client.call('history:get', { path: 'a.txt' });
      expect(history.map((h) => h.hash)).toEqual([sha256('first, edited\n'), sha256('first\n')]);
      // The imported store takes new changes (seq numbering continues: pgliteImport.int.test.ts).
      await writeFile(path.join(folder, 'c.txt'), 'third\n');
      const round = await client.call('sync:run', {});
      expect(round.scanned).toEqual({ created: 1, updated: 0, deleted: 0 });
      expect((await client.call('device:status', {})).files).toBe(3);
    } finally {
      await owner.close();
    }
    expect(existsSync(path.join(dataDir, 'db'))).toBe(false);
    expect(existsSync(path.join(dataDir, 'db.pglite-imported', 'PG_VERSION'))).toBe(true);

    // Reopened: the store is the server's now, nothing imported twice.
    const again = await openDeviceOwner({ dataDir, command: 'test' });
    try {
      const status = await localClient(again.service).call('device:status', {});
      expect(status).toMatchObject({ nodeId: oldNode, files: 3 });
    } finally {
      await again.close();
    }
  });

  it('refuses a second owner while the first lives, in one line naming it', async () => {
    const { dataDir } = await deviceDirs('busy', 'default', 'desk');
    const first = await openDeviceOwner({ dataDir, command: 'netguardian start' });
    try {
      const refused = await openDeviceOwner({ dataDir, command: 'netguardian serve' }).then(
        () => undefined,
        (e: unknown) => e as { code?: string; message?: string },
      );
      expect(refused?.code).toBe('AlreadyRunning');
      expect(refused?.message).toMatch(
        new RegExp(
          `^this device is already running: netguardian start \\(pid ${process.pid}, since `,
        ),
      );
      expect(refused?.message?.split('\n')).toHaveLength(1);
    } finally {
      await first.close();
    }
    const second = await openDeviceOwner({ dataDir, command: 'netguardian serve' });
    await second.close();
  });
});
