import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgAdminUrl } from '../../../test/support/freshDatabase.js';
import { startTcpProxy } from '../../../test/support/tcpProxy.js';
import { openPgClient } from './pgClient.js';

/**
 * A hub whose packets are silently dropped, as behind a firewall or a sleeping VPN: a TCP server
 * on 127.0.0.1 that accepts connections and never answers.
 */
let silent: Server;
const sockets: Socket[] = [];
let port = 0;

beforeAll(async () => {
  silent = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const address = silent.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  port = address.port;
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => silent.close(() => resolve()));
});

describe('openPgClient', () => {
  it('fails with a timeout, rather than waiting forever, when the server never answers', async () => {
    const opening = openPgClient({
      connectionString: `postgres://device@127.0.0.1:${port}/hub`,
      connectTimeoutMs: 300,
    });
    await expect(opening).rejects.toThrow(/timeout/i);
    // The connection reached the silent server: the wait was on the server, not a refused port.
    expect(sockets.length).toBeGreaterThan(0);
  });
});

/**
 * The hub drops a connection in the middle of a transaction (a restart, a failover, a cut
 * network): the transaction fails with an error, and nothing is thrown at the process. pg
 * emits an 'error' on a checked-out client whose socket dies between two queries; with no
 * listener, that is an uncaught exception, which ends a daemon.
 */
describe('openPgClient: a connection lost inside a transaction', () => {
  it('fails the transaction and throws nothing at the process', async () => {
    const target = new URL(pgAdminUrl());
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const client = await openPgClient({ connectionString: proxy.rewrite(pgAdminUrl()) });
    const uncaught: unknown[] = [];
    const record = (e: unknown) => uncaught.push(e);
    process.on('uncaughtException', record);
    try {
      const run = client.transaction(async (tx) => {
        await tx.query('SELECT 1');
        proxy.cut();
        // Turns of the event loop, so the reset reaches the idle socket before the next query.
        for (let i = 0; i < 200; i += 1) await new Promise((resolve) => setImmediate(resolve));
        await tx.query('SELECT 2');
      });
      await expect(run).rejects.toThrow();
      expect(uncaught).toEqual([]);
    } finally {
      process.off('uncaughtException', record);
      await client.close().catch(() => undefined);
      await proxy.close();
    }
  });
});
