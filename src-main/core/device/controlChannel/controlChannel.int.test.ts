import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { lstat, mkdir, readdir, readFile } from 'node:fs/promises';
import { createConnection, type Socket } from 'node:net';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NetGuardianError } from '../../../../src-shared/errors.js';
import type { PushMessage } from '../../../../src-shared/ipc/contract.js';
import { makeTempDir, type TempDir } from '../../../../test/support/tempDir.js';
import { acquireOwnerLock } from '../ownerLock.js';
import { spawnFixture, type FixtureProcess } from '../spawnFixture.fixture.js';
import { connectControlChannel, type ControlClient } from './client.js';
import type { ControlLimits } from './limits.js';
import { serveControlChannel, type ControlChannelServer } from './server.js';
import { controlSocketPlace } from './socketPath.js';
import { createTestService, TEST_STATE, type TestService } from './testService.fixture.js';

/**
 * The control channel over real Unix sockets: an owner (in this process, or a child process
 * where it must die mid-request) serving a small real service, and clients as the CLI uses
 * them, plus raw sockets for what the typed client would never send.
 */

const ownerScript = fileURLToPath(new URL('./controlServer.fixture.ts', import.meta.url));
const OWNER_STOPPED = 'the NetGuardian process running this device stopped while answering';

let dir: TempDir;
let dataDir: string;
let folder: string;
const cleanups: (() => Promise<unknown>)[] = [];

beforeEach(async () => {
  dir = await makeTempDir('ng-control-');
  dataDir = path.join(dir.path, 'data');
  folder = path.join(dir.path, 'folder');
  await mkdir(dataDir, { mode: 0o700 });
  await mkdir(folder);
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await dir.cleanup();
});

async function serve(
  options: { service?: TestService | Promise<TestService>; limits?: Partial<ControlLimits> } = {},
): Promise<{ server: ControlChannelServer; service: TestService | Promise<TestService> }> {
  const service = options.service ?? createTestService({ folder });
  const server = await serveControlChannel({
    dataDir,
    service,
    ...(options.limits ? { limits: options.limits } : {}),
  });
  cleanups.push(() => server.close());
  return { server, service };
}

async function connect(): Promise<ControlClient> {
  const client = await connectControlChannel(dataDir, { timeoutMs: 5_000 });
  if (client === undefined) throw new Error('no owner listens');
  cleanups.push(() => client.close());
  return client;
}

function spawnOwner(): FixtureProcess {
  const owner = spawnFixture(ownerScript, [dataDir, folder]);
  cleanups.push(() => owner.kill9());
  return owner;
}

/** A socket that speaks the wire format by hand; lines are awaited one at a time. */
interface RawConnection {
  readonly socket: Socket;
  write(text: string): void;
  /** The next JSON line from the owner; rejects if the connection closes first or after 10 s. */
  next(): Promise<Record<string, unknown>>;
  readonly closed: Promise<void>;
}

async function raw(socketPath: string): Promise<RawConnection> {
  const socket = createConnection(socketPath);
  await once(socket, 'connect');
  const closed = once(socket, 'close').then(() => undefined);
  cleanups.push(async () => {
    socket.destroy();
    await closed;
  });
  socket.on('error', () => undefined);
  const lines: string[] = [];
  let buffered = '';
  let wake: (() => void) | undefined;
  socket.setEncoding('utf8');
  socket.on('data', (text: string) => {
    buffered += text;
    for (let at = buffered.indexOf('\n'); at >= 0; at = buffered.indexOf('\n')) {
      lines.push(buffered.slice(0, at));
      buffered = buffered.slice(at + 1);
    }
    wake?.();
  });
  socket.on('close', () => wake?.());
  return {
    socket,
    write: (text) => socket.write(text),
    closed,
    async next() {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const line = lines.shift();
        if (line !== undefined) return JSON.parse(line) as Record<string, unknown>;
        if (socket.destroyed) throw new Error('the connection closed');
        const left = deadline - Date.now();
        if (left <= 0) throw new Error('no line from the owner within 10 s');
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, left).unref();
        });
      }
    },
  };
}

