/**
 * Test support for the control channel's int tests: a temp data dir and folder, an owner served
 * in this process or run as a child process (controlServer.fixture.ts, for when it must die),
 * typed clients as the CLI uses them, and raw sockets for what the typed client never sends.
 * Everything opened is closed by `close()`.
 */
import { once } from 'node:events';
import { mkdir } from 'node:fs/promises';
import { createConnection, type Socket } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTempDir, type TempDir } from '../../../../test/support/tempDir.js';
import { spawnFixture, type FixtureProcess } from '../spawnFixture.fixture.js';
import { connectControlChannel, type ControlClient } from './client.js';
import type { ControlLimits } from './limits.js';
import { serveControlChannel, type ControlChannelServer } from './server.js';
import { createTestService, type TestService } from './testService.fixture.js';

const ownerScript = fileURLToPath(new URL('./controlServer.fixture.ts', import.meta.url));

/** A socket that speaks the wire format by hand. */
export interface RawConnection {
  readonly socket: Socket;
  write(text: string): void;
  /** The next JSON line from the owner; rejects if the connection closes first, or after 10 s. */
  next(): Promise<Record<string, unknown>>;
  readonly closed: Promise<void>;
}

export interface ChannelHarness {
  readonly dir: TempDir;
  readonly dataDir: string;
  /** Where the test service's uploads land. */
  readonly folder: string;
  serve(options?: {
    service?: TestService | Promise<TestService>;
    limits?: Partial<ControlLimits>;
  }): Promise<ControlChannelServer>;
  /** A client of the owner; fails the test when none listens. */
  connect(): Promise<ControlClient>;
  raw(socketPath: string): Promise<RawConnection>;
  /** The owner as a child process; it prints `listening <path>`, then `hanging` per sync:now. */
  spawnOwner(): FixtureProcess;
  /** Run at close, last registered first. */
  onClose(cleanup: () => Promise<unknown>): void;
  close(): Promise<void>;
}

export async function openChannelHarness(options: { dataDirName?: string } = {}) {
  const dir = await makeTempDir('ng-control-');
  const dataDir = path.join(dir.path, options.dataDirName ?? 'data');
  const folder = path.join(dir.path, 'folder');
  await mkdir(dataDir, { mode: 0o700 });
  await mkdir(folder);
  const cleanups: (() => Promise<unknown>)[] = [];

  const harness: ChannelHarness = {
    dir,
    dataDir,
    folder,
    async serve(serveOptions = {}) {
      const server = await serveControlChannel({
        dataDir,
        service: serveOptions.service ?? createTestService({ folder }),
        ...(serveOptions.limits ? { limits: serveOptions.limits } : {}),
      });
      cleanups.push(() => server.close());
      return server;
    },
    async connect() {
      const client = await connectControlChannel(dataDir, { timeoutMs: 5_000 });
      if (client === undefined) throw new Error('no owner listens');
      cleanups.push(() => client.close());
      return client;
    },
    async raw(socketPath) {
      const conn = await rawConnection(socketPath);
      cleanups.push(async () => {
        conn.socket.destroy();
        await conn.closed;
      });
      return conn;
    },
    spawnOwner() {
      const owner = spawnFixture(ownerScript, [dataDir, folder]);
      cleanups.push(() => owner.kill9());
      return owner;
    },
    onClose: (cleanup) => cleanups.push(cleanup),
    async close() {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
      await dir.cleanup();
    },
  };
  return harness;
}

async function rawConnection(socketPath: string): Promise<RawConnection> {
  const socket = createConnection(socketPath);
  await once(socket, 'connect');
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
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
