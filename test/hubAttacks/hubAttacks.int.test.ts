import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frameHeader } from '../../src-shared/hubProtocol/chunkFrames.js';
import { decodeInvite } from '../../src-shared/hubProtocol/inviteCode.js';
import {
  LIMITS,
  ROUTES,
  pushAnswerSchema,
  type PushAnswer,
} from '../../src-shared/hubProtocol/protocol.js';
import { HubConnection, readAll } from '../../src-main/core/hubClient/hubConnection.js';
import { HubPeer } from '../../src-main/core/hubClient/hubPeer.js';
import { pairWithHub } from '../../src-main/core/hubClient/pairing.js';
import { askHub } from '../../src-main/core/hubService/adminSocket.js';
import { MAX_BODIES_PER_DEVICE } from '../../src-main/core/hubService/requestSlots.js';
import { startHubService, type RunningHub } from '../../src-main/core/hubService/hubRuntime.js';
import { createFreshDatabase, type FreshDatabase } from '../support/freshDatabase.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';
import {
  endpointOf,
  pairedDevice,
  proveSync,
  sha,
  wireEvent,
  type HonestDevice,
} from './honestDevices.js';
import {
  PARTIAL_CLIENT_HELLO,
  PARTIAL_REQUEST,
  PG_SSL_REQUEST,
  RawClient,
  closedWithin,
  errorOf,
  rawTcp,
  silentTls,
  type RawAnswer,
  type RawRequest,
} from './rawClient.js';

/**
 * The attacks that worked while devices logged in to the hub's PostgreSQL, replayed against the
 * hub's sync service by a device that is a legitimately paired member of space A and speaks the
 * protocol directly (raw HTTP/2, no client-side checks). For each: the refusal is a named error,
 * nothing of it is stored (the test looks in the hub's database as an observer), and the honest
 * devices of space A and of space B still sync afterwards.
 *
 * The hub runs with lowered timeouts so the test is fast: strangers must authenticate within
 * 1.5 s, TLS handshakes finish within 1.5 s, a stream idle 2 s is closed, and the hub's database
 * sessions wait 1.5 s at most for a lock.
 *
 * One file (past 500 lines) on purpose: every attack runs against one hub and one set of paired
 * devices, in order, so that "the honest devices still sync" is checked after each attack on the
 * same state the earlier attacks left. The attacker's tools are in rawClient.ts, the honest
 * devices in honestDevices.ts.
 */

const LIMIT = {
  maxSessions: 64,
  maxUnauthenticated: 16,
  authenticateWithinMs: 1_500,
  handshakeMs: 1_500,
  idleStreamMs: 2_000,
  lockTimeoutMs: 1_500,
  statementTimeoutMs: 10_000,
};
/** Slack for timers on a busy 2-core machine. */
const SLACK_MS = 3_000;

const SPACE_A = `atk-a-${randomUUID().slice(0, 8)}`;
const SPACE_B = `atk-b-${randomUUID().slice(0, 8)}`;
const MALLORY = 'mallory-node';

let db: FreshDatabase;
let dir: TempDir;
let hub: RunningHub;
let a1: HonestDevice;
let a2: HonestDevice;
let b1: HonestDevice;
let b2: HonestDevice;
/** The attacker's credential: a paired device of space A. */
let mallory: string;
/** One connection per credential, as a device has (the hub binds a connection to one device). */
const clients = new Map<string, RawClient>();
function ask(request: RawRequest): Promise<RawAnswer> {
  const key = request.credential ?? '';
  let client = clients.get(key);
  if (!client) clients.set(key, (client = new RawClient(hub.address.port)));
  return client.request(request);
}

beforeAll(async () => {
  db = await createFreshDatabase('hub_attacks');
  dir = await makeTempDir('ng-hub-attacks-');
  hub = await startHubService({
    dataDir: dir.path,
    listen: '127.0.0.1:0',
    databaseUrl: db.url,
    service: {
      sessions: {
        maxSessions: LIMIT.maxSessions,
        maxUnauthenticated: LIMIT.maxUnauthenticated,
        authenticateWithinMs: LIMIT.authenticateWithinMs,
      },
      handshakeMs: LIMIT.handshakeMs,
      idleStreamMs: LIMIT.idleStreamMs,
    },
    databaseLimits: {
      lockTimeoutMs: LIMIT.lockTimeoutMs,
      statementTimeoutMs: LIMIT.statementTimeoutMs,
    },
  });
  a1 = await pairedDevice(hub, SPACE_A, 'a1');
  a2 = await pairedDevice(hub, SPACE_A, 'a2');
  b1 = await pairedDevice(hub, SPACE_B, 'b1');
  b2 = await pairedDevice(hub, SPACE_B, 'b2');
  const invite = await hub.accounts.createInvite({ spaceId: SPACE_A, expiresInMs: 60_000 });
  mallory = (
    await pairWithHub({
      endpoint: endpointOf(hub),
      secret: invite.secret,
      nodeId: MALLORY,
      deviceName: 'mallory',
    })
  ).credential;
  // Both spaces sync before any attack.
  await proveSync(a1, a2);
  await proveSync(b1, b2);
});