/** The next outcome of an upload on the owner's side (stored, or failed and cleaned up). */
function uploadDone(): { service: TestService; done: () => Promise<boolean> } {
  const outcomes: boolean[] = [];
  let wake: (() => void) | undefined;
  const service = createTestService({
    folder,
    onUploadDone: (ok) => {
      outcomes.push(ok);
      wake?.();
    },
  });
  return {
    service,
    async done() {
      while (outcomes.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      return outcomes.shift()!;
    },
  };
}

describe('control channel: requests', () => {
  it('answers a request, with the payload reaching the handler', async () => {
    await serve();
    const client = await connect();
    expect(await client.call('state:get', {})).toEqual(TEST_STATE);
    const history = await client.call('history:get', { path: 'docs/a.txt' });
    expect(history.map((h) => h.eventId)).toEqual(['v-docs/a.txt']);
  });

  it("refuses a bad payload with the contract's InvalidArgument naming the field", async () => {
    await serve();
    const client = await connect();
    // The client is typed; a buggy or hostile one is not: bypass the types.
    const call = client.call.bind(client) as (
      channel: string,
      payload: unknown,
    ) => Promise<unknown>;
    const bad = await call('files:list', { query: '', offset: 0, limit: 0 }).catch(
      (e: unknown) => e,
    );
    expect(bad).toBeInstanceOf(NetGuardianError);
    expect(bad).toMatchObject({ code: 'InvalidArgument', field: 'limit' });
    expect((bad as Error).message).toMatch(/^files:list: limit: /);

    const unknown = await call('files:delete', {}).catch((e: unknown) => e);
    expect(unknown).toMatchObject({ code: 'InvalidArgument', field: 'channel' });
    expect((unknown as Error).message).toBe('unknown channel "files:delete"');

    // A handler's own error keeps its code across the socket.
    await expect(
      client.call('hub:test', { url: 'postgres://h/db', ssl: 'off' }),
    ).rejects.toMatchObject({
      code: 'HubUnreachable',
      message: 'nothing answers at the hub',
    });
    expect(await client.call('state:get', {})).toEqual(TEST_STATE);
  });

  it('answers malformed lines (with their id when usable) and keeps serving the connection', async () => {
    const { server } = await serve();
    const conn = await raw(server.path);
    conn.write('this is not json\n');
    expect(await conn.next()).toMatchObject({
      type: 'response',
      id: 0,
      ok: false,
      error: { code: 'InvalidArgument', field: 'message' },
    });
    conn.write('{"type":"request","id":7,"channel":5,"payload":{}}\n');
    expect(await conn.next()).toMatchObject({
      id: 7,
      ok: false,
      error: { code: 'InvalidArgument', field: 'channel' },
    });
    conn.write('{"type":"request","id":8,"channel":"state:get","payload":{},"extra":1}\n');
    expect(await conn.next()).toMatchObject({
      id: 8,
      ok: false,
      error: { code: 'InvalidArgument' },
    });
    conn.write('{"type":"launch-missiles","id":9}\n');
    expect(await conn.next()).toMatchObject({ id: 9, ok: false, error: { field: 'type' } });
    conn.write('{"type":"request","id":10,"channel":"state:get","payload":{}}\n');
    expect(await conn.next()).toEqual({ type: 'response', id: 10, ok: true, value: TEST_STATE });
  });

  it('closes a connection that sends a line over the limit, and still serves the others', async () => {
    const { server } = await serve({ limits: { maxLineBytes: 64 * 1024 } });
    const other = await connect();
    const conn = await raw(server.path);
    conn.write(
      `{"type":"request","id":1,"channel":"state:get","payload":"${'x'.repeat(70_000)}"}\n`,
    );
    expect(await conn.next()).toMatchObject({
      id: 0,
      ok: false,
      error: { code: 'PayloadTooLarge' },
    });
    await conn.closed;
    expect(await other.call('state:get', {})).toEqual(TEST_STATE);
    // A line that is never ended counts the same: the owner doesn't buffer it.
    const endless = await raw(server.path);
    const chunk = 'y'.repeat(16 * 1024);
    for (let i = 0; i < 8; i++) endless.write(chunk);
    expect(await endless.next()).toMatchObject({ id: 0, error: { code: 'PayloadTooLarge' } });
    await endless.closed;
  });

  it('answers a request sent before the client hung up its side (half-close)', async () => {
    const { server } = await serve();
    const conn = await raw(server.path);
    conn.socket.end('{"type":"request","id":3,"channel":"state:get","payload":{}}\n');
    expect(await conn.next()).toMatchObject({ id: 3, ok: true });
    await conn.closed;
  });

  it('makes requests that come while the service opens wait for it; a failed opening is the answer', async () => {
    let open!: (service: TestService) => void;
    const opening = new Promise<TestService>((resolve) => (open = resolve));
    await serve({ service: opening });
    const client = await connect();
    const answer = client.call('state:get', {});
    open(createTestService({ folder }));
    expect(await answer).toEqual(TEST_STATE);
    await client.close();
    await cleanupsNow();

    await serve({ service: Promise.reject(new Error('the store is damaged')) });
    const again = await connect();
    await expect(again.call('state:get', {})).rejects.toMatchObject({
      code: 'StoreError',
      message: 'the core could not start: the store is damaged',
    });
  });
});

describe('control channel: pushes', () => {
  it('sends pushes to subscribed clients only', async () => {
    const { server } = await serve();
    const listener = await connect();
    const received: PushMessage[] = [];
    listener.listen((m) => received.push(m));
    const bystander = await raw(server.path);

    // The subscribe line precedes this request on the same connection, so the push it
    // causes is sent to this client before the answer.
    expect(await listener.call('sync:pause', { paused: true })).toEqual({ paused: true });
    expect(received).toEqual([{ channel: 'state', payload: { ...TEST_STATE, paused: true } }]);

    // The bystander never subscribed: the first line it gets is the answer to its own request
    // (a push, had one been sent, would have been written before it).
    bystander.write('{"type":"request","id":1,"channel":"state:get","payload":{}}\n');
    expect(await bystander.next()).toMatchObject({ type: 'response', id: 1 });

    // Unsubscribed, the listener gets no more.
    const off = listener.listen(() => undefined);
    off();
    expect(await listener.call('sync:pause', { paused: false })).toEqual({ paused: false });
    expect(received).toHaveLength(2);
  });

  it('holds back pushes to a client that does not read, and sends the latest when it does', async () => {
    const service = createTestService({ folder });
    const { server } = await serve({ service, limits: { maxUnsentBytes: 64 * 1024 } });
    const slow = await raw(server.path);
    slow.write(
      '{"type":"subscribe"}\n{"type":"request","id":1,"channel":"state:get","payload":{}}\n',
    );
    expect(await slow.next()).toMatchObject({ id: 1, ok: true }); // subscribed now
    slow.socket.pause();

    const filler = 'x'.repeat(10_000);
    const total = 2_000; // 20 MB if all were queued
    for (let i = 0; i < total; i++) {
      service.emit({ channel: 'state', payload: { ...TEST_STATE, files: i, lastError: filler } });
      service.emit({ channel: 'files:changed', payload: { paths: [`f${i}`] } });
    }
    // Others are served meanwhile.
    const other = await connect();
    expect(await other.call('state:get', {})).toEqual(TEST_STATE);

    slow.socket.resume();
    const pushes: { channel: string; payload: { files?: number; paths?: string[] } }[] = [];
    for (;;) {
      const line = await slow.next();
      pushes.push(line as (typeof pushes)[number]);
      if (
        line['channel'] === 'files:changed' &&
        (line['payload'] as { paths: [] }).paths.length === 0
      )
        break;
    }
    // Some went out before the client fell behind; the rest were summed up: the latest state,
    // and "anything may have changed" for the files.
    const states = pushes.filter((p) => p.channel === 'state');
    expect(states.length).toBeLessThan(total / 10);
    expect(states.at(-1)?.payload.files).toBe(total - 1);
    expect(pushes.at(-1)).toEqual({
      type: 'push',
      channel: 'files:changed',
      payload: { paths: [] },
    });
  });
});

describe('control channel: uploads', () => {
  it('streams an upload of a few MiB into the folder byte for byte', async () => {
    await serve();
    const client = await connect();
    const bytes = randomBytes(5 * 1024 * 1024 + 123);
    const chunks = function* () {
      for (let at = 0; at < bytes.length; at += 64 * 1024) yield bytes.subarray(at, at + 64 * 1024);
    };
    const result = await client.upload('in/big.bin', Readable.from(chunks()), bytes.length);
    expect(result).toEqual({ path: 'in/big.bin', size: bytes.length });
    expect((await readFile(path.join(folder, 'in/big.bin'))).equals(bytes)).toBe(true);

    // The name is taken now: the next one lands beside it, nothing is overwritten.
    const again = await client.upload('in/big.bin', Readable.from([Buffer.from('small')]), 5);
    expect(again).toEqual({ path: 'in/big (2).bin', size: 5 });
    // The request connection was not disturbed by the uploads.
    expect(await client.call('state:get', {})).toEqual(TEST_STATE);
  });

  it("refuses a path outside the folder with receiveUpload's error, keeping nothing", async () => {
    await serve();
    const client = await connect();
    const body = Buffer.alloc(3 * 1024 * 1024, 1);
    await expect(
      client.upload('../escape.bin', Readable.from([body]), body.length),
    ).rejects.toMatchObject({
      field: 'path',
    });
    expect(await readdir(dir.path)).toEqual(['data', 'folder']);
    expect(await readdir(folder)).toEqual([]);
  });

  it('fails an upload whose source is shorter or longer than announced; the owner keeps nothing', async () => {
    const { service, done } = uploadDone();
    await serve({ service });
    const client = await connect();
    await expect(
      client.upload('short.bin', Readable.from([Buffer.alloc(1000)]), 5000),
    ).rejects.toMatchObject({
      code: 'InvalidArgument',
      message: 'upload: the file ended after 1000 of the 5000 bytes announced',
    });
    expect(await done()).toBe(false);
    expect(await readdir(folder)).toEqual([]);

    await expect(
      client.upload('long.bin', Readable.from([Buffer.alloc(10)]), 5),
    ).rejects.toMatchObject({
      code: 'InvalidArgument',
      field: 'size',
    });
    expect(await done()).toBe(false);
    expect(await readdir(folder)).toEqual([]);
  });
});

describe('control channel: the owner process', () => {
  it('rejects a call promptly when the owner is killed in the middle of it', async () => {
    const owner = spawnOwner();
    expect(await owner.nextLine()).toMatch(/^listening /);
    const client = await connect();
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
    const owner = spawnOwner();
    const listening = await owner.nextLine();
    const socketPath = listening.slice('listening '.length);
    await owner.kill9();
    expect((await lstat(socketPath)).isSocket()).toBe(true); // left behind
    expect(await connectControlChannel(dataDir, { timeoutMs: 5_000 })).toBeUndefined();

    // The next owner: takes the lock (free at once) and listens on the same path.
    const lock = await acquireOwnerLock(dataDir, { command: 'netguardian start' });
    if (!lock.ok) throw lock.error;
    cleanups.push(() => lock.value.release());
    const { server } = await serve();
    expect(server.path).toBe(socketPath);
    const client = await connect();
    expect(await client.call('state:get', {})).toEqual(TEST_STATE);
  });

  it('creates the socket with mode 0600 and removes it on close', async () => {
    const { server } = await serve();
    expect(server.path).toBe(path.join(dataDir, 'control.sock'));
    expect(server.path).toBe((await controlSocketPlace(dataDir)).path);
    const stats = await lstat(server.path);
    expect(stats.isSocket()).toBe(true);
    expect(stats.mode & 0o777).toBe(0o600);
    // Nothing else is left in the data dir (the temporary bind folder is gone).
    expect(await readdir(dataDir)).toEqual(['control.sock']);

    await server.close();
    await expect(lstat(server.path)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await connectControlChannel(dataDir, { timeoutMs: 5_000 })).toBeUndefined();
  });

  it('uses a private folder under the temp dir when the data dir path is too long for a socket', async () => {
    dataDir = path.join(dir.path, 'd'.repeat(100));
    await mkdir(dataDir, { mode: 0o700 });
    const { server } = await serve();
    expect(server.path.startsWith(dataDir)).toBe(false);
    expect(Buffer.byteLength(server.path)).toBeLessThanOrEqual(103);
    const privateDir = await lstat(path.dirname(server.path));
    expect(privateDir.mode & 0o777).toBe(0o700);
    expect(privateDir.uid).toBe(process.getuid?.());
    expect((await lstat(server.path)).mode & 0o777).toBe(0o600);
    const client = await connect();
    expect(await client.call('state:get', {})).toEqual(TEST_STATE);
  });
});

describe('control channel: limits', () => {
  it('answers one connection too many with "busy" and closes it; the others keep working', async () => {
    await serve({ limits: { maxConnections: 2 } });
    const first = await connect();
    const second = await connect();
    const third = await connect();
    await expect(third.call('state:get', {})).rejects.toMatchObject({
      code: 'StoreError',
      message:
        'the NetGuardian process running this device has too many open connections; try again shortly',
    });
    expect(await first.call('state:get', {})).toEqual(TEST_STATE);
    // Once the owner has seen the second one go, its slot is free again.
    await second.close();
    for (let attempt = 1; ; attempt++) {
      const candidate = await connect();
      const answer = await candidate.call('state:get', {}).catch((e: unknown) => e);
      if (!(answer instanceof Error)) break;
      expect(attempt).toBeLessThan(100);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });

  it('closes an idle connection, but keeps a quiet subscriber', async () => {
    const { server } = await serve({ limits: { idleMs: 300 } });
    const subscriber = await connect();
    subscriber.listen(() => undefined);
    expect(await subscriber.call('state:get', {})).toEqual(TEST_STATE);

    const idle = await raw(server.path);
    const opened = Date.now();
    await idle.closed;
    expect(Date.now() - opened).toBeGreaterThanOrEqual(250);
    // The subscriber has been quiet at least as long, and is still served.
    expect(await subscriber.call('state:get', {})).toEqual(TEST_STATE);
  });

  it('closes a connection that stops half-way through a line', async () => {
    const { server } = await serve({ limits: { idleMs: 300 } });
    const conn = await raw(server.path);
    conn.write('{"type":"request","id":1,');
    await conn.closed;
  });
});

async function cleanupsNow(): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
}
