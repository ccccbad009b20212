import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
