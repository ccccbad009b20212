import { createHash, randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFreshDatabase, type FreshDatabase } from '../../../test/support/freshDatabase.js';
import { makeTempDir, type TempDir } from '../../../test/support/tempDir.js';
import { CRDTManager } from '../crdtManager.js';
import { HubConnection } from '../hubClient/hubConnection.js';
import { MemoryAlternates } from '../hubClient/hubAddressBook.js';
import { HubPeer } from '../hubClient/hubPeer.js';
import { pairWithHub } from '../hubClient/pairing.js';
import { trustedRowToEvent } from '../store/eventRows.js';
import { EventStore } from '../store/eventStore.js';
import { openPgliteClient } from '../store/pgliteClient.js';
import { SyncEngine } from '../syncEngine.js';
import { startHubService, type RunningHub } from './hubRuntime.js';
import { inSpaceUpkeep } from './spaceUpkeep.js';

/**
 * Two hub processes of one hub (two services in this test process) on one PostgreSQL database:
 * what a device does through one reaches devices connected to the other.
 */

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

let db: FreshDatabase;
let dirA: TempDir;
let dirB: TempDir;
let hubA: RunningHub;
let hubB: RunningHub;

beforeAll(async () => {
  db = await createFreshDatabase('hub_processes');
  dirA = await makeTempDir('ng-hub-a-');
  dirB = await makeTempDir('ng-hub-b-');
  // Both first starts at once, on a fresh database: one stores the identity, both present it.
  [hubA, hubB] = await Promise.all([
    startHubService({ dataDir: dirA.path, listen: '127.0.0.1:0', databaseUrl: db.url }),
    startHubService({ dataDir: dirB.path, listen: '127.0.0.1:0', databaseUrl: db.url }),
  ]);
});

afterAll(async () => {
  await hubA?.stop();
  await hubB?.stop();
  await db?.drop();
  await dirA?.cleanup();
  await dirB?.cleanup();
});

const endpointOf = (hub: RunningHub) => ({
  address: `127.0.0.1:${hub.address.port}`,
  fingerprint: hub.fingerprint,
});

/** A device paired (through hub A) into `spaceId`, connected to `hub`. */
async function deviceOn(
  hub: RunningHub,
  spaceId: string,
  name: string,
  alternates?: MemoryAlternates,
  alternatesEveryMs?: number,
) {
  const store = await EventStore.open(await openPgliteClient());
  const manager = await CRDTManager.open({ store, spaceId, deviceName: name });
  const invite = await hubA.accounts.createInvite({ spaceId, expiresInMs: 60_000 });
  const paired = await pairWithHub({
    endpoint: endpointOf(hubA),
    secret: invite.secret,
    nodeId: manager.nodeId,
    deviceName: name,
  });
  const connection = new HubConnection({
    ...endpointOf(hub),
    credential: paired.credential,
    ...(alternates ? { alternates } : {}),
    ...(alternatesEveryMs !== undefined ? { alternatesEveryMs } : {}),
  });
  const peer = new HubPeer(connection, spaceId);
  const engine = new SyncEngine({ manager, remote: peer });
  return { store, manager, peer, engine, connection, credential: paired.credential };
}

const waitFor = async (what: string, check: () => boolean | Promise<boolean>) => {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`waited 10 s for ${what}`);
};

