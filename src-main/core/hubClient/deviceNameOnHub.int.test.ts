import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFreshDatabase, type FreshDatabase } from '../../../test/support/freshDatabase.js';
import { makeTempDir, type TempDir } from '../../../test/support/tempDir.js';
import { pairWithHub } from './pairing.js';
import type { HubServiceAccess } from '../device/hubAccess.js';
import { startHubService, type RunningHub } from '../hubService/hubRuntime.js';
import { DeviceNameOnHub } from './deviceNameOnHub.js';

/**
 * A rename made while the hub can't be reached still reaches it: the name is sent again by
 * itself until the hub takes it (issue 16 point 6). A real hub service; the device is first
 * pointed at a port where nothing answers, as a hub that is down looks.
 */

let db: FreshDatabase;
let dir: TempDir;
let hub: RunningHub;
let access: HubServiceAccess;

const nameOnHub = async () =>
  (await hub.accounts.listDevices('default')).find((d) => d.nodeId === 'laptop-0a1b2c3d')
    ?.deviceName;

beforeAll(async () => {
  db = await createFreshDatabase('hub_device_name');
  dir = await makeTempDir('ng-hub-name-');
  hub = await startHubService({ dataDir: dir.path, listen: '127.0.0.1:0', databaseUrl: db.url });
  const invite = await hub.accounts.createInvite({ spaceId: 'default', expiresInMs: 60_000 });
  const endpoint = { address: `127.0.0.1:${hub.address.port}`, fingerprint: hub.fingerprint };
  const paired = await pairWithHub({
    endpoint,
    secret: invite.secret,
    nodeId: 'laptop-0a1b2c3d',
    deviceName: 'laptop',
  });
  access = { ...endpoint, credential: paired.credential };
});
afterAll(async () => {
  await hub?.stop();
  await dir?.cleanup();
  await db?.drop();
});

describe('telling the hub the device’s new name', () => {
  it('is retried while the hub is away, until the hub has it', async () => {
    let hubUp = false;
    const errors: string[] = [];
    let told: (name: string) => void = () => undefined;
    const taken = new Promise<string>((resolve) => (told = resolve));
    const names = new DeviceNameOnHub({
      // Away: a port nothing listens on, as a hub that is down looks.
      access: () => Promise.resolve(hubUp ? access : { ...access, address: '127.0.0.1:1' }),
      retry: { firstMs: 20, maxMs: 50 },
      onError: (message) => {
        errors.push(message);
        // After two failed tries the hub is back.
        if (errors.length === 2) hubUp = true;
      },
      onTold: told,
    });
    try {
      expect(await names.announce('Ada’s Laptop')).toBe(false);
      expect(await nameOnHub()).toBe('laptop');
      expect(await taken).toBe('Ada’s Laptop');
      expect(await nameOnHub()).toBe('Ada’s Laptop');
      expect(errors).toHaveLength(2);
    } finally {
      names.close();
    }
  });

  it('a name the shared rule refuses is refused by the hub too, in its words', async () => {
    const errors: string[] = [];
    const names = new DeviceNameOnHub({
      access: () => Promise.resolve(access),
      retry: { firstMs: 60_000, maxMs: 60_000 },
      onError: (message) => errors.push(message),
    });
    try {
      expect(await names.announce('two\nlines')).toBe(false);
      expect(errors[0]).toContain(
        'Choose a device name of 1 to 64 characters, not only spaces, without line breaks or tabs.',
      );
      expect(await nameOnHub()).toBe('Ada’s Laptop');
    } finally {
      names.close();
    }
  });
});