afterAll(async () => {
  for (const client of clients.values()) client.close();
  for (const d of [a1, a2, b1, b2]) await d?.close();
  await hub?.stop();
  await db?.drop();
  await dir?.cleanup();
});

// ---- the observer: what the hub's database holds ----

async function count(sql: string, params: unknown[] = []): Promise<number> {
  const rows = await hub.database.query<{ n: number }>(`SELECT (${sql})::int AS n`, params);
  return Number(rows[0]?.n);
}
const eventsOf = (spaceId: string, nodeId: string) =>
  count('SELECT count(*) FROM crdt_events WHERE space_id = $1 AND node_id = $2', [spaceId, nodeId]);
const storedEvent = (eventId: string) =>
  count('SELECT count(*) FROM crdt_events WHERE event_id = $1', [eventId]);
const storedChunk = (hash: string) =>
  count('SELECT count(*) FROM crdt_chunks WHERE hash = $1', [hash]);
const maxSeqOf = (spaceId: string, nodeId: string) =>
  count('SELECT coalesce(max(seq), 0) FROM crdt_events WHERE space_id = $1 AND node_id = $2', [
    spaceId,
    nodeId,
  ]);

// ---- the attacker's requests ----

const push = (events: unknown[], credential = mallory) =>
  ask({ method: 'POST', path: ROUTES.push, body: { events }, credential });

function pushAnswer(answer: RawAnswer): PushAnswer {
  expect(answer.status).toBe(200);
  return pushAnswerSchema.parse(answer.json);
}

async function malloryNext(credential = mallory): Promise<number> {
  const answer = await ask({ method: 'GET', path: ROUTES.ownMax, credential });
  expect(answer.status).toBe(200);
  return (answer.json as { maxSeq: number }).maxSeq + 1;
}

/** A refusal: the HTTP status, the code, and a sentence of some length. */
function expectRefusal(answer: RawAnswer, status: number, code: string): string {
  expect(answer.status).toBe(status);
  const error = errorOf(answer);
  expect(error.code).toBe(code);
  expect(error.message.split(' ').length).toBeGreaterThan(4);
  return error.message;
}

/** After each attack: a new change goes from one honest device to another, in both spaces. */
async function honestDevicesStillSync(): Promise<void> {
  await proveSync(a1, a2);
  await proveSync(b2, b1);
}

