import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOT_PAIRED_SENTENCE } from '../../../src-shared/hubProblems.js';
import type { DevicesView } from '../../../src-shared/ipc/contract.js';
import { fileRow, openAppHarness, type AppHarness } from '../../../test/support/appHarness.js';
import { createFreshDatabase, type FreshDatabase } from '../../../test/support/freshDatabase.js';
import { askHub } from '../hubService/adminSocket.js';
import { ADMIN_SOCKET } from '../hubService/hubRuntime.js';
import { OWN_HUB_DIR } from './ownHub.js';

/**
 * The Devices screen's list and removal against a real hub: alpha runs the hub (`hub:create`,
 * as "Create a hub on this computer"), beta joins it with alpha's invite, and a stranger joins the
 * same hub into another space (an invite from the hub's admin socket). The list is the hub's
 * (every paired device, with presence), scoped to the caller's space; only the hub's computer
 * removes a device, never itself, never one of another space; a removed device is gone from the
 * list and can't sync, and what it synced stays.
 */

let hubDb: FreshDatabase;
let alpha: AppHarness;
let beta: AppHarness;
let stranger: AppHarness;

/** Asks again until `check` holds: presence is written by the hub as streams open and close. */
async function eventually<T>(
  ask: () => Promise<T>,
  check: (value: T) => boolean,
  what: string,
): Promise<T> {
  for (let tries = 0; ; tries++) {
    const value = await ask();
    if (check(value)) return value;
    if (tries >= 200) throw new Error(`${what}: still ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const rowsOf = (view: DevicesView) =>
  view.devices.map((d) => ({ name: d.name, thisDevice: d.thisDevice, online: d.online }));

beforeAll(async () => {
  hubDb = await createFreshDatabase('app_devices_hub');
  alpha = await openAppHarness({ name: 'alpha', ownHubDatabaseUrl: hubDb.url });
  await alpha.service['hub:create']({ listen: '127.0.0.1:0' });
  beta = await openAppHarness({ name: 'beta' });
  const { code } = await alpha.service['hub:invite']({ expiresInMs: 3_600_000 });
  await beta.service['hub:join']({ code });
  // Another space on the same hub, as `netguardian hub invite --space other` makes it.
  const other = await askHub<{ code: string }>(
    path.join(alpha.dataDir, OWN_HUB_DIR, ADMIN_SOCKET),
    '/invite',
    { spaceId: 'other', expiresInMs: 3_600_000 },
  );
  stranger = await openAppHarness({ name: 'stranger', spaceId: 'other' });
  await stranger.service['hub:join']({ code: other.code });
}, 120_000);

afterAll(async () => {
  await stranger?.close();
  await beta?.close();
  await alpha?.close();
  await hubDb?.drop();
});

describe('the devices of a space, from its hub', () => {
  it('lists both devices with the hub’s presence, this device first and marked', async () => {
    const onAlpha = await eventually(
      () => alpha.service['devices:list']({}),
      (v) => v.devices.length === 2 && v.devices.every((d) => d.online),
      'beta online on alpha’s list',
    );
    expect(onAlpha.hub).toBe('listed');
    expect(onAlpha.problem).toBeNull();
    expect(onAlpha.manages).toBe(true);
    expect(rowsOf(onAlpha)).toEqual([
      { name: 'alpha', thisDevice: true, online: true },
      { name: 'beta', thisDevice: false, online: true },
    ]);
    expect(onAlpha.devices[1]?.nodeId).toBe(beta.nodeId);
    expect(onAlpha.devices[1]?.lastSeen).toBeGreaterThan(0);

    const onBeta = await beta.service['devices:list']({});
    expect(onBeta.hub).toBe('listed');
    // Beta does not run the hub: it neither invites nor removes.
    expect(onBeta.manages).toBe(false);
    expect(rowsOf(onBeta)).toEqual([
      { name: 'beta', thisDevice: true, online: true },
      { name: 'alpha', thisDevice: false, online: true },
    ]);
  });

  it('a device of another space on the same hub sees only its own space', async () => {
    const onStranger = await stranger.service['devices:list']({});
    expect(onStranger.hub).toBe('listed');
    expect(rowsOf(onStranger)).toEqual([{ name: 'stranger', thisDevice: true, online: true }]);
    const onAlpha = await alpha.service['devices:list']({});
    expect(onAlpha.devices.map((d) => d.name)).toEqual(['alpha', 'beta']);
  });
});

describe('removing a device', () => {
  it('is refused, in words, to a device that does not run the hub, and to the hub’s own device', async () => {
    await expect(beta.service['devices:remove']({ nodeId: alpha.nodeId })).rejects.toMatchObject({
      code: 'AccessDenied',
      message:
        'only the computer that runs the hub can remove devices: remove it there (a device can also leave the hub itself, in its Settings)',
    });
    await expect(stranger.service['devices:remove']({ nodeId: beta.nodeId })).rejects.toMatchObject(
      { code: 'AccessDenied' },
    );
    await expect(alpha.service['devices:remove']({ nodeId: alpha.nodeId })).rejects.toMatchObject({
      code: 'InvalidArgument',
      message: 'this is this device: to stop syncing it, leave the hub in Settings',
    });
    expect((await alpha.service['devices:list']({})).devices).toHaveLength(2);
  });

  it('can’t reach a device of another space, even from the hub’s computer', async () => {
    await expect(
      alpha.service['devices:remove']({ nodeId: stranger.nodeId }),
    ).rejects.toMatchObject({ code: 'NotFound' });
    // Still paired: its hub still lists it.
    expect((await stranger.service['devices:list']({})).hub).toBe('listed');
  });

  it('revokes the device on the hub: gone from the list, can’t sync, and what it synced stays', async () => {
    await writeFile(path.join(beta.folder, 'from-beta.txt'), 'written on beta');
    await beta.service['sync:now']({});
    await alpha.until(async () => {
      await alpha.service['sync:now']({});
      return (await fileRow(alpha.service, 'from-beta.txt'))?.state === 'synced';
    }, 'from-beta.txt on alpha');

    const after = await alpha.service['devices:remove']({ nodeId: beta.nodeId });
    expect(rowsOf(after)).toEqual([{ name: 'alpha', thisDevice: true, online: true }]);
    expect(alpha.pushes).toContainEqual(
      expect.objectContaining({
        channel: 'activity',
        payload: expect.objectContaining({
          message: "Removed beta from the hub: it can't sync any more; what it synced stays here",
        }) as unknown,
      }),
    );
    // A second removal finds nothing to remove.
    await expect(alpha.service['devices:remove']({ nodeId: beta.nodeId })).rejects.toMatchObject({
      code: 'NotFound',
    });

    // Beta's credential no longer opens the hub: its list falls back to what it knows, saying why.
    const onBeta = await beta.service['devices:list']({});
    expect(onBeta.hub).toBe('unlisted');
    expect(onBeta.problem).toContain(NOT_PAIRED_SENTENCE);
    // Alpha changed nothing: beta holds none of its changes, so knows only itself.
    expect(onBeta.devices.map((d) => d.name)).toEqual(['beta']);
    expect(onBeta.devices.every((d) => !d.online)).toBe(true);

    // Its data is untouched on both devices.
    expect(await readFile(path.join(alpha.folder, 'from-beta.txt'), 'utf8')).toBe(
      'written on beta',
    );
    expect(await readFile(path.join(beta.folder, 'from-beta.txt'), 'utf8')).toBe('written on beta');
    expect((await fileRow(alpha.service, 'from-beta.txt'))?.state).toBe('synced');
  });
});
