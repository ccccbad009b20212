import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '../../../test/support/tempDir.js';
import { writeDeviceConfig } from '../deviceConfig.js';
import { openDeviceOwner, type DeviceOwner } from './deviceOwner.js';
import { OWN_HUB_FILE } from './ownHub.js';

/**
 * "Create a hub on this computer" as the app's core does it: the owner runs the hub (embedded
 * PostgreSQL in `<data>/hub`) and pairs the device with it; the next owner of the data dir starts
 * it again before the device opens, on the same port, and the device syncs with it again.
 */

let dir: TempDir;
let owner: DeviceOwner | undefined;
let dataDir: string;

beforeAll(async () => {
  dir = await makeTempDir('ng-own-hub-');
  dataDir = path.join(dir.path, 'data');
  await mkdir(path.join(dir.path, 'folder'));
  await writeDeviceConfig(dataDir, {
    version: 1,
    folder: path.join(dir.path, 'folder'),
    spaceId: 'default',
    deviceName: 'studio',
    hub: null,
    syncIntervalMs: 60_000,
    rescanIntervalMs: 15 * 60_000,
    paused: false,
  });
  // Run as root, the hub's embedded PostgreSQL runs as "postgres", which must be able to enter
  // the folders above its own (a user's app runs as that user and needs nothing of this).
  if (process.getuid?.() === 0) {
    await chmod(dir.path, 0o711);
    await chmod(dataDir, 0o711);
  }
});

afterAll(async () => {
  await owner?.close();
  await dir?.cleanup();
});

describe('a hub on this computer, run by the device owner', () => {
  it('is created, paired with, and started again by the next owner', async () => {
    owner = await openDeviceOwner({ dataDir, command: 'test', quietMs: 30 });
    await owner.service.start();
    const created = await owner.service['hub:create']({ listen: '127.0.0.1:0' });
    expect(created.hub).toMatchObject({ runsHere: true });
    const address = created.hub?.address ?? '';
    expect(address).toMatch(/^127\.0\.0\.1:\d+$/);
    // The port as bound is kept, so the device (paired with it) finds it after a restart.
    expect(JSON.parse(await readFile(path.join(dataDir, OWN_HUB_FILE), 'utf8'))).toEqual({
      listen: address,
    });
    await writeFile(path.join(owner.service.root, 'a.txt'), 'one');
    await owner.service['sync:run']({});
    await owner.close();
    owner = undefined;

    owner = await openDeviceOwner({ dataDir, command: 'test', quietMs: 30 });
    expect((await owner.service['settings:get']({})).hub).toEqual({ address, runsHere: true });
    const round = await owner.service['sync:run']({});
    expect(round).toMatchObject({ synced: true, error: null });
    expect(await owner.service['hub:invite']({ expiresInMs: 60_000 })).toMatchObject({
      code: expect.stringMatching(/^ng1-/) as unknown,
    });
  });
});