describe('one hub, several processes', () => {
  it('every process presents the identity the first one stored, whichever started first', () => {
    expect(hubB.fingerprint).toBe(hubA.fingerprint);
    expect(hubB.hubId).toBe(hubA.hubId);
    expect([hubA.created, hubB.created].filter(Boolean)).toHaveLength(1);
    // The other one joined it, and says so (`hub start` prints it).
    expect([hubA.joined, hubB.joined].filter(Boolean)).toHaveLength(1);
  });

  it('a process whose data dir holds another certificate is refused in words, and leaves nothing running', async () => {
    const dir = await makeTempDir('ng-hub-other-');
    try {
      const { loadOrCreateHubCertificate } = await import('./hubCertificate.js');
      await loadOrCreateHubCertificate(dir.path);
      await expect(
        startHubService({ dataDir: dir.path, listen: '127.0.0.1:0', databaseUrl: db.url }),
      ).rejects.toThrow(/holds another certificate .* than the hub whose database this is/);
      // Its data dir is free again: the lock was released.
      const { takeHubDataDir } = await import('./hubOwnership.js');
      await (await takeHubDataDir(dir.path)).release();
    } finally {
      await dir.cleanup();
    }
  });

  it('a device learns where every process is reached', async () => {
    const spaceId = `where-${randomUUID().slice(0, 8)}`;
    const book = new MemoryAlternates();
    const a = await deviceOn(hubA, spaceId, 'a', book);
    try {
      await a.peer.getFrontier(spaceId);
      await waitFor('the addresses', () => book.list().length === 2);
      expect([...book.list()].sort()).toEqual(
        [`127.0.0.1:${hubA.address.port}`, `127.0.0.1:${hubB.address.port}`].sort(),
      );
    } finally {
      await a.peer.close();
      await a.store.close();
    }
  });

  it('a connected device learns of a process started after it connected, without reconnecting', async () => {
    const spaceId = `later-${randomUUID().slice(0, 8)}`;
    const book = new MemoryAlternates();
    const a = await deviceOn(hubA, spaceId, 'a', book, 200);
    const dirD = await makeTempDir('ng-hub-d-');
    let hubD: RunningHub | undefined;
    try {
      await a.peer.getFrontier(spaceId);
      await waitFor('the first list', () => book.list().length === 2);
      // A rolling restart: a process comes up while the device stays connected to A.
      hubD = await startHubService({
        dataDir: dirD.path,
        listen: '127.0.0.1:0',
        databaseUrl: db.url,
      });
      // A new data dir on this database: it joined the hub next to A and B.
      expect([...(hubD.joined?.others ?? [])].sort()).toEqual(
        [`127.0.0.1:${hubA.address.port}`, `127.0.0.1:${hubB.address.port}`].sort(),
      );
      const addressD = `127.0.0.1:${hubD.address.port}`;
      await waitFor('the list with D', async () => {
        await a.peer.getFrontier(spaceId);
        return book.list().includes(addressD);
      });
      expect(a.connection.address).toBe(`127.0.0.1:${hubA.address.port}`);
      // Restarted on its data dir, D is the process it was, not one joining again.
      await hubD.stop();
      hubD = await startHubService({
        dataDir: dirD.path,
        listen: '127.0.0.1:0',
        databaseUrl: db.url,
      });
      expect(hubD.joined).toBeUndefined();
      expect(hubD.created).toBe(false);
    } finally {
      await hubD?.stop();
      await a.peer.close();
      await a.store.close();
      await dirD.cleanup();
    }
  });

  it("a device's pushes through two processes at once store each event once, with no gap", async () => {
    const spaceId = `race-${randomUUID().slice(0, 8)}`;
    const onA = await deviceOn(hubA, spaceId, 'racer');
    // The same device (credential) through hub B.
    const viaB = new HubPeer(
      new HubConnection({ ...endpointOf(hubB), credential: onA.credential }),
      spaceId,
    );
    try {
      for (let i = 0; i < 20; i++)
        await onA.manager.createFileState(`f${i}.txt`, {
          content: { hash: sha(`f${i}`), size: 2 },
        });
      const events = (await onA.store.readOriginAbove(spaceId, onA.manager.nodeId, 0, 100)).map(
        trustedRowToEvent,
      );
      expect(events).toHaveLength(20);
      const [first, second] = await Promise.all([onA.peer.append(events), viaB.append(events)]);
      expect(first.inserted.length + second.inserted.length).toBe(20);
      expect([...first.seqConflicts, ...second.seqConflicts]).toEqual([]);
      expect([...(first.refused ?? []), ...(second.refused ?? [])]).toEqual([]);
      const held = await hubA.database.query<{ seq: string }>(
        `SELECT seq FROM crdt_events WHERE space_id = $1 ORDER BY seq`,
        [spaceId],
      );
      expect(held.map((r) => Number(r.seq))).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    } finally {
      await viaB.close();
      await onA.peer.close();
      await onA.store.close();
    }
  });

  it("a space's upkeep runs in one process at a time: the other skips it", async () => {
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    try {
      await admin.query('BEGIN');
      await admin.query(
        `SELECT pg_advisory_xact_lock(hashtext('ng_space_upkeep'), hashtext('busy-space'))`,
      );
      let ran = 0;
      expect(await inSpaceUpkeep(hubA.database, 'busy-space', () => Promise.resolve(++ran))).toBe(
        undefined,
      );
      expect(await inSpaceUpkeep(hubA.database, 'idle-space', () => Promise.resolve(++ran))).toBe(
        1,
      );
      await admin.query('COMMIT');
      expect(await inSpaceUpkeep(hubB.database, 'busy-space', () => Promise.resolve(++ran))).toBe(
        2,
      );
    } finally {
      await admin.end();
    }
  });

  it('a device whose process stops moves to another one, with the same pinned certificate', async () => {
    const dirC = await makeTempDir('ng-hub-c-');
    const hubC = await startHubService({
      dataDir: dirC.path,
      listen: '127.0.0.1:0',
      databaseUrl: db.url,
    });
    const spaceId = `move-${randomUUID().slice(0, 8)}`;
    const book = new MemoryAlternates();
    const a = await deviceOn(hubC, spaceId, 'a', book);
    try {
      expect(hubC.fingerprint).toBe(hubA.fingerprint);
      await a.manager.createFileState('one.txt', { content: { hash: sha('one'), size: 3 } });
      await a.engine.pushSync();
      await waitFor('the addresses', () => book.list().length === 3);
      await hubC.stop();
      await a.manager.createFileState('two.txt', { content: { hash: sha('two'), size: 3 } });
      const report = await a.engine.pushSync();
      expect(report).toMatchObject({ sent: 1 });
      expect(a.connection.address).not.toBe(`127.0.0.1:${hubC.address.port}`);
      // Stopped: C is no longer listed.
      await waitFor('the list without C', async () => {
        await a.peer.getFrontier(spaceId);
        return !book.list().includes(`127.0.0.1:${hubC.address.port}`);
      });
    } finally {
      await hubC.stop();
      await a.peer.close();
      await a.store.close();
      await dirC.cleanup();
    }
  });
});