/** Rows of an NDJSON answer (the trailer left out). */
function ndjsonRows(answer: RawAnswer): Record<string, unknown>[] {
  expect(answer.status).toBe(200);
  const lines = answer.body
    .toString('utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(lines.at(-1)).toMatchObject({ end: true });
  return lines.slice(0, -1);
}

describe('1. no SQL reachable for a device; 64-bit ids', () => {
  it('the invite and the credential carry no database address or password; the credential is no database login', async () => {
    const dbUrl = new URL(db.url);
    const { code } = await askHub<{ code: string }>(`${dir.path}/admin.sock`, '/invite', {
      spaceId: SPACE_A,
      expiresInMs: 60_000,
    });
    const invite = decodeInvite(code);
    expect(invite.ok).toBe(true);
    if (!invite.ok) return;
    // Only the service's address, its certificate's fingerprint, the one-time secret, the space.
    expect(Object.keys(invite.value).sort()).toEqual([
      'address',
      'fingerprint',
      'secret',
      'spaceId',
    ]);
    expect(invite.value.address).toBe(`127.0.0.1:${hub.address.port}`);
    expect(invite.value.address).not.toContain(`:${dbUrl.port}`);
    const everything = JSON.stringify(invite.value) + mallory;
    for (const secretOfTheDatabase of [
      decodeURIComponent(dbUrl.password),
      db.name,
      decodeURIComponent(dbUrl.username),
    ])
      expect(everything).not.toContain(secretOfTheDatabase);
    expect(mallory).toMatch(/^ngd1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);

    // The credential opens no session on the hub's PostgreSQL, as the device or as the owner.
    const keyId = mallory.split('.')[1] ?? '';
    for (const user of [MALLORY, keyId, decodeURIComponent(dbUrl.username)]) {
      const client = new pg.Client({
        host: dbUrl.hostname,
        port: Number(dbUrl.port),
        database: db.name,
        user,
        password: mallory,
        connectionTimeoutMillis: 5_000,
      });
      client.on('error', () => undefined);
      const refused = await client.connect().then(
        () => undefined,
        (e: unknown) => (e as { code?: string }).code,
      );
      await client.end().catch(() => undefined);
      // 28P01: wrong password; 28000: no such role.
      expect(['28P01', '28000']).toContain(refused);
    }

    // The address a device is given speaks TLS only: a PostgreSQL client gets no answer there.
    const socket = await rawTcp(hub.address.port, PG_SSL_REQUEST);
    const first = await new Promise<Buffer | null>((resolve) => {
      socket.once('data', (d: Buffer) => resolve(d));
      socket.once('close', () => resolve(null));
      setTimeout(() => resolve(null), 5_000);
    });
    socket.destroy();
    // PostgreSQL answers an SSLRequest with one byte, 'S' or 'N'.
    expect(first === null || (first[0] !== 0x53 && first[0] !== 0x4e)).toBe(true);

    // The hub's database has no role per device, and only the hub is connected to it.
    expect(
      await count(
        "SELECT count(*) FROM pg_roles WHERE rolname IN ($1, $2) OR rolname LIKE 'ng%device%'",
        [MALLORY, keyId],
      ),
    ).toBe(0);
    // Every session on the hub's database is the hub's own (its one owner role).
    const users = await hub.database.query<{ usename: string }>(
      `SELECT DISTINCT usename FROM pg_stat_activity
       WHERE datname = current_database() AND backend_type = 'client backend'`,
    );
    expect(users.map((u) => u.usename)).toEqual([decodeURIComponent(dbUrl.username)]);
  });

  it('crdt_events.id is bigint after migration 0015: an id of 2^40 is stored, and sync goes on past it', async () => {
    const types = await hub.database.query<{ table_name: string; data_type: string }>(
      `SELECT table_name, data_type FROM information_schema.columns
       WHERE table_schema = current_schema() AND column_name = 'id'
         AND table_name IN ('crdt_events', 'crdt_sync_log') ORDER BY table_name`,
    );
    expect(types).toEqual([
      { table_name: 'crdt_events', data_type: 'bigint' },
      { table_name: 'crdt_sync_log', data_type: 'bigint' },
    ]);
    const seqType = await hub.database.query<{ data_type: string }>(
      `SELECT data_type FROM information_schema.sequences WHERE sequence_name = 'crdt_events_id_seq'`,
    );
    expect(seqType).toEqual([{ data_type: 'bigint' }]);

    const big = 2 ** 40;
    await hub.database.query(
      `INSERT INTO crdt_events (id, event_id, space_id, entity_id, event_type, data, timestamp,
         hlc, node_id, seq, vector_clock)
       VALUES ($1, $2, 'bigid-space', 'big.txt', 'file_created', '{}', now(), 'x', 'bigid-node', 1,
         '{"bigid-node": 1}')`,
      [big, `bigid:${randomUUID()}`],
    );
    expect(await count('SELECT count(*) FROM crdt_events WHERE id = $1', [big])).toBe(1);
    // The sequence "burnt" past 2^31: the next events get ids above it, and sync is unaffected.
    await hub.database.query(`SELECT setval(pg_get_serial_sequence('crdt_events', 'id'), $1)`, [
      big + 1,
    ]);
    await proveSync(a1, a2);
    expect(await count('SELECT count(*) FROM crdt_events WHERE id > $1', [big])).toBeGreaterThan(0);
    await proveSync(b1, b2);
  });
});

describe('2. deep nesting', () => {
  const nested = (levels: number, filler = '') =>
    '['.repeat(levels) + JSON.stringify(filler) + ']'.repeat(levels);

  it('an event nested 5,000 levels (about 16 KB) is refused by the hub, which answers on; other devices sync', async () => {
    const before = await eventsOf(SPACE_A, MALLORY);
    const seq = await malloryNext();
    const sent = await ask({
      method: 'POST',
      path: ROUTES.push,
      credential: mallory,
      body: JSON.stringify({
        events: [
          wireEvent({
            spaceId: SPACE_A,
            nodeId: MALLORY,
            seq,
            data: { content: { hash: sha('deep'), size: 4 }, fields: { x: '@@VALUE@@' } },
          }),
        ],
      }).replace('"@@VALUE@@"', nested(5_000, 'x'.repeat(6_000))),
    });
    expect(sent.body.length).toBeGreaterThan(0);
    const message = expectRefusal(sent, 400, 'InvalidEvent');
    expect(message).toContain(`${LIMITS.maxJsonDepth} levels`);
    expect(await eventsOf(SPACE_A, MALLORY)).toBe(before);
    const hello = await ask({ method: 'GET', path: ROUTES.hello });
    expect(hello.status).toBe(200);
    await honestDevicesStillSync();
  });

  it('one nested 100 levels is refused; one nested 10 levels is stored and reaches the others', async () => {
    const seq = await malloryNext();
    const deep = wireEvent({
      spaceId: SPACE_A,
      nodeId: MALLORY,
      seq,
      data: { content: { hash: sha('d100'), size: 4 }, fields: { x: '@@VALUE@@' } },
    });
    const refused = await ask({
      method: 'POST',
      path: ROUTES.push,
      credential: mallory,
      body: JSON.stringify({ events: [deep] }).replace('"@@VALUE@@"', nested(100)),
    });
    expectRefusal(refused, 400, 'InvalidEvent');
    expect(await storedEvent(deep.event_id)).toBe(0);

    const fine = wireEvent({
      spaceId: SPACE_A,
      nodeId: MALLORY,
      seq,
      data: { content: { hash: sha('d10'), size: 4 }, fields: { x: '@@VALUE@@' } },
    });
    const stored = pushAnswer(
      await ask({
        method: 'POST',
        path: ROUTES.push,
        credential: mallory,
        body: JSON.stringify({ events: [fine] }).replace('"@@VALUE@@"', nested(10, 'ok')),
      }),
    );
    expect(stored.inserted).toEqual([fine.event_id]);
    expect(stored.refused).toEqual([]);
    expect(await storedEvent(fine.event_id)).toBe(1);
    // The honest devices pull it with their next sync, and go on.
    await honestDevicesStillSync();
    expect((await a2.manager.getFileState(fine.entity_id))?.exists).toBe(true);
  });
});

describe('3. oversized', () => {
  const padded = (event: unknown, padBytes: number) =>
    `{"events":[${JSON.stringify(event)}],"pad":"${'x'.repeat(padBytes)}"}`;

  it('a push body over maxJsonBodyBytes is refused (PayloadTooLarge), declared or not; nothing stored', async () => {
    const seq = await malloryNext();
    const event = wireEvent({ spaceId: SPACE_A, nodeId: MALLORY, seq });
    const body = padded(event, LIMITS.maxJsonBodyBytes);
    expect(body.length).toBeGreaterThan(LIMITS.maxJsonBodyBytes);
    const declared = await ask({
      method: 'POST',
      path: ROUTES.push,
      credential: mallory,
      body,
      headers: { 'content-length': Buffer.byteLength(body) },
    });
    expectRefusal(declared, 413, 'PayloadTooLarge');
    const undeclared = await ask({
      method: 'POST',
      path: ROUTES.push,
      credential: mallory,
      body,
    });
    expectRefusal(undeclared, 413, 'PayloadTooLarge');
    expect(await storedEvent(event.event_id)).toBe(0);
    await honestDevicesStillSync();
  });

  it('an event whose data is over 1 MiB is refused by reason; the rest of the batch is stored', async () => {
    const seq = await malloryNext();
    const fine = wireEvent({ spaceId: SPACE_A, nodeId: MALLORY, seq });
    const huge = wireEvent({
      spaceId: SPACE_A,
      nodeId: MALLORY,
      seq: seq + 1,
      data: { content: { hash: sha('huge'), size: 4 }, fields: { blob: 'x'.repeat(1_100_000) } },
    });
    const answer = pushAnswer(await push([fine, huge]));
    expect(answer.inserted).toEqual([fine.event_id]);
    expect(answer.refused).toHaveLength(1);
    expect(answer.refused[0]).toMatchObject({
      eventId: huge.event_id,
      index: 1,
      code: 'PayloadTooLarge',
      field: 'data',
    });
    expect(await storedEvent(fine.event_id)).toBe(1);
    expect(await storedEvent(huge.event_id)).toBe(0);
    await honestDevicesStillSync();
  });

  it('a chunk frame declaring more than maxChunkBytes is refused before its bytes are read', async () => {
    const hash = sha('a chunk that claims to be huge');
    const body = Buffer.concat([
      Buffer.from(frameHeader(hash, LIMITS.maxChunkBytes + 1)),
      Buffer.alloc(1024, 7),
    ]);
    const answer = await ask({
      method: 'POST',
      path: ROUTES.chunksPut,
      credential: mallory,
      body,
    });
    const message = expectRefusal(answer, 413, 'PayloadTooLarge');
    expect(message).toContain(String(LIMITS.maxChunkBytes + 1));
    expect(await storedChunk(hash)).toBe(0);
    await honestDevicesStillSync();
  });
});

describe('3b. memory held by slow uploads', () => {
  it('one device may have only a few uploads under way: one more is refused (RateLimited) at once', async () => {
    const client = new RawClient(hub.address.port);
    const stalled: Promise<{ ms: number }>[] = [];
    try {
      // Each one declares a chunk of the largest size and sends 1 MiB of it: the hub holds what
      // it read until the chunk is whole or the stream idles out.
      const head = (i: number) =>
        Buffer.concat([
          Buffer.from(frameHeader(sha(`stalled ${i}`), LIMITS.maxChunkBytes)),
          Buffer.alloc(1024 * 1024, i),
        ]);
      for (let i = 0; i < MAX_BODIES_PER_DEVICE; i++)
        stalled.push(client.stalledUpload(ROUTES.chunksPut, mallory, head(i)));
      // The hub has them all under way before the next one comes.
      await new Promise((r) => setTimeout(r, 300));
      const more = await client.request({
        method: 'POST',
        path: ROUTES.chunksPut,
        credential: mallory,
        body: head(99),
        timeoutMs: 1_000,
      });
      expectRefusal(more, 429, 'RateLimited');
      // Other devices are not held back by it.
      await honestDevicesStillSync();
    } finally {
      client.close();
      await Promise.allSettled(stalled);
    }
    // Its slots come back once those streams are gone.
    const data = new TextEncoder().encode(`after the stall ${randomUUID()}`);
    const put = await ask({
      method: 'POST',
      path: ROUTES.chunksPut,
      credential: mallory,
      body: Buffer.concat([Buffer.from(frameHeader(sha(data), data.byteLength)), data]),
    });
    expect(put.status).toBe(200);
  });
});

describe('4. writing as another device', () => {
  it('another origin, another space, a seq gap and a reused seq are refused; the victim is untouched', async () => {
    const victim = a1.manager.nodeId;
    const victimMax = await maxSeqOf(SPACE_A, victim);
    const victimRows = await eventsOf(SPACE_A, victim);
    const bBefore = await count('SELECT count(*) FROM crdt_events WHERE space_id = $1', [SPACE_B]);
    const next = await malloryNext();

    const asVictim = wireEvent({ spaceId: SPACE_A, nodeId: victim, seq: victimMax + 1 });
    const intoB = wireEvent({ spaceId: SPACE_B, nodeId: MALLORY, seq: next });
    const afterGap = wireEvent({ spaceId: SPACE_A, nodeId: MALLORY, seq: next + 5 });
    const answer = pushAnswer(await push([asVictim, intoB, afterGap]));
    expect(answer.inserted).toEqual([]);
    const byId = new Map(answer.refused.map((r) => [r.eventId, r]));
    expect(byId.get(asVictim.event_id)).toMatchObject({ code: 'WrongOrigin', field: 'node_id' });
    expect(byId.get(intoB.event_id)).toMatchObject({ code: 'AccessDenied', field: 'space_id' });
    expect(byId.get(afterGap.event_id)).toMatchObject({ code: 'SeqGap', field: 'seq' });
    for (const r of answer.refused) expect(r.message.split(' ').length).toBeGreaterThan(4);

    // A seq the hub holds of mallory, with another event id: reported, not stored.
    const heldId = (
      await hub.database.query<{ event_id: string }>(
        'SELECT event_id FROM crdt_events WHERE space_id = $1 AND node_id = $2 AND seq = 1',
        [SPACE_A, MALLORY],
      )
    )[0]?.event_id;
    expect(heldId).toBeDefined();
    const reuse = wireEvent({ spaceId: SPACE_A, nodeId: MALLORY, seq: 1 });
    const conflict = pushAnswer(await push([reuse]));
    expect(conflict.inserted).toEqual([]);
    expect(conflict.seqConflicts).toEqual([{ eventId: reuse.event_id, nodeId: MALLORY, seq: 1 }]);

    for (const e of [asVictim, intoB, afterGap, reuse])
      expect(await storedEvent(e.event_id)).toBe(0);
    expect(
      await count(
        'SELECT count(*) FROM crdt_events WHERE space_id = $1 AND node_id = $2 AND seq = 1 AND event_id = $3',
        [SPACE_A, MALLORY, heldId],
      ),
    ).toBe(1);
    expect(await maxSeqOf(SPACE_A, victim)).toBe(victimMax);
    expect(await eventsOf(SPACE_A, victim)).toBe(victimRows);
    expect(await count('SELECT count(*) FROM crdt_events WHERE space_id = $1', [SPACE_B])).toBe(
      bBefore,
    );
    // The hub's frontier of the space still has the victim where it was.
    const frontier = await ask({
      method: 'GET',
      path: ROUTES.frontier,
      credential: mallory,
    });
    expect((frontier.json as { frontier: Record<string, number> }).frontier[victim]).toBe(
      victimMax,
    );
    // The victim's next change is not dropped: it reaches the other device.
    await proveSync(a1, a2);
    expect(await maxSeqOf(SPACE_A, victim)).toBe(victimMax + 1);
    await proveSync(b1, b2);
  });
});

describe('5. a wrong chunk under a hash', () => {
  it('is refused (ChunkHashMismatch), the hash stays missing, and the real bytes then upload', async () => {
    const real = new TextEncoder().encode(`the real content ${randomUUID()}`);
    const hash = sha(real);
    const planted = new TextEncoder().encode('planted bytes');
    const usageBefore = await hub.accounts.spaceUsage(SPACE_A);
    const answer = await ask({
      method: 'POST',
      path: ROUTES.chunksPut,
      credential: mallory,
      body: Buffer.concat([Buffer.from(frameHeader(hash, planted.byteLength)), planted]),
    });
    expectRefusal(answer, 400, 'ChunkHashMismatch');
    expect(await storedChunk(hash)).toBe(0);
    expect((await hub.accounts.spaceUsage(SPACE_A)).chunkBytes).toBe(usageBefore.chunkBytes);
    expect(await a1.chunks.missing(SPACE_A, [hash])).toEqual([hash]);

    // The content is not blocked: the honest device uploads it, the other gets it back whole.
    await a1.chunks.put(SPACE_A, [{ hash, data: real }]);
    const back = await a2.chunks.getChunks(SPACE_A, [hash]);
    expect(Buffer.from(back.get(hash) ?? []).equals(Buffer.from(real))).toBe(true);
    expect(await storedChunk(hash)).toBe(1);
    await honestDevicesStillSync();
  });
});

describe('8. a member of space A cannot read space B', () => {
  it('pull, frontier, own requests and chunks only ever see space A', async () => {
    const bNodes = [b1.manager.nodeId, b2.manager.nodeId];
    const secretB = new TextEncoder().encode(`space B's secret ${randomUUID()}`);
    const secretHash = sha(secretB);
    await b1.chunks.put(SPACE_B, [{ hash: secretHash, data: secretB }]);
    expect(await storedChunk(secretHash)).toBe(1);

    const get = await ask({
      method: 'POST',
      path: ROUTES.chunksGet,
      credential: mallory,
      body: { hashes: [secretHash] },
    });
    expect(get.status).toBe(200);
    expect(get.body.length).toBe(0);
    const missing = await ask({
      method: 'POST',
      path: ROUTES.chunksMissing,
      credential: mallory,
      body: { hashes: [secretHash] },
    });
    expect(missing.json).toEqual({ hashes: [secretHash] });

    const frontier = (
      (await ask({ method: 'GET', path: ROUTES.frontier, credential: mallory })).json as {
        frontier: Record<string, number>;
      }
    ).frontier;
    const originsInA = await hub.database.query<{ node_id: string }>(
      'SELECT DISTINCT node_id FROM crdt_events WHERE space_id = $1',
      [SPACE_A],
    );
    expect(Object.keys(frontier).sort()).toEqual(originsInA.map((r) => r.node_id).sort());
    for (const node of bNodes) expect(frontier[node]).toBeUndefined();

    for (const asked of [{}, Object.fromEntries(bNodes.map((n) => [n, 0]))]) {
      const rows = ndjsonRows(
        await ask({
          method: 'POST',
          path: ROUTES.pull,
          credential: mallory,
          body: { frontier: asked, limit: LIMITS.maxPullRows },
        }),
      );
      expect(rows.length).toBeGreaterThan(0);
      expect(new Set(rows.map((r) => r.space_id))).toEqual(new Set([SPACE_A]));
    }
    const counted = await ask({
      method: 'POST',
      path: ROUTES.count,
      credential: mallory,
      body: { frontier: {} },
    });
    expect((counted.json as { count: number }).count).toBe(
      await count('SELECT count(*) FROM crdt_events WHERE space_id = $1', [SPACE_A]),
    );
  });

  it("a device of A paired under a B device's node id sees and moves only its own events in A", async () => {
    const victim = b1.manager.nodeId;
    const invite = await hub.accounts.createInvite({ spaceId: SPACE_A, expiresInMs: 60_000 });
    const twin = (
      await pairWithHub({
        endpoint: endpointOf(hub),
        secret: invite.secret,
        nodeId: victim,
        deviceName: 'twin',
      })
    ).credential;
    const victimMaxInB = await maxSeqOf(SPACE_B, victim);
    expect(victimMaxInB).toBeGreaterThan(0);

    const own = await ask({ method: 'GET', path: ROUTES.ownMax, credential: twin });
    expect(own.json).toEqual({ maxSeq: 0 });
    const at = await ask({
      method: 'POST',
      path: ROUTES.ownAt,
      credential: twin,
      body: { seq: 1 },
    });
    expect(at.json).toEqual({ eventId: null });
    const read = ndjsonRows(
      await ask({
        method: 'POST',
        path: ROUTES.ownRead,
        credential: twin,
        body: { after: 0, limit: 100 },
      }),
    );
    expect(read).toEqual([]);

    // Its own seq 1 in A is its own: stored in A, and B's device with that node id is untouched.
    const first = wireEvent({ spaceId: SPACE_A, nodeId: victim, seq: 1 });
    const answer = pushAnswer(await push([first], twin));
    expect(answer.inserted).toEqual([first.event_id]);
    expect(await maxSeqOf(SPACE_B, victim)).toBe(victimMaxInB);
    await proveSync(b1, b2);
    expect(await maxSeqOf(SPACE_B, victim)).toBe(victimMaxInB + 1);
    await proveSync(a2, a1);
  });
});

describe('7. a revoked device', () => {
  it('its live stream closes at once, its next request is refused, and only a new invite pairs it again', async () => {
    const firstInvite = await hub.accounts.createInvite({ spaceId: SPACE_A, expiresInMs: 60_000 });
    const nodeId = 'revokee-node';
    const paired = await pairWithHub({
      endpoint: endpointOf(hub),
      secret: firstInvite.secret,
      nodeId,
      deviceName: 'revokee',
    });
    const connection = new HubConnection({ ...endpointOf(hub), credential: paired.credential });
    const peer = new HubPeer(connection, SPACE_A);
    let lostAt = 0;
    await peer.listen(
      () => undefined,
      () => (lostAt = Date.now()),
    );
    try {
      for (let i = 0; i < 50 && hub.server.stats().live < 3; i++)
        await new Promise((r) => setTimeout(r, 20));
      const revokedAt = Date.now();
      const revoked = await hub.accounts.revokeDevice({ spaceId: SPACE_A, device: nodeId });
      expect(revoked.ok).toBe(true);
      for (let i = 0; i < 100 && lostAt === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(lostAt).toBeGreaterThan(0);
      expect(lostAt - revokedAt).toBeLessThan(2_000);

      const again = await ask({
        method: 'GET',
        path: ROUTES.frontier,
        credential: paired.credential,
      });
      expect(expectRefusal(again, 403, 'AccessDenied')).toMatch(/new invite/);
      const pushed = await push(
        [wireEvent({ spaceId: SPACE_A, nodeId, seq: 1 })],
        paired.credential,
      );
      expectRefusal(pushed, 403, 'AccessDenied');
      expect(await eventsOf(SPACE_A, nodeId)).toBe(0);

      // The invite it used is spent; a new one pairs it again (a new credential).
      await expect(
        pairWithHub({
          endpoint: endpointOf(hub),
          secret: firstInvite.secret,
          nodeId,
          deviceName: 'revokee',
        }),
      ).rejects.toMatchObject({ code: 'InviteRefused' });
      const secondInvite = await hub.accounts.createInvite({
        spaceId: SPACE_A,
        expiresInMs: 60_000,
      });
      const back = await pairWithHub({
        endpoint: endpointOf(hub),
        secret: secondInvite.secret,
        nodeId,
        deviceName: 'revokee',
      });
      expect(back.credential).not.toBe(paired.credential);
      const ok = await ask({
        method: 'GET',
        path: ROUTES.ownMax,
        credential: back.credential,
      });
      expect(ok.json).toEqual({ maxSeq: 0 });
      // The old credential stays refused.
      expectRefusal(
        await ask({ method: 'GET', path: ROUTES.ownMax, credential: paired.credential }),
        403,
        'AccessDenied',
      );
    } finally {
      await peer.close();
    }
    await honestDevicesStillSync();
  });
});

describe('6. connection flood, slow handshakes, slow headers', () => {
  /** The most the hub held at once while watched (sampled every 10 ms). */
  function watchStats() {
    const worst = { sessions: 0, strangers: 0, handshakes: 0, stop: () => undefined as void };
    const timer = setInterval(() => {
      const s = hub.server.stats();
      worst.sessions = Math.max(worst.sessions, s.sessions);
      worst.strangers = Math.max(worst.strangers, s.strangers);
      worst.handshakes = Math.max(worst.handshakes, s.handshakes);
    }, 10);
    worst.stop = () => clearInterval(timer);
    return worst;
  }

  it('200 TLS connections that never authenticate and 200 idle TCP sockets: limits hold, all close within seconds, devices sync meanwhile', async () => {
    const worst = watchStats();
    const sockets: Socket[] = [];
    try {
      const port = hub.address.port;
      const many = <T>(n: number, open: () => Promise<T>) =>
        Promise.allSettled(Array.from({ length: n }, open));
      const keep = (opened: PromiseSettledResult<Socket>[]) => {
        // A TLS connection past the strangers' share may be closed as soon as it opens.
        for (const o of opened) if (o.status === 'fulfilled') sockets.push(o.value);
      };
      keep(await many(200, () => rawTcp(port)));
      keep(await many(200, () => silentTls(port)));
      // Meanwhile a device that needs new connections pairs and syncs, right after the attacker
      // took the whole strangers' share with fresh connections.
      const late = await pairedDevice(hub, SPACE_B, 'late-b', async () => {
        for (let i = 0; i < 100 && hub.server.stats().strangers > 0; i++)
          await new Promise((r) => setTimeout(r, 50));
        keep(await many(LIMIT.maxUnauthenticated, () => silentTls(port)));
        // The hub sees a connection a moment after the client does.
        for (let i = 0; i < 50 && hub.server.stats().strangers < LIMIT.maxUnauthenticated; i++)
          await new Promise((r) => setTimeout(r, 10));
        expect(hub.server.stats().strangers).toBe(LIMIT.maxUnauthenticated);
      });
      try {
        await proveSync(b1, late);
        await proveSync(late, b2);
      } finally {
        await late.close();
      }
      await proveSync(a1, a2);
      const closing = await Promise.allSettled(
        sockets.map((s) =>
          closedWithin(s, Math.max(LIMIT.handshakeMs, LIMIT.authenticateWithinMs) + SLACK_MS),
        ),
      );
      const stillOpen = closing.filter((c) => c.status === 'rejected').length;
      expect(stillOpen).toBe(0);
    } finally {
      worst.stop();
      for (const s of sockets) s.destroy();
    }
    expect(worst.strangers).toBeLessThanOrEqual(LIMIT.maxUnauthenticated);
    expect(worst.handshakes).toBeLessThanOrEqual(LIMIT.maxUnauthenticated);
    expect(worst.sessions).toBeLessThanOrEqual(LIMIT.maxSessions);
    await honestDevicesStillSync();
  });

  it('TCP connections that never start TLS, more than the hub takes at once, do not lock devices out', async () => {
    const port = hub.address.port;
    const sockets: Socket[] = [];
    const worst = watchStats();
    try {
      // Right before a device connects, the attacker opens more idle sockets than the hub's
      // whole connection budget (sessions and handshakes together).
      const late = await pairedDevice(hub, SPACE_A, 'late-a', async () => {
        const opened = await Promise.allSettled(
          Array.from({ length: LIMIT.maxSessions + 2 * LIMIT.maxUnauthenticated + 40 }, () =>
            rawTcp(port),
          ),
        );
        for (const o of opened) if (o.status === 'fulfilled') sockets.push(o.value);
      });
      try {
        await proveSync(a1, late);
        await proveSync(late, a2);
      } finally {
        await late.close();
      }
      const closing = await Promise.allSettled(
        sockets.map((s) => closedWithin(s, LIMIT.handshakeMs + SLACK_MS)),
      );
      expect(closing.filter((c) => c.status === 'rejected')).toEqual([]);
    } finally {
      worst.stop();
      for (const s of sockets) s.destroy();
    }
    expect(worst.handshakes).toBeLessThanOrEqual(LIMIT.maxUnauthenticated);
    expect(worst.sessions).toBeLessThanOrEqual(LIMIT.maxSessions);
    await honestDevicesStillSync();
  });

  it('a TLS handshake begun and stalled is closed within the handshake timeout', async () => {
    const socket = await rawTcp(hub.address.port, PARTIAL_CLIENT_HELLO);
    const openMs = await closedWithin(socket, LIMIT.handshakeMs + SLACK_MS);
    expect(openMs).toBeGreaterThanOrEqual(LIMIT.handshakeMs - 200);
  });

  it("a request's headers begun and stalled: the connection is closed", async () => {
    const socket = await silentTls(hub.address.port);
    socket.write(PARTIAL_REQUEST);
    await closedWithin(socket, LIMIT.authenticateWithinMs + SLACK_MS);
  });

  it("a device's request whose body stalls is closed after the idle time; the hub answers on", async () => {
    const client = new RawClient(hub.address.port);
    try {
      // A paired device's connection: authenticated first, then a push body that stops halfway.
      expect(
        (await client.request({ method: 'GET', path: ROUTES.ownMax, credential: mallory })).status,
      ).toBe(200);
      const closed = await client.stalledUpload(ROUTES.push, mallory, Buffer.from('{"events":['));
      expect(closed.ms).toBeGreaterThanOrEqual(LIMIT.idleStreamMs - 200);
      expect(closed.ms).toBeLessThan(LIMIT.idleStreamMs + SLACK_MS);
    } finally {
      client.close();
    }
    await honestDevicesStillSync();
  });
});

describe('6b. a slow but moving upload', () => {
  it('outlives the idle time many times over and completes: the timeout is on progress, not duration', async () => {
    const connection = new HubConnection({ ...endpointOf(hub), credential: a1.credential });
    try {
      const data = new Uint8Array(12 * 8 * 1024).map((_, i) => (i * 7) % 256);
      const hash = sha(data);
      // 12 pieces, one every half idle time: the body takes three idle times to arrive.
      const pieceMs = LIMIT.idleStreamMs / 2;
      async function* slowly(): AsyncGenerator<Uint8Array> {
        yield frameHeader(hash, data.byteLength);
        for (let i = 0; i < 12; i++) {
          await new Promise((r) => setTimeout(r, pieceMs));
          yield data.subarray(i * 8 * 1024, (i + 1) * 8 * 1024);
        }
      }
      const started = Date.now();
      const response = await connection.request('POST', ROUTES.chunksPut, undefined, slowly());
      const text = await readAll(response.body);
      expect(Date.now() - started).toBeGreaterThan(3 * LIMIT.idleStreamMs);
      expect(response.status).toBe(200);
      expect(JSON.parse(text)).toEqual({ stored: 1 });
      expect(await a1.chunks.missing(SPACE_A, [hash])).toEqual([]);
    } finally {
      connection.close();
    }
  });
});

describe('9. lock and statement timeouts', () => {
  it("the hub's database sessions have statement, lock and idle-transaction timeouts", async () => {
    const show = async (name: string) =>
      (await hub.database.query<Record<string, string>>(`SHOW ${name}`))[0]?.[name];
    expect(await show('statement_timeout')).toBe('10s');
    expect(await show('lock_timeout')).toBe('1500ms');
    expect(await show('idle_in_transaction_session_timeout')).toBe('1min');
  });

  it('a lock held by someone else on the space makes a push fail within the lock timeout; space B syncs meanwhile', async () => {
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock(hashtextextended($1, 42))', [SPACE_A]);
      const seq = await malloryNext();
      const event = wireEvent({ spaceId: SPACE_A, nodeId: MALLORY, seq });
      const started = Date.now();
      const blocked = await push([event]);
      const waited = Date.now() - started;
      expect(waited).toBeGreaterThanOrEqual(LIMIT.lockTimeoutMs - 200);
      expect(waited).toBeLessThan(LIMIT.lockTimeoutMs + SLACK_MS);
      expect(blocked.status).toBeGreaterThanOrEqual(500);
      const error = errorOf(blocked);
      expect(error.code).toBe('StoreError');
      expect(error.message.length).toBeGreaterThan(10);
      expect(await storedEvent(event.event_id)).toBe(0);
      // Space B does not wait for A's lock.
      await proveSync(b1, b2);

      await holder.query('SELECT pg_advisory_unlock(hashtextextended($1, 42))', [SPACE_A]);
      const after = pushAnswer(await push([event]));
      expect(after.inserted).toEqual([event.event_id]);
    } finally {
      await holder.end();
    }
    await honestDevicesStillSync();
  });
});
