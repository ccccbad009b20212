import { createHash, randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFreshDatabase, type FreshDatabase } from '../../../test/support/freshDatabase.js';
import { makeTempDir, type TempDir } from '../../../test/support/tempDir.js';
import { CRDTManager } from '../crdtManager.js';
import { HubConnection } from '../hubClient/hubConnection.js';
import { HubPeer } from '../hubClient/hubPeer.js';
import { pairWithHub } from '../hubClient/pairing.js';
import { EventStore } from '../store/eventStore.js';
import { openPgliteClient } from '../store/pgliteClient.js';
import { SyncEngine } from '../syncEngine.js';
import { startHubService, type RunningHub } from './hubRuntime.js';

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
  hubA = await startHubService({ dataDir: dirA.path, listen: '127.0.0.1:0', databaseUrl: db.url });
  hubB = await startHubService({ dataDir: dirB.path, listen: '127.0.0.1:0', databaseUrl: db.url });
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
async function deviceOn(hub: RunningHub, spaceId: string, name: string) {
  const store = await EventStore.open(await openPgliteClient());
  const manager = await CRDTManager.open({ store, spaceId, deviceName: name });
  const invite = await hubA.accounts.createInvite({ spaceId, expiresInMs: 60_000 });
  const paired = await pairWithHub({
    endpoint: endpointOf(hubA),
    secret: invite.secret,
    nodeId: manager.nodeId,
    deviceName: name,
  });
  const connection = new HubConnection({ ...endpointOf(hub), credential: paired.credential });
  const peer = new HubPeer(connection, spaceId);
  const engine = new SyncEngine({ manager, remote: peer });
  return { store, manager, peer, engine };
}

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
