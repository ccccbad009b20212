import { createServer } from 'node:net';

/**
 * A free loopback port, from the OS (listen on port 0, read it, close). Another process could
 * take it before the caller binds it: callers that can, retry on "address in use".
 */
export function findFreeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => {
        if (address === null || typeof address === 'string')
          reject(new Error('could not read the port of a probe socket'));
        else resolve(address.port);
      });
    });
  });
}
