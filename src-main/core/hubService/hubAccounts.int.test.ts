import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { NetGuardianError } from '../../../src-shared/errors.js';
import type { Result } from '../../../src-shared/result.js';
import { createFreshDatabase, type FreshDatabase } from '../../../test/support/freshDatabase.js';
import { migrate } from '../store/migrate.js';
import { openPgClient } from '../store/pgClient.js';
import { openPgliteClient } from '../store/pgliteClient.js';
import type { SqlClient } from '../store/sqlClient.js';
import { HUB_REVOKED_CHANNEL, HubAccounts, type PairedDevice } from './hubAccounts.js';

/**
 * The hub's accounts on a migrated store, on PGlite and on a PostgreSQL server: invites, pairing,
 * credentials, presence, revocation and quotas. Time is a clock the test moves.
 */

const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);
const HOUR = 3600_000;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function unwrap<T>(r: Result<T, NetGuardianError>): T {
  if (!r.ok) throw r.error;
  return r.value;
}
function refusal<T>(r: Result<T, NetGuardianError>) {
  if (r.ok) throw new Error(`expected a refusal, got ${JSON.stringify(r.value)}`);
  return { code: r.error.code, message: r.error.message, field: r.error.field };
}

const databases: FreshDatabase[] = [];
const targets = [
  { name: 'PGlite', open: () => openPgliteClient() },
  {
    name: 'PostgreSQL',
    async open() {
      const db = await createFreshDatabase('hub_accounts');
      databases.push(db);
      return openPgClient({ connectionString: db.url, maxConnections: 8 });
    },
  },
];
afterAll(async () => {
  for (const db of databases) await db.drop();
});

