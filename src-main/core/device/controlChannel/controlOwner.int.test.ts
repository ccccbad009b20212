import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NetGuardianError } from '../../../../src-shared/errors.js';
import { acquireOwnerLock } from '../ownerLock.js';
import { openChannelHarness, type ChannelHarness } from './channelHarness.fixture.js';
import { connectControlChannel } from './client.js';
import { controlSocketPlace } from './socketPath.js';
import { TEST_STATE } from './testService.fixture.js';

/**
 * The control channel's owner side: an owner process killed mid-request or leaving a stale
 * socket, where the socket lives and with which mode, and the limits that keep one client from
 * holding the owner (connections, idle and stalled clients).
 */

const OWNER_STOPPED = 'the NetGuardian process running this device stopped while answering';

let h: ChannelHarness;
beforeEach(async () => {
  h = await openChannelHarness();
});
afterEach(() => h.close());

describe('control channel: the owner process', () => {
  it('rejects a call promptly when the owner is killed in the middle of it', async () => {
    const owner = h.spawnOwner();
    expect(await owner.nextLine()).toMatch(/^listening /);
    const client = await h.connect();
    const call = client.call('sync:now', {});
    const outcome = call.then(
      () => 'answered',
      (e: unknown) => e,
    );
    expect(await owner.nextLine()).toBe('hanging');
    const killedAt = Date.now();
    await owner.kill9();
    const error = await outcome;
    expect(Date.now() - killedAt).toBeLessThan(2_000);
    expect(error).toBeInstanceOf(NetGuardianError);
    expect((error as Error).message).toBe(OWNER_STOPPED);
    await expect(client.call('state:get', {})).rejects.toThrow(OWNER_STOPPED);
  });

  it('finds no owner at a stale socket a killed owner left, and the next owner replaces it', async () => {
    const owner = h.spawnOwner();
    const listening = await owner.nextLine();
    const socketPath = listening.slice('listening '.length);
    await owner.kill9();
    expect((await lstat(socketPath)).isSocket()).toBe(true); // left behind
    expect(await connectControlChannel(h.dataDir, { timeoutMs: 5_000 })).toBeUndefined();

    // The next owner: takes the lock (free at once) and listens on the same path.
    const lock = await acquireOwnerLock(h.dataDir, { command: 'netguardian start' });
    if (!lock.ok) throw lock.error;
    h.onClose(() => lock.value.release());
    const server = await h.serve();
    expect(server.path).toBe(socketPath);
    const client = await h.connect();
    expect(await client.call('state:get', {})).toEqual(TEST_STATE);
  });

  it('creates the socket with mode 0600 and removes it on close', async () => {
    const server = await h.serve();
    expect(server.path).toBe(path.join(h.dataDir, 'control.sock'));
    expect(server.path).toBe((await controlSocketPlace(h.dataDir)).path);
    const stats = await lstat(server.path);
    expect(stats.isSocket()).toBe(true);
    expect(stats.mode & 0o777).toBe(0o600);
    // Nothing else is left in the data dir (the temporary bind folder is gone).
    expect(await readdir(h.dataDir)).toEqual(['control.sock']);

    await server.close();
    await expect(lstat(server.path)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await connectControlChannel(h.dataDir, { timeoutMs: 5_000 })).toBeUndefined();
  });

  it('uses a private folder under the temp dir when the data dir path is too long for a socket', async () => {
    await h.close();
    h = await openChannelHarness({ dataDirName: 'd'.repeat(100) });
    const server = await h.serve();
    expect(server.path.startsWith(h.dataDir)).toBe(false);
    expect(Buffer.byteLength(server.path)).toBeLessThanOrEqual(103);
    const privateDir = await lstat(path.dirname(server.path));
    expect(privateDir.mode & 0o777).toBe(0o700);
    expect(privateDir.uid).toBe(process.getuid?.());
    expect((await lstat(server.path)).mode & 0o777).toBe(0o600);
    const client = await h.connect();
    expect(await client.call('state:get', {})).toEqual(TEST_STATE);
  });
});

describe('control channel: limits', () => {
  it('answers one connection too many with "busy" and closes it; the others keep working', async () => {
    await h.serve({ limits: { maxConnections: 2 } });
    const first = await h.connect();
    const second = await h.connect();
    const third = await h.connect();
    await expect(third.call('state:get', {})).rejects.toMatchObject({
      code: 'StoreError',
      message:
        'the NetGuardian process running this device has too many open connections; try again shortly',
    });
    expect(await first.call('state:get', {})).toEqual(TEST_STATE);
    // Once the owner has seen the second one go, its slot is free again.
    await second.close();
    for (let attempt = 1; ; attempt++) {
      const candidate = await h.connect();
      const answer = await candidate.call('state:get', {}).catch((e: unknown) => e);
      if (!(answer instanceof Error)) break;
      expect(attempt).toBeLessThan(100);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });

  it('closes an idle connection, but keeps a quiet subscriber', async () => {
    const server = await h.serve({ limits: { idleMs: 300 } });
    const subscriber = await h.connect();
    subscriber.listen(() => undefined);
    expect(await subscriber.call('state:get', {})).toEqual(TEST_STATE);

    const idle = await h.raw(server.path);
    const opened = Date.now();
    await idle.closed;
    expect(Date.now() - opened).toBeGreaterThanOrEqual(250);
    // The subscriber has been quiet at least as long, and is still served.
    expect(await subscriber.call('state:get', {})).toEqual(TEST_STATE);
  });

  it('closes a connection that stops half-way through a line', async () => {
    const server = await h.serve({ limits: { idleMs: 300 } });
    const conn = await h.raw(server.path);
    conn.write('{"type":"request","id":1,');
    await conn.closed;
  });
});
