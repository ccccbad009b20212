import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NetGuardianError } from '../../../../src-shared/errors.js';
import type { PushMessage } from '../../../../src-shared/ipc/contract.js';
import { openChannelHarness, type ChannelHarness } from './channelHarness.fixture.js';
import { createTestService, TEST_STATE, type TestService } from './testService.fixture.js';

/**
 * The control channel's protocol over a real Unix socket, owner and clients in this process:
 * requests and their errors, pushes, uploads. (controlOwner.int.test.ts: the owner as its own
 * process, where the socket lives, and the limits.)
 */

let h: ChannelHarness;
beforeEach(async () => {
  h = await openChannelHarness();
});
afterEach(() => h.close());

/** A test service that reports each upload's outcome on the owner's side (stored, or cleaned up). */
function uploadDone(folder: string): { service: TestService; done: () => Promise<boolean> } {
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
    await h.serve();
    const client = await h.connect();
    expect(await client.call('state:get', {})).toEqual(TEST_STATE);
    const history = await client.call('history:get', { path: 'docs/a.txt' });
    expect(history.map((h) => h.eventId)).toEqual(['v-docs/a.txt']);
  });

  it("refuses a bad payload with the contract's InvalidArgument naming the field", async () => {
    await h.serve();
    const client = await h.connect();
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
    const server = await h.serve();
    const conn = await h.raw(server.path);
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
    const server = await h.serve({ limits: { maxLineBytes: 64 * 1024 } });
    const other = await h.connect();
    const conn = await h.raw(server.path);
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
    const endless = await h.raw(server.path);
    const chunk = 'y'.repeat(16 * 1024);
    for (let i = 0; i < 8; i++) endless.write(chunk);
    expect(await endless.next()).toMatchObject({ id: 0, error: { code: 'PayloadTooLarge' } });
    await endless.closed;
  });

  it('answers a request sent before the client hung up its side (half-close)', async () => {
    const server = await h.serve();
    const conn = await h.raw(server.path);
    conn.socket.end('{"type":"request","id":3,"channel":"state:get","payload":{}}\n');
    expect(await conn.next()).toMatchObject({ id: 3, ok: true });
    await conn.closed;
  });

  it('makes requests that come while the service opens wait for it; a failed opening is the answer', async () => {
    let open!: (service: TestService) => void;
    const opening = new Promise<TestService>((resolve) => (open = resolve));
    const server = await h.serve({ service: opening });
    const client = await h.connect();
    const answer = client.call('state:get', {});
    open(createTestService({ folder: h.folder }));
    expect(await answer).toEqual(TEST_STATE);
    await client.close();
    await server.close();

    await h.serve({ service: Promise.reject(new Error('the store is damaged')) });
    const again = await h.connect();
    await expect(again.call('state:get', {})).rejects.toMatchObject({
      code: 'StoreError',
      message: 'the core could not start: the store is damaged',
    });
  });
});

describe('control channel: pushes', () => {
  it('sends pushes to subscribed clients only', async () => {
    const server = await h.serve();
    const listener = await h.connect();
    const received: PushMessage[] = [];
    listener.listen((m) => received.push(m));
    const bystander = await h.raw(server.path);

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
    const service = createTestService({ folder: h.folder });
    const server = await h.serve({ service, limits: { maxUnsentBytes: 64 * 1024 } });
    const slow = await h.raw(server.path);
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
    const other = await h.connect();
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
    await h.serve();
    const client = await h.connect();
    const bytes = randomBytes(5 * 1024 * 1024 + 123);
    const chunks = function* () {
      for (let at = 0; at < bytes.length; at += 64 * 1024) yield bytes.subarray(at, at + 64 * 1024);
    };
    const result = await client.upload('in/big.bin', Readable.from(chunks()), bytes.length);
    expect(result).toEqual({ path: 'in/big.bin', size: bytes.length });
    expect((await readFile(path.join(h.folder, 'in/big.bin'))).equals(bytes)).toBe(true);

    // The name is taken now: the next one lands beside it, nothing is overwritten.
    const again = await client.upload('in/big.bin', Readable.from([Buffer.from('small')]), 5);
    expect(again).toEqual({ path: 'in/big (2).bin', size: 5 });
    // The request connection was not disturbed by the uploads.
    expect(await client.call('state:get', {})).toEqual(TEST_STATE);
  });

  it("refuses a path outside the folder with receiveUpload's error, keeping nothing", async () => {
    await h.serve();
    const client = await h.connect();
    const body = Buffer.alloc(3 * 1024 * 1024, 1);
    await expect(
      client.upload('../escape.bin', Readable.from([body]), body.length),
    ).rejects.toMatchObject({
      field: 'path',
    });
    expect(await readdir(h.dir.path)).toEqual(['data', 'folder']);
    expect(await readdir(h.folder)).toEqual([]);
  });

  it('fails an upload whose source is shorter or longer than announced; the owner keeps nothing', async () => {
    const { service, done } = uploadDone(h.folder);
    await h.serve({ service });
    const client = await h.connect();
    await expect(
      client.upload('short.bin', Readable.from([Buffer.alloc(1000)]), 5000),
    ).rejects.toMatchObject({
      code: 'InvalidArgument',
      message: 'upload: the file ended after 1000 of the 5000 bytes announced',
    });
    expect(await done()).toBe(false);
    expect(await readdir(h.folder)).toEqual([]);

    await expect(
      client.upload('long.bin', Readable.from([Buffer.alloc(10)]), 5),
    ).rejects.toMatchObject({
      code: 'InvalidArgument',
      field: 'size',
    });
    expect(await done()).toBe(false);
    expect(await readdir(h.folder)).toEqual([]);
  });
});
