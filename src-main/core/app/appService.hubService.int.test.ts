import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeInvite } from '../../../src-shared/hubProtocol/inviteCode.js';
import { fileRow, openAppHarness, type AppHarness } from '../../../test/support/appHarness.js';
import { createFreshDatabase, type FreshDatabase } from '../../../test/support/freshDatabase.js';
import { makeTempDir, type TempDir } from '../../../test/support/tempDir.js';
import { HUB_CREDENTIAL_FILE } from '../device/hubCredential.js';
import { CONFIG_FILE } from '../deviceConfig.js';
import { startHubService, type RunningHub } from '../hubService/hubRuntime.js';

/**
 * The app's way onto a hub, as the settings screen and the first run drive it: `hub:join` with an
 * invite code pairs the device (config: the hub's address and pinned certificate; credential in
 * `hub-credential`, 0600) and reopens it on the hub, so two devices joined so sync a file; a
 * refused join (used invite, wrong certificate, no hub there, garbled code) is a sentence and
 * leaves the config as it was; `hub:leave` goes back to local only; `hub:create` runs a hub in the
 * app's data dir and `hub:invite` lets a third device in.
 */

let hubDb: FreshDatabase;
let ownHubDb: FreshDatabase;
let hubDir: TempDir;
let hub: RunningHub;
let alpha: AppHarness;
let beta: AppHarness;
let gamma: AppHarness | undefined;
let delta: AppHarness | undefined;

const hubAddress = () => `127.0.0.1:${hub.address.port}`;

/** A fresh one-time invite into `default`, as `netguardian hub invite` prints it. */
async function freshInvite(): Promise<string> {
  const invite = await hub.accounts.createInvite({ spaceId: 'default', expiresInMs: 60_000 });
  return encodeInvite({
    address: hubAddress(),
    fingerprint: hub.fingerprint,
    secret: invite.secret,
    spaceId: 'default',
  });
}

const configOf = async (h: AppHarness) => readFile(path.join(h.dataDir, CONFIG_FILE), 'utf8');

beforeAll(async () => {
  hubDb = await createFreshDatabase('app_hub_join');
  ownHubDb = await createFreshDatabase('app_own_hub');
  hubDir = await makeTempDir('ng-app-hub-');
  hub = await startHubService({
    dataDir: hubDir.path,
    listen: '127.0.0.1:0',
    databaseUrl: hubDb.url,
  });
  alpha = await openAppHarness({ name: 'alpha' });
  beta = await openAppHarness({ name: 'beta' });
});

afterAll(async () => {
  await alpha?.close();
  await beta?.close();
  await gamma?.close();
  await delta?.close();
  await hub?.stop();
  await hubDir?.cleanup();
  await hubDb?.drop();
  await ownHubDb?.drop();
});