describe.each(targets)('HubAccounts on $name', (target) => {
  let client: SqlClient;
  let now = T0;
  let accounts: HubAccounts;

  beforeAll(async () => {
    client = await target.open();
    await migrate(client);
  });
  afterAll(async () => {
    await client?.close();
  });
  beforeEach(async () => {
    await client.exec('TRUNCATE hub_device_keys, hub_invites, hub_space_usage');
    now = T0;
    accounts = new HubAccounts(client, { now: () => now });
  });

  /** A device paired into `spaceId` through a fresh invite. */
  async function pair(spaceId: string, nodeId: string, deviceName: string): Promise<PairedDevice> {
    const invite = await accounts.createInvite({ spaceId, expiresInMs: HOUR });
    return unwrap(await accounts.redeemInvite({ secret: invite.secret, nodeId, deviceName }));
  }

  it('pairs a device with an invite; its credential authenticates it; only hashes are stored', async () => {
    const invite = await accounts.createInvite({ spaceId: 'photos', expiresInMs: HOUR });
    expect(invite.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(invite.expiresAt).toBe('2026-01-15T13:00:00.000Z');

    const paired = unwrap(
      await accounts.redeemInvite({
        secret: invite.secret,
        nodeId: 'laptop-1',
        deviceName: 'Laptop',
      }),
    );
    expect(paired.identity).toEqual({
      keyId: expect.stringMatching(/^[A-Za-z0-9_-]{16}$/) as unknown,
      spaceId: 'photos',
      nodeId: 'laptop-1',
      deviceName: 'Laptop',
    });
    expect(paired.credential).toMatch(/^ngd1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{43}$/);
    expect(paired.credential.split('.')[1]).toBe(paired.identity.keyId);
    expect(await accounts.authenticate(paired.credential)).toEqual(paired.identity);

    const keySecret = paired.credential.split('.')[2] as string;
    const keys = await client.query<{ secret_hash: string; created_at: Date }>(
      'SELECT secret_hash, created_at FROM hub_device_keys',
    );
    expect(keys).toEqual([{ secret_hash: sha256(keySecret), created_at: new Date(T0) }]);
    const invites = await client.query<Record<string, unknown>>(
      'SELECT invite_id, space_id, secret_hash, expires_at, used_at, used_by_node FROM hub_invites',
    );
    expect(invites).toEqual([
      {
        invite_id: invite.inviteId,
        space_id: 'photos',
        secret_hash: sha256(invite.secret),
        expires_at: new Date(T0 + HOUR),
        used_at: new Date(T0),
        used_by_node: 'laptop-1',
      },
    ]);
  });

  it('refuses an invite used before, even by the same device', async () => {
    const invite = await accounts.createInvite({ spaceId: 'photos', expiresInMs: HOUR });
    unwrap(await accounts.redeemInvite({ secret: invite.secret, nodeId: 'n1', deviceName: 'A' }));
    now += 1000;
    for (const nodeId of ['n2', 'n1']) {
      expect(
        refusal(await accounts.redeemInvite({ secret: invite.secret, nodeId, deviceName: 'B' })),
      ).toEqual({
        code: 'InviteRefused',
        message: 'this invite was already used on 2026-01-15T12:00:00.000Z: ask for a new one',
        field: undefined,
      });
    }
    expect((await accounts.listDevices()).map((d) => d.nodeId)).toEqual(['n1']);
  });

  it('refuses an expired invite, and takes one a millisecond before it expires', async () => {
    const late = await accounts.createInvite({ spaceId: 'photos', expiresInMs: HOUR });
    const onTime = await accounts.createInvite({ spaceId: 'photos', expiresInMs: HOUR });
    now = T0 + HOUR - 1;
    unwrap(await accounts.redeemInvite({ secret: onTime.secret, nodeId: 'n1', deviceName: 'A' }));
    now = T0 + HOUR;
    expect(
      refusal(await accounts.redeemInvite({ secret: late.secret, nodeId: 'n2', deviceName: 'B' })),
    ).toEqual({
      code: 'InviteRefused',
      message: 'this invite expired on 2026-01-15T13:00:00.000Z: ask for a new one',
      field: undefined,
    });
  });

  it('refuses an unknown secret and odd arguments', async () => {
    await accounts.createInvite({ spaceId: 'photos', expiresInMs: HOUR });
    const unknown = 'A'.repeat(43);
    expect(
      refusal(await accounts.redeemInvite({ secret: unknown, nodeId: 'n1', deviceName: 'A' })),
    ).toMatchObject({
      code: 'InviteRefused',
      message: 'this invite is not known to the hub (check that it was copied whole)',
    });
    expect(
      refusal(await accounts.redeemInvite({ secret: 'short', nodeId: 'n1', deviceName: 'A' })).code,
    ).toBe('InviteRefused');
    const invite = await accounts.createInvite({ spaceId: 'photos', expiresInMs: HOUR });
    expect(
      refusal(
        await accounts.redeemInvite({ secret: invite.secret, nodeId: '../x', deviceName: 'A' }),
      ),
    ).toMatchObject({ code: 'InvalidArgument', field: 'nodeId' });
    expect(
      refusal(
        await accounts.redeemInvite({ secret: invite.secret, nodeId: 'n1', deviceName: ' ' }),
      ),
    ).toMatchObject({ code: 'InvalidArgument', field: 'deviceName' });
    expect(
      refusal(
        await accounts.redeemInvite({
          secret: invite.secret,
          nodeId: 'n1',
          deviceName: 'a\u001b[2Jb',
        }),
      ),
    ).toMatchObject({ code: 'InvalidArgument', field: 'deviceName' });
    // Refusals of arguments leave the invite usable.
    unwrap(await accounts.redeemInvite({ secret: invite.secret, nodeId: 'n1', deviceName: 'A' }));

    await expect(
      accounts.createInvite({ spaceId: 'no/slash', expiresInMs: HOUR }),
    ).rejects.toMatchObject({
      code: 'InvalidArgument',
      field: 'spaceId',
      message: expect.stringMatching(/^spaceId "no\/slash" must be/) as unknown,
    });
    await expect(
      accounts.createInvite({ spaceId: 'photos', expiresInMs: 0 }),
    ).rejects.toMatchObject({
      code: 'InvalidArgument',
      field: 'expiresInMs',
    });
  });

  it('refuses a node id already paired in the space, without using up the invite', async () => {
    await pair('photos', 'n1', 'Laptop');
    const invite = await accounts.createInvite({ spaceId: 'photos', expiresInMs: HOUR });
    expect(
      refusal(
        await accounts.redeemInvite({ secret: invite.secret, nodeId: 'n1', deviceName: 'Again' }),
      ),
    ).toEqual({
      code: 'InviteRefused',
      message:
        'node id n1 is already paired in space photos as "Laptop": revoke that device first (its data stays), then pair again',
      field: 'nodeId',
    });
    // The same node id in another space is another pairing; the invite still works for another node.
    await pair('docs', 'n1', 'Laptop');
    unwrap(
      await accounts.redeemInvite({ secret: invite.secret, nodeId: 'n2', deviceName: 'Phone' }),
    );
  });

  it('of concurrent redeems of one invite, exactly one wins', async () => {
    const invite = await accounts.createInvite({ spaceId: 'photos', expiresInMs: HOUR });
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        accounts.redeemInvite({ secret: invite.secret, nodeId: `n${i}`, deviceName: `D${i}` }),
      ),
    );
    const winners = results.filter((r) => r.ok);
    expect(winners).toHaveLength(1);
    for (const r of results.filter((x) => !x.ok))
      expect(refusal(r)).toMatchObject({
        code: 'InviteRefused',
        message: expect.stringMatching(/^this invite was already used/) as unknown,
      });
    expect(await client.query('SELECT count(*)::int AS n FROM hub_device_keys')).toEqual([
      { n: 1 },
    ]);
  });

  it('of concurrent pairings of one node id with two invites, exactly one wins', async () => {
    const a = await accounts.createInvite({ spaceId: 'photos', expiresInMs: HOUR });
    const b = await accounts.createInvite({ spaceId: 'photos', expiresInMs: HOUR });
    const results = await Promise.all(
      [a, b].map((i) => accounts.redeemInvite({ secret: i.secret, nodeId: 'n1', deviceName: 'L' })),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(refusal(results.find((r) => !r.ok) as Result<unknown, NetGuardianError>)).toMatchObject({
      code: 'InviteRefused',
      field: 'nodeId',
    });
    // The losing invite was not used up.
    const used = await client.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM hub_invites WHERE used_at IS NOT NULL',
    );
    expect(used).toEqual([{ n: 1 }]);
  });

  it('authenticates nothing from a wrong secret or a malformed credential, without throwing', async () => {
    const paired = await pair('photos', 'n1', 'Laptop');
    const [, keyId, secret] = paired.credential.split('.') as [string, string, string];
    const wrongSecret = secret.slice(0, -1) + (secret.endsWith('A') ? 'B' : 'A');
    const bad = [
      `ngd1.${keyId}.${wrongSecret}`,
      `ngd1.${'x'.repeat(16)}.${secret}`, // unknown key id
      `ngd2.${keyId}.${secret}`,
      `ngd1.${keyId}.${secret}.extra`,
      `ngd1.${keyId}`,
      `ngd1..${secret}`,
      `ngd1.${keyId}.${secret.slice(1)}`,
      `ngd1.${keyId}.${secret}=`,
      `ngd1.${keyId}'--.${secret}`,
      '',
      'Bearer ' + paired.credential,
      'x'.repeat(10_000),
    ];
    for (const credential of bad)
      expect(await accounts.authenticate(credential), credential).toBeUndefined();
    expect(await accounts.authenticate(paired.credential)).toEqual(paired.identity);
  });

  it('revokes a device: its credential fails at once, the hub is told, and the node may pair again', async () => {
    const laptop = await pair('photos', 'n1', 'Laptop');
    const phone = await pair('photos', 'n2', 'Phone');
    const notified: string[] = [];
    let heard: () => void = () => undefined;
    const told = new Promise<void>((resolve) => (heard = resolve));
    const unlisten = await client.listen(HUB_REVOKED_CHANNEL, (payload) => {
      notified.push(payload);
      heard();
    });
    try {
      now += 5000;
      const revoked = unwrap(await accounts.revokeDevice({ spaceId: 'photos', device: 'Laptop' }));
      expect(revoked).toEqual([laptop.identity]);
      await told;
      expect(notified).toEqual([laptop.identity.keyId]);
    } finally {
      await unlisten();
    }

    expect(await accounts.authenticate(laptop.credential)).toBeUndefined();
    expect(await accounts.authenticate(phone.credential)).toEqual(phone.identity);
    expect(refusal(await accounts.revokeDevice({ spaceId: 'photos', device: 'n1' }))).toEqual({
      code: 'NotFound',
      message: 'no paired device has the node id or name "n1" in space photos',
      field: 'device',
    });

    // Re-join: the revoked node pairs again with a new invite and gets a new key.
    const again = await pair('photos', 'n1', 'Laptop');
    expect(again.identity.keyId).not.toBe(laptop.identity.keyId);
    expect(await accounts.authenticate(again.credential)).toEqual(again.identity);
    expect(await accounts.authenticate(laptop.credential)).toBeUndefined();
    expect(
      (await accounts.listDevices('photos')).map((d) => [d.deviceName, d.nodeId, d.revoked]),
    ).toEqual(
      expect.arrayContaining([
        ['Laptop', 'n1', true],
        ['Laptop', 'n1', false],
        ['Phone', 'n2', false],
      ]),
    );
  });

  it('refuses to revoke by a name two devices share, listing them; a node id settles it', async () => {
    const a = await pair('photos', 'n1', 'Laptop');
    const b = await pair('photos', 'n2', 'Laptop');
    expect(refusal(await accounts.revokeDevice({ spaceId: 'photos', device: 'Laptop' }))).toEqual({
      code: 'InvalidArgument',
      message:
        '2 devices are named "Laptop" in space photos (node n1 in space photos, node n2 in space photos): name one by its node id',
      field: 'device',
    });
    expect(await accounts.authenticate(a.credential)).toEqual(a.identity);
    expect(unwrap(await accounts.revokeDevice({ device: 'n2' }))).toEqual([b.identity]);
    expect(await accounts.authenticate(b.credential)).toBeUndefined();
    // Without a space, a node id revokes the device in every space it is in.
    const docs = await pair('docs', 'n1', 'Laptop');
    const all = unwrap(await accounts.revokeDevice({ device: 'n1' }));
    expect(all.map((d) => d.keyId).sort()).toEqual([a.identity.keyId, docs.identity.keyId].sort());
    expect(await accounts.authenticate(docs.credential)).toBeUndefined();
  });

  it('lists devices by space then name, with last seen and presence', async () => {
    const phone = await pair('photos', 'n2', 'Phone');
    now += 1000;
    const laptop = await pair('photos', 'n1', 'Laptop');
    const desk = await pair('docs', 'n3', 'Desk');
    now = T0 + 60_000;
    await accounts.noteSeen(phone.identity.keyId);
    await accounts.markLive(phone.identity.keyId, T0 + 80_000);
    await accounts.markLive(laptop.identity.keyId, T0 + 10_000); // ran out already

    expect(await accounts.listDevices()).toEqual([
      {
        ...desk.identity,
        createdAt: '2026-01-15T12:00:01.000Z',
        lastSeen: null,
        online: false,
        revoked: false,
      },
      {
        ...laptop.identity,
        createdAt: '2026-01-15T12:00:01.000Z',
        lastSeen: null,
        online: false,
        revoked: false,
      },
      {
        ...phone.identity,
        createdAt: '2026-01-15T12:00:00.000Z',
        lastSeen: '2026-01-15T12:01:00.000Z',
        online: true,
        revoked: false,
      },
    ]);
    expect((await accounts.listDevices('docs')).map((d) => d.nodeId)).toEqual(['n3']);
    expect(await accounts.listDevices('nobody')).toEqual([]);

    now = T0 + 80_000; // live_until is not after now: offline
    expect((await accounts.listDevices('photos')).map((d) => d.online)).toEqual([false, false]);
    now = T0 + 70_000;
    expect((await accounts.listDevices('photos')).map((d) => d.online)).toEqual([false, true]);
    await accounts.clearLive(phone.identity.keyId);
    expect((await accounts.listDevices('photos')).map((d) => d.online)).toEqual([false, false]);
    // A revoked device is never online.
    await accounts.markLive(phone.identity.keyId, T0 + HOUR);
    unwrap(await accounts.revokeDevice({ device: 'n2' }));
    expect((await accounts.listDevices('photos')).find((d) => d.nodeId === 'n2')).toMatchObject({
      online: false,
      revoked: true,
    });
  });

  it('reads space usage and sets or lifts a quota', async () => {
    expect(await accounts.spaceUsage('photos')).toEqual({
      spaceId: 'photos',
      chunkBytes: 0,
      quotaBytes: null,
    });
    await accounts.setQuota('photos', 5 * 2 ** 40); // 5 TiB: above 32 bits
    expect(await accounts.spaceUsage('photos')).toEqual({
      spaceId: 'photos',
      chunkBytes: 0,
      quotaBytes: 5_497_558_138_880,
    });
    await client.query(
      `UPDATE hub_space_usage SET chunk_bytes = 4000000000 WHERE space_id = 'photos'`,
    );
    await accounts.setQuota('photos', null);
    expect(await accounts.spaceUsage('photos')).toEqual({
      spaceId: 'photos',
      chunkBytes: 4_000_000_000,
      quotaBytes: null,
    });
    await expect(accounts.setQuota('photos', -1)).rejects.toMatchObject({
      code: 'InvalidArgument',
      field: 'quotaBytes',
    });
    await expect(accounts.spaceUsage('')).rejects.toMatchObject({ field: 'spaceId' });
  });
});
