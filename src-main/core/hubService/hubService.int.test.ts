import { createHash, randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { connect } from 'node:http2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeHlc } from '../../../src-shared/crdt/hlc.js';
import { errorInWords } from '../../../src-shared/errorWords.js';
import type { ContentRef, CrdtEvent } from '../../../src-shared/events/event.js';
import { decodeInvite } from '../../../src-shared/hubProtocol/inviteCode.js';
import { ROUTES, type ErrorBody } from '../../../src-shared/hubProtocol/protocol.js';
import { createFreshDatabase, type FreshDatabase } from '../../../test/support/freshDatabase.js';
import { makeTempDir, type TempDir } from '../../../test/support/tempDir.js';
import { CRDTManager } from '../crdtManager.js';
import { HubConnection } from '../hubClient/hubConnection.js';
import { HubChunks, HubPeer } from '../hubClient/hubPeer.js';
import { HubServiceRoster } from '../hubClient/hubRoster.js';
import { pairWithHub } from '../hubClient/pairing.js';
import { EventStore } from '../store/eventStore.js';
import { openPgliteClient } from '../store/pgliteClient.js';
import { SyncEngine } from '../syncEngine.js';
import { startHubService, type HubServiceOptions, type RunningHub } from './hubRuntime.js';

/**
 * The hub's sync service end to end, in process: a hub on a fresh PostgreSQL database, devices
 * that pair with invites and sync through the protocol (HTTP/2 over TLS, pinned certificate).
 */

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

let db: FreshDatabase;
let dir: TempDir;
let hub: RunningHub;

beforeAll(async () => {
  db = await createFreshDatabase('hub_service');
  dir = await makeTempDir('ng-hub-service-');
  hub = await startHubService({ dataDir: dir.path, listen: '127.0.0.1:0', databaseUrl: db.url });
});

afterAll(async () => {
  await hub?.stop();
  await db?.drop();
  await dir?.cleanup();
});

const endpoint = () => ({
  address: `127.0.0.1:${hub.address.port}`,
  fingerprint: hub.fingerprint,
});

/** A device paired into `spaceId`: its store, manager, and a connection with its credential. */
async function pairedDevice(spaceId: string, name: string) {
  const store = await EventStore.open(await openPgliteClient());
  const manager = await CRDTManager.open({ store, spaceId, deviceName: name });
  const invite = await hub.accounts.createInvite({ spaceId, expiresInMs: 60_000 });
  const paired = await pairWithHub({
    endpoint: endpoint(),
    secret: invite.secret,
    nodeId: manager.nodeId,
    deviceName: name,
  });
  const connection = new HubConnection({ ...endpoint(), credential: paired.credential });
  const peer = new HubPeer(connection, spaceId);
  const engine = new SyncEngine({ manager, remote: peer });
  return { store, manager, connection, peer, engine, credential: paired.credential };
}

describe('starting', () => {
  /** The error a start that should fail threw; undefined (the hub stopped again) if it started. */
  const failedStart = (options: HubServiceOptions): Promise<Error | undefined> =>
    startHubService(options).then(
      async (started) => {
        await started.stop();
        return undefined;
      },
      (e: Error) => e,
    );

  it('a start whose PostgreSQL server nothing answers for says so as the hub’s problem, and leaves no data dir', async () => {
    const where = await makeTempDir('ng-hub-db-down-');
    const dataDir = path.join(where.path, 'hub');
    try {
      const failure = await failedStart({
        dataDir,
        listen: '127.0.0.1:0',
        databaseUrl: 'postgres://hub:s3cret@127.0.0.1:1/netguardian',
      });
      expect(failure?.message).toBe(
        "the hub's PostgreSQL server at 127.0.0.1:1 (--database-url) can't be used: nothing answers there; check that it runs and that the URL is right",
      );
      // Not the device's sentence (which says it keeps trying), and never the password.
      expect(errorInWords(failure?.message ?? '')).not.toMatch(/keeps trying/);
      expect(failure?.message).not.toContain('s3cret');
      expect(await readdir(where.path)).toEqual([]);
    } finally {
      await where.cleanup();
    }
  });

  it('a start whose S3 chunk store nothing answers for makes nothing: its data dir stays empty', async () => {
    const where = await makeTempDir('ng-hub-s3-down-');
    try {
      const failure = await failedStart({
        dataDir: where.path,
        listen: '127.0.0.1:0',
        chunks: 's3://netguardian/chunks',
        env: {
          NETGUARDIAN_S3_ENDPOINT: 'http://127.0.0.1:1',
          AWS_ACCESS_KEY_ID: 'admin',
          AWS_SECRET_ACCESS_KEY: 'not-needed',
        },
      });
      expect(failure?.message).toContain("can't reach the S3 server at http://127.0.0.1:1");
      expect(failure?.message).toContain('nothing answers there; check NETGUARDIAN_S3_ENDPOINT');
      // No certificate, no hub id, no embedded PostgreSQL: the next start is the first.
      expect(await readdir(where.path)).toEqual([]);
    } finally {
      await where.cleanup();
    }
  });
});

describe('pairing', () => {
  it('an invite from the admin socket pairs a device once; a second use is refused', async () => {
    const spaceId = `pair-${randomUUID().slice(0, 8)}`;
    const invite = await hub.accounts.createInvite({ spaceId, expiresInMs: 60_000 });
    const first = await pairWithHub({
      endpoint: endpoint(),
      secret: invite.secret,
      nodeId: 'node-pair-1',
      deviceName: 'laptop',
    });
    expect(first.spaceId).toBe(spaceId);
    expect(first.nodeId).toBe('node-pair-1');
    expect(first.hubId).toBe(hub.hubId);
    await expect(
      pairWithHub({
        endpoint: endpoint(),
        secret: invite.secret,
        nodeId: 'node-pair-2',
        deviceName: 'x',
      }),
    ).rejects.toMatchObject({ code: 'InviteRefused' });
  });

  it('a hub presenting another certificate is refused before the secret is sent', async () => {
    const invite = await hub.accounts.createInvite({ spaceId: 'pin-space', expiresInMs: 60_000 });
    await expect(
      pairWithHub({
        endpoint: { ...endpoint(), fingerprint: 'ab'.repeat(32) },
        secret: invite.secret,
        nodeId: 'node-pin',
        deviceName: 'x',
      }),
    ).rejects.toMatchObject({ code: 'CertificateMismatch' });
    // The invite was not spent: the secret never reached the hub.
    const ok = await pairWithHub({
      endpoint: endpoint(),
      secret: invite.secret,
      nodeId: 'node-pin',
      deviceName: 'x',
    });
    expect(ok.spaceId).toBe('pin-space');
  });

  it('the admin channel makes invite codes that carry the address and fingerprint', async () => {
    const { askHub } = await import('./adminSocket.js');
    const answer = await askHub<{ code: string }>(`${dir.path}/admin.sock`, '/invite', {
      spaceId: 'coded',
      expiresInMs: 60_000,
    });
    const invite = decodeInvite(answer.code);
    expect(invite.ok).toBe(true);
    if (!invite.ok) return;
    expect(invite.value.fingerprint).toBe(hub.fingerprint);
    expect(invite.value.address).toBe(`127.0.0.1:${hub.address.port}`);
    expect(invite.value.spaceId).toBe('coded');
  });
});

describe('sync through the service', () => {
  it('two devices converge; each pushes only its own events', async () => {
    const spaceId = `sync-${randomUUID().slice(0, 8)}`;
    const a = await pairedDevice(spaceId, 'a');
    const b = await pairedDevice(spaceId, 'b');
    try {
      const content: ContentRef = { hash: sha('hello'), size: 5 };
      expect((await a.manager.createFileState('notes/hello.txt', { content })).ok).toBe(true);
      expect(
        (await b.manager.createFileState('b.txt', { content: { hash: sha('b'), size: 1 } })).ok,
      ).toBe(true);
      const pushedA = await a.engine.bidirectionalSync();
      expect(pushedA.error).toBeNull();
      expect(pushedA.sent).toBe(1);
      const rb = await b.engine.bidirectionalSync();
      expect(rb.error).toBeNull();
      expect(rb.received).toBe(1);
      expect(rb.sent).toBe(1);
      await a.engine.pullSync();
      expect((await a.manager.getFileState('b.txt'))?.exists).toBe(true);
      expect((await b.manager.getFileState('notes/hello.txt'))?.content).toEqual(content);
      // B holds A's event, but never sends it: the hub takes only B's own.
      const frontier = await b.peer.getFrontier(spaceId);
      expect(frontier).toEqual({ [a.manager.nodeId]: 1, [b.manager.nodeId]: 1 });
    } finally {
      for (const d of [a, b]) {
        await d.engine.close();
        await d.peer.close();
        await d.store.close();
      }
    }
  });

  it('a device paired after the hub compacted its log catches up from the file states, then from events', async () => {
    const spaceId = `compact-${randomUUID().slice(0, 8)}`;
    const a = await pairedDevice(spaceId, 'a');
    const b = await pairedDevice(spaceId, 'b');
    try {
      const v = (n: number): ContentRef => ({ hash: sha(`v${n}`), size: 2 });
      expect((await a.manager.createFileState('doc.txt', { content: v(1) })).ok).toBe(true);
      for (const n of [2, 3])
        expect((await a.manager.updateFileState('doc.txt', { content: v(n) })).ok).toBe(true);
      expect((await a.engine.pushSync()).sent).toBe(3);
      // Every event is older than a cutoff a minute ahead: v1 and v2 are superseded by v3.
      const hubStore = await EventStore.open(hub.database, { migrate: false });
      expect(await hubStore.compact(spaceId, { cutoffMs: Date.now() + 60_000 })).toEqual({
        entities: 1,
        pruned: 2,
      });
      const answer = await a.peer.compactedThrough(spaceId);
      expect(answer).toEqual({ [a.manager.nodeId]: 2 });

      // A device of protocol 1 gets the answer it can parse, and is refused in words the pull
      // that would leave it with gaps.
      const session = connect(`https://127.0.0.1:${hub.address.port}`, {
        rejectUnauthorized: false,
      });
      try {
        const ask = (method: string, path: string, body?: unknown) =>
          new Promise<{ status: number; body: string }>((resolve, reject) => {
            const req = session.request({
              ':method': method,
              ':path': path,
              'netguardian-protocol': '1',
              authorization: `Bearer ${b.credential}`,
              ...(body ? { 'content-type': 'application/json' } : {}),
            });
            let status = 0;
            let text = '';
            req.on('response', (h) => (status = Number(h[':status'])));
            req.on('data', (d: Buffer) => (text += d.toString()));
            req.on('end', () => resolve({ status, body: text }));
            req.on('error', reject);
            req.end(body ? JSON.stringify(body) : undefined);
          });
        const old = await ask('GET', ROUTES.frontier);
        expect(old.status).toBe(200);
        expect(JSON.parse(old.body)).toEqual({ frontier: { [a.manager.nodeId]: 3 } });
        const refused = await ask('POST', ROUTES.pull, { frontier: {}, limit: 10 });
        expect(refused.status).toBe(426);
        expect((JSON.parse(refused.body) as ErrorBody).error.message).toMatch(
          /update NetGuardian on the device/,
        );
        // Above the compaction point it still pulls.
        const fine = await ask('POST', ROUTES.pull, {
          frontier: { [a.manager.nodeId]: 2 },
          limit: 10,
        });
        expect(fine.status).toBe(200);
      } finally {
        session.close();
      }

      const first = await b.engine.pullSync();
      expect(first.error).toBeNull();
      expect((await b.manager.getFileState('doc.txt'))?.content).toEqual(v(3));
      expect(await b.store.getFrontier(spaceId)).toEqual({ [a.manager.nodeId]: 3 });
      expect((await b.store.eventsForEntity(spaceId, 'doc.txt')).map((e) => e.seq)).toEqual([3]);

      expect((await a.manager.updateFileState('doc.txt', { content: v(4) })).ok).toBe(true);
      await a.engine.pushSync();
      const second = await b.engine.pullSync();
      expect(second.received).toBe(1);
      expect((await b.manager.getFileState('doc.txt'))?.content).toEqual(v(4));
    } finally {
      for (const d of [a, b]) {
        await d.engine.close();
        await d.peer.close();
        await d.store.close();
      }
    }
  });

  it('chunks go up and come back byte for byte; a wrong hash is refused and nothing stored', async () => {
    const spaceId = `chunks-${randomUUID().slice(0, 8)}`;
    const a = await pairedDevice(spaceId, 'a');
    try {
      const chunks = new HubChunks(a.connection, spaceId);
      const big = new Uint8Array(3 * 1024 * 1024).map((_, i) => (i * 31) % 251);
      const small = new TextEncoder().encode('small chunk');
      const bigHash = createHash('sha256').update(big).digest('hex');
      const smallHash = createHash('sha256').update(small).digest('hex');
      expect(await chunks.missing(spaceId, [bigHash, smallHash])).toEqual([bigHash, smallHash]);
      await chunks.put(spaceId, [
        { hash: bigHash, data: big },
        { hash: smallHash, data: small },
      ]);
      expect(await chunks.missing(spaceId, [bigHash, smallHash])).toEqual([]);
      const back = await chunks.getChunks(spaceId, [bigHash, smallHash, sha('absent')]);
      expect([...back.keys()].sort()).toEqual([bigHash, smallHash].sort());
      expect(Buffer.from(back.get(bigHash) ?? []).equals(Buffer.from(big))).toBe(true);
      // Bytes that are not what the hash says: refused, and the hash stays missing.
      const claimed = sha('the real content');
      await expect(
        chunks.put(spaceId, [{ hash: claimed, data: new TextEncoder().encode('planted') }]),
      ).rejects.toMatchObject({ code: 'ChunkHashMismatch' });
      expect(await chunks.missing(spaceId, [claimed])).toEqual([claimed]);
    } finally {
      await a.peer.close();
      await a.store.close();
    }
  });

  it('a space over its quota gets QuotaExceeded in words, and nothing of the upload is stored', async () => {
    const spaceId = `quota-${randomUUID().slice(0, 8)}`;
    const a = await pairedDevice(spaceId, 'a');
    try {
      await hub.accounts.setQuota(spaceId, 1024 * 1024);
      const chunks = new HubChunks(a.connection, spaceId);
      const fits = new Uint8Array(600 * 1024).fill(1);
      const over = new Uint8Array(600 * 1024).fill(2);
      const hashOf = (d: Uint8Array) => createHash('sha256').update(d).digest('hex');
      await chunks.put(spaceId, [{ hash: hashOf(fits), data: fits }]);
      const refused = chunks.put(spaceId, [{ hash: hashOf(over), data: over }]);
      await expect(refused).rejects.toMatchObject({ code: 'QuotaExceeded' });
      await expect(refused).rejects.toThrow(/over its quota of 1\.0 MB/);
      expect(await chunks.missing(spaceId, [hashOf(fits), hashOf(over)])).toEqual([hashOf(over)]);
      expect((await hub.accounts.spaceUsage(spaceId)).chunkBytes).toBe(600 * 1024);
    } finally {
      await a.peer.close();
      await a.store.close();
    }
  });

  it('a live notice reaches the devices of that space only', async () => {
    const spaceId = `live-${randomUUID().slice(0, 8)}`;
    const other = `live-other-${randomUUID().slice(0, 8)}`;
    const a = await pairedDevice(spaceId, 'a');
    const b = await pairedDevice(spaceId, 'b');
    const c = await pairedDevice(other, 'c');
    const heard = { b: 0, c: 0 };
    const stopB = await b.peer.listen(() => (heard.b += 1));
    const stopC = await c.peer.listen(() => (heard.c += 1));
    try {
      await a.manager.createFileState('x.txt', { content: { hash: sha('x'), size: 1 } });
      await a.engine.pushSync();
      for (let i = 0; i < 100 && heard.b === 0; i++) await new Promise((r) => setTimeout(r, 50));
      expect(heard.b).toBeGreaterThan(0);
      expect(heard.c).toBe(0);
      const devices = await hub.accounts.listDevices(spaceId);
      expect(devices.find((d) => d.nodeId === b.manager.nodeId)?.online).toBe(true);
      expect(devices.find((d) => d.nodeId === a.manager.nodeId)?.online).toBe(false);
    } finally {
      await stopB();
      await stopC();
      for (const d of [a, b, c]) {
        await d.peer.close();
        await d.store.close();
      }
    }
  });

  it('a revoked device is cut off at once and refused afterwards', async () => {
    const spaceId = `revoke-${randomUUID().slice(0, 8)}`;
    const a = await pairedDevice(spaceId, 'a');
    let lost = false;
    await a.peer.listen(
      () => undefined,
      () => (lost = true),
    );
    try {
      await hub.accounts.revokeDevice({ device: a.manager.nodeId, spaceId });
      for (let i = 0; i < 100 && !lost; i++) await new Promise((r) => setTimeout(r, 50));
      expect(lost).toBe(true);
      await expect(a.peer.getFrontier(spaceId)).rejects.toMatchObject({ code: 'AccessDenied' });
    } finally {
      await a.peer.close();
      await a.store.close();
    }
  });

  it('a device lists the devices of its own space only, with presence, removed ones left out', async () => {
    const spaceId = `list-${randomUUID().slice(0, 8)}`;
    const other = `list-other-${randomUUID().slice(0, 8)}`;
    const a = await pairedDevice(spaceId, 'anna');
    const b = await pairedDevice(spaceId, 'bob');
    const gone = await pairedDevice(spaceId, 'gone');
    const c = await pairedDevice(other, 'carl');
    const stopB = await b.peer.listen(() => undefined);
    try {
      await hub.accounts.revokeDevice({ device: gone.manager.nodeId, spaceId });
      const rosterOf = (d: { connection: HubConnection }) => new HubServiceRoster(d.connection);
      let listed = await rosterOf(a).list();
      // B's live stream marks it online once the hub recorded it; A's requests mark it seen (the
      // hub writes that beside the request, not before answering it).
      const settled = () =>
        listed.find((d) => d.deviceName === 'bob')?.online === true &&
        listed.find((d) => d.deviceName === 'anna')?.lastSeen != null;
      for (let i = 0; i < 100 && !settled(); i++) {
        await new Promise((r) => setTimeout(r, 50));
        listed = await rosterOf(a).list();
      }
      expect(listed.map((d) => [d.nodeId, d.deviceName, d.online])).toEqual([
        [a.manager.nodeId, 'anna', false],
        [b.manager.nodeId, 'bob', true],
      ]);
      // Seen when its requests came in (the list request itself, at least).
      expect(Date.parse(listed[0]!.lastSeen!)).toBeGreaterThan(0);
      expect((await rosterOf(c).list()).map((d) => d.deviceName)).toEqual(['carl']);
      // The removed device can't ask at all.
      await expect(rosterOf(gone).list()).rejects.toMatchObject({ code: 'AccessDenied' });
    } finally {
      await stopB();
      for (const d of [a, b, gone, c]) {
        await d.peer.close();
        await d.store.close();
      }
    }
  });

  it('an event of another origin, a seq gap and a malformed event are refused; the rest is stored', async () => {
    const spaceId = `screen-${randomUUID().slice(0, 8)}`;
    const a = await pairedDevice(spaceId, 'a');
    try {
      const node = a.manager.nodeId;
      const event = (seq: number, nodeId = node, entityId = `f${seq}.txt`): CrdtEvent => ({
        eventId: `${nodeId}:${seq}:${randomUUID()}`,
        spaceId,
        entityId,
        kind: 'FileCreated',
        data: { content: { hash: sha(`c${seq}`), size: 2 } },
        timestamp: new Date().toISOString(),
        hlc: encodeHlc({ wallMs: Date.now(), counter: 0, nodeId }),
        nodeId,
        seq,
        vectorClock: { [nodeId]: 1 },
      });
      const result = await a.peer.append([
        event(1),
        event(1, 'someone-else'),
        event(3),
        event(2, node, '../escape'),
      ]);
      expect(result.inserted.map((e) => e.eventId)).toHaveLength(1);
      const codes = (result.refused ?? []).map((r) => r.code).sort();
      expect(codes).toEqual(['InvalidPath', 'SeqGap', 'WrongOrigin'].sort());
      expect(await a.peer.getFrontier(spaceId)).toEqual({ [node]: 1 });
    } finally {
      await a.peer.close();
      await a.store.close();
    }
  });

  it('a request without the protocol header or with another version is refused in words', async () => {
    const session = connect(`https://127.0.0.1:${hub.address.port}`, { rejectUnauthorized: false });
    try {
      const ask = (headers: Record<string, string>) =>
        new Promise<{ status: number; body: string }>((resolve, reject) => {
          const req = session.request({ ':method': 'GET', ':path': ROUTES.frontier, ...headers });
          let status = 0;
          let body = '';
          req.on('response', (h) => (status = Number(h[':status'])));
          req.on('data', (d: Buffer) => (body += d.toString()));
          req.on('end', () => resolve({ status, body }));
          req.on('error', reject);
          req.end();
        });
      const none = await ask({});
      expect(none.status).toBe(426);
      expect((JSON.parse(none.body) as ErrorBody).error.code).toBe('ProtocolMismatch');
      const future = await ask({ 'netguardian-protocol': '99' });
      expect(future.status).toBe(426);
      expect((JSON.parse(future.body) as ErrorBody).error.message).toMatch(
        /update NetGuardian on the hub/,
      );
      const stranger = await ask({ 'netguardian-protocol': '1' });
      expect(stranger.status).toBe(403);
    } finally {
      session.close();
    }
  });
});