describe('joining a hub service from the app', () => {
  it('two devices join with fresh invites and a file written on one arrives on the other', async () => {
    const joined = await alpha.service['hub:join']({ code: await freshInvite() });
    expect(joined.hub).toEqual({ address: hubAddress(), runsHere: false });
    await beta.service['hub:join']({ code: await freshInvite() });

    const config = JSON.parse(await configOf(alpha)) as { hub: unknown };
    expect(config.hub).toEqual({
      address: hubAddress(),
      fingerprint: hub.fingerprint,
      hubId: hub.hubId,
    });
    // The credential is beside the config, the user's only, and never in the config.
    const credentialFile = path.join(alpha.dataDir, HUB_CREDENTIAL_FILE);
    expect((await stat(credentialFile)).mode & 0o777).toBe(0o600);
    expect(await readFile(credentialFile, 'utf8')).toMatch(/^ngd1\./);
    expect(await configOf(alpha)).not.toContain('ngd1.');

    await writeFile(path.join(alpha.folder, 'from-alpha.txt'), 'hello through the service');
    await alpha.service['sync:now']({});
    await beta.until(async () => {
      await beta.service['sync:now']({});
      return (await fileRow(beta.service, 'from-alpha.txt'))?.state === 'synced';
    }, 'from-alpha.txt on beta');
    expect(await readFile(path.join(beta.folder, 'from-alpha.txt'), 'utf8')).toBe(
      'hello through the service',
    );
    const state = await beta.service['state:get']({});
    expect(state.hub).toMatchObject({ connected: true });
  });

  it('a used invite is refused in words and changes nothing', async () => {
    const code = await freshInvite();
    gamma = await openAppHarness({ name: 'gamma' });
    await gamma.service['hub:join']({ code });
    const before = await configOf(alpha);
    const credentialBefore = await readFile(path.join(alpha.dataDir, HUB_CREDENTIAL_FILE), 'utf8');

    const refused = alpha.service['hub:join']({ code });
    await expect(refused).rejects.toMatchObject({
      code: 'InviteRefused',
      message: expect.stringMatching(
        new RegExp(
          `^could not join the hub at ${hubAddress().replace(/\./g, '\\.')}: this invite was already used on .+: ask for a new one$`,
        ),
      ) as unknown,
    });
    expect(await configOf(alpha)).toBe(before);
    expect(await readFile(path.join(alpha.dataDir, HUB_CREDENTIAL_FILE), 'utf8')).toBe(
      credentialBefore,
    );
    expect((await alpha.service['settings:get']({})).hub).toEqual({
      address: hubAddress(),
      runsHere: false,
    });
  });

  it('a garbled code, a certificate that is not the invite’s and no hub there are each one sentence', async () => {
    const local = await openAppHarness({ name: 'local' });
    try {
      const before = await configOf(local);
      await expect(local.service['hub:join']({ code: 'ng1-eyJhIjoi' })).rejects.toMatchObject({
        code: 'InviteRefused',
        message:
          'this invite code is damaged or cut short: copy it again, whole, from the message you were sent',
      });
      const invite = await hub.accounts.createInvite({ spaceId: 'default', expiresInMs: 60_000 });
      const wrongCertificate = encodeInvite({
        address: hubAddress(),
        fingerprint: 'ab'.repeat(32),
        secret: invite.secret,
        spaceId: 'default',
      });
      await expect(local.service['hub:join']({ code: wrongCertificate })).rejects.toMatchObject({
        code: 'CertificateMismatch',
        message: expect.stringMatching(
          /^could not join the hub at 127\.0\.0\.1:\d+: the hub at 127\.0\.0\.1:\d+ presented a certificate other than the one this device paired with/,
        ) as unknown,
      });
      // Port 1 on loopback: nothing listens there.
      const nowhere = encodeInvite({
        address: '127.0.0.1:1',
        fingerprint: hub.fingerprint,
        secret: invite.secret,
        spaceId: 'default',
      });
      await expect(local.service['hub:join']({ code: nowhere })).rejects.toMatchObject({
        code: 'HubUnreachable',
        message:
          "could not join: can't reach the hub at 127.0.0.1:1: nothing answers there, is it running?",
      });
      expect(await configOf(local)).toBe(before);
      // The secret was never spent: the invite still pairs a device.
      await local.service['hub:join']({
        code: encodeInvite({
          address: hubAddress(),
          fingerprint: hub.fingerprint,
          secret: invite.secret,
          spaceId: 'default',
        }),
      });
      expect((await local.service['settings:get']({})).hub).toMatchObject({
        address: hubAddress(),
      });
    } finally {
      await local.close();
    }
  });

  it('leaving goes back to local only and removes the credential', async () => {
    const left = await gamma!.service['hub:leave']({});
    expect(left.hub).toBeNull();
    expect(JSON.parse(await configOf(gamma!))).toMatchObject({ hub: null });
    await expect(stat(path.join(gamma!.dataDir, HUB_CREDENTIAL_FILE))).rejects.toMatchObject({
      code: 'ENOENT',
    });
    expect((await gamma!.service['state:get']({})).hub).toBeNull();
  });
});

describe('a hub on this computer', () => {
  it('hub:create runs a hub in the data dir and pairs with it; hub:invite lets another device in', async () => {
    delta = await openAppHarness({ name: 'delta', ownHubDatabaseUrl: ownHubDb.url });
    await expect(delta.service['hub:invite']({ expiresInMs: 3_600_000 })).rejects.toMatchObject({
      message:
        'this computer does not run a hub: only the computer that runs it can invite devices (or create one here first)',
    });
    const created = await delta.service['hub:create']({ listen: '127.0.0.1:0' });
    expect(created.hub).toMatchObject({ runsHere: true });
    expect(created.hub?.address).toMatch(/^127\.0\.0\.1:\d+$/);

    const { code, expiresAt } = await delta.service['hub:invite']({ expiresInMs: 3_600_000 });
    expect(code.startsWith('ng1-')).toBe(true);
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(3_500_000);
    // gamma left the other hub above: it joins this one.
    const joined = await gamma!.service['hub:join']({ code });
    expect(joined.hub).toEqual({ address: created.hub?.address, runsHere: false });

    await writeFile(path.join(delta.folder, 'made-here.txt'), 'from the hub computer');
    await delta.service['sync:now']({});
    await gamma!.until(async () => {
      await gamma!.service['sync:now']({});
      return (await fileRow(gamma!.service, 'made-here.txt'))?.state === 'synced';
    }, 'made-here.txt on gamma');

    // Leaving on the hub's computer stops its hub too: back to local only, nothing to invite to.
    expect((await delta.service['hub:leave']({})).hub).toBeNull();
    await expect(delta.service['hub:invite']({ expiresInMs: 3_600_000 })).rejects.toMatchObject({
      code: 'InvalidArgument',
    });
  });
});