describe('several hub processes on one database', () => {
  it('a push through hub A reaches a live stream on hub B, and only that space', async () => {
    const spaceId = `live-${randomUUID().slice(0, 8)}`;
    const other = `live-other-${randomUUID().slice(0, 8)}`;
    const a = await deviceOn(hubA, spaceId, 'a');
    const b = await deviceOn(hubB, spaceId, 'b');
    const c = await deviceOn(hubB, other, 'c');
    const heard = { b: 0, c: 0 };
    const stopB = await b.peer.listen(() => (heard.b += 1));
    const stopC = await c.peer.listen(() => (heard.c += 1));
    try {
      for (let i = 0; i < 100 && hubB.server.stats().live < 2; i++)
        await new Promise((r) => setTimeout(r, 50));
      expect(hubB.server.stats().live).toBe(2);
      expect(hubA.server.stats().live).toBe(0);
      await a.manager.createFileState('x.txt', { content: { hash: sha('x'), size: 1 } });
      await a.engine.pushSync();
      for (let i = 0; i < 100 && heard.b === 0; i++) await new Promise((r) => setTimeout(r, 50));
      expect(heard.b).toBeGreaterThan(0);
      expect(heard.c).toBe(0);
      // B, told by its live stream, pulls through hub B what A pushed through hub A.
      await b.engine.pullSync();
      expect((await b.manager.getFileState('x.txt'))?.content?.hash).toBe(sha('x'));
    } finally {
      await stopB();
      await stopC();
      for (const d of [a, b, c]) {
        await d.peer.close();
        await d.store.close();
      }
    }
  });

  it("hub B listens again when PostgreSQL cuts its notification connection, and its devices hear A's pushes", async () => {
    const spaceId = `relisten-${randomUUID().slice(0, 8)}`;
    const a = await deviceOn(hubA, spaceId, 'a');
    const b = await deviceOn(hubB, spaceId, 'b');
    let heard = 0;
    const stopB = await b.peer.listen(() => (heard += 1));
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    try {
      for (let i = 0; i < 100 && hubB.server.stats().live < 1; i++)
        await new Promise((r) => setTimeout(r, 50));
      // Every LISTEN connection of both hubs is cut: both listen again.
      const cut = await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE datname = current_database() AND query LIKE 'LISTEN %' AND pid <> pg_backend_pid()`,
      );
      expect(cut.rowCount).toBeGreaterThanOrEqual(2);
      // Listening again, the hub tells its streams to ask again (notices may have been missed).
      for (let i = 0; i < 200 && heard === 0; i++) await new Promise((r) => setTimeout(r, 50));
      expect(heard).toBeGreaterThan(0);
      const before = heard;
      await a.manager.createFileState('y.txt', { content: { hash: sha('y'), size: 1 } });
      await a.engine.pushSync();
      for (let i = 0; i < 100 && heard === before; i++) await new Promise((r) => setTimeout(r, 50));
      expect(heard).toBeGreaterThan(before);
    } finally {
      await admin.end();
      await stopB();
      for (const d of [a, b]) {
        await d.peer.close();
        await d.store.close();
      }
    }
  });
});
