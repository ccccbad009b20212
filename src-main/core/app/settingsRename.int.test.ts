import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeInvite } from '../../../src-shared/hubProtocol/inviteCode.js';
import { openAppHarness, type AppHarness } from '../../../test/support/appHarness.js';
import { createFreshDatabase, type FreshDatabase } from '../../../test/support/freshDatabase.js';
import { makeTempDir, type TempDir } from '../../../test/support/tempDir.js';
import { HUB_CREDENTIAL_FILE } from '../device/hubCredential.js';
import { readDeviceConfig } from '../deviceConfig.js';
import { startHubService, type RunningHub } from '../hubService/hubRuntime.js';

/**
 * Renaming the device from the settings (issue 16 point 6): the new name holds on this device at
 * once (settings, state, status, config.json) and reaches the hub, whose list of the space's
 * devices is what the other devices show. Two real devices joined to a real hub service. And the
 * settings a paired device answers carry no secret: not its hub credential.
 */

let hubDb: FreshDatabase;
let hubDir: TempDir;
let hub: RunningHub;
let alpha: AppHarness;
let beta: AppHarness;

async function freshInvite(): Promise<string> {
  const invite = await hub.accounts.createInvite({ spaceId: 'default', expiresInMs: 60_000 });
  return encodeInvite({
    address: `127.0.0.1:${hub.address.port}`,
    fingerprint: hub.fingerprint,
    secret: invite.secret,
    spaceId: 'default',
  });
}

/** The names the hub lists the space's devices by, by node id. */
const hubNames = async () =>
  Object.fromEntries(
    (await hub.accounts.listDevices('default'))
      .filter((d) => !d.revoked)
      .map((d) => [d.nodeId, d.deviceName]),
  );

beforeAll(async () => {
  hubDb = await createFreshDatabase('app_rename');
  hubDir = await makeTempDir('ng-app-rename-');
  hub = await startHubService({
    dataDir: hubDir.path,
    listen: '127.0.0.1:0',
    databaseUrl: hubDb.url,
  });
  alpha = await openAppHarness({ name: 'alpha' });
  beta = await openAppHarness({ name: 'beta' });
  await alpha.service['hub:join']({ code: await freshInvite() });
  await beta.service['hub:join']({ code: await freshInvite() });
});

afterAll(async () => {
  await alpha?.close();
  await beta?.close();
  await hub?.stop();
  await hubDir?.cleanup();
  await hubDb?.drop();
});

describe('renaming the device', () => {
  it('takes effect here at once and reaches the hub the other devices list from', async () => {
    expect(await hubNames()).toEqual({ [alpha.nodeId]: 'alpha', [beta.nodeId]: 'beta' });

    const view = await alpha.service['settings:update']({ deviceName: '  Ada’s Laptop ' });

    expect(view.deviceName).toBe('Ada’s Laptop');
    expect((await alpha.service['state:get']({})).deviceName).toBe('Ada’s Laptop');
    expect((await alpha.service['device:status']({})).deviceName).toBe('Ada’s Laptop');
    const config = await readDeviceConfig(alpha.dataDir);
    expect(config.ok && config.value.deviceName).toBe('Ada’s Laptop');
    // The node id stays: the other devices' history still knows the device's changes as its own.
    expect((await alpha.service['device:status']({})).nodeId).toBe(alpha.nodeId);
    expect(await hubNames()).toEqual({ [alpha.nodeId]: 'Ada’s Laptop', [beta.nodeId]: 'beta' });
    // What the other device's Devices screen shows: the hub's list, the new name in it.
    const onBeta = await beta.service['devices:list']({});
    expect(onBeta.hub).toBe('listed');
    expect(onBeta.devices.find((d) => d.nodeId === alpha.nodeId)?.name).toBe('Ada’s Laptop');
    const said = alpha.pushes.flatMap((m) => (m.channel === 'activity' ? [m.payload.message] : []));
    expect(said).toContain('This device is now called “Ada’s Laptop”');
  });

  it('refuses a blank name in the shared rule’s words and keeps the name', async () => {
    await expect(alpha.service['settings:update']({ deviceName: '   ' })).rejects.toMatchObject({
      code: 'InvalidArgument',
      field: 'deviceName',
      message:
        'Choose a device name of 1 to 64 characters, not only spaces, without line breaks or tabs.',
    });
    expect((await alpha.service['settings:get']({})).deviceName).toBe('Ada’s Laptop');
    expect((await hubNames())[alpha.nodeId]).toBe('Ada’s Laptop');
  });

  it('answers settings without the hub credential or any other secret', async () => {
    const credential = (
      await readFile(path.join(alpha.dataDir, HUB_CREDENTIAL_FILE), 'utf8')
    ).trim();
    const secret = credential.split('.').at(-1) as string;
    const view = await alpha.service['settings:get']({});
    expect(view.hub).toEqual({ address: `127.0.0.1:${hub.address.port}`, runsHere: false });
    const text = JSON.stringify(view);
    expect(text).not.toContain(secret);
    expect(text).not.toContain('ngd1.');
    expect(text).not.toContain(hub.fingerprint);
    expect(Object.keys(view).sort()).toEqual(
      [
        'deviceName',
        'folder',
        'hub',
        'ignoreRules',
        'paused',
        'startAtLogin',
        'syncIntervalMs',
      ].sort(),
    );
  });
});
