/**
 * A real hub for the owner tests: the bundled PostgreSQL server run by `startEmbeddedHub` (what
 * `netguardian hub start` runs) on a free port of 127.0.0.1, stoppable and restartable on the
 * same port and data, and device roles added to it (the older way, see test/support/legacyHub.ts).
 */
import { chmod } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { startEmbeddedHub, type EmbeddedHub } from '../../../src-main/core/hub/embeddedHub.js';
import { EventStore } from '../../../src-main/core/store/eventStore.js';
import { openPgClient } from '../../../src-main/core/store/pgClient.js';
import { addDevice } from '../../../src-main/core/hub/hubAdmin.js';

/** A free loopback port (another process could take it before the server binds; unlikely). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export class HubServer {
  private running: EmbeddedHub | undefined;

  private constructor(
    readonly dataDir: string,
    readonly port: number,
    readonly adminUrl: string,
    running: EmbeddedHub,
  ) {
    this.running = running;
  }

  /** Starts a new hub in `<root>/hub`; as root, `root` is opened to the server's user. */
  static async start(root: string): Promise<HubServer> {
    // As root the server runs as `postgres`, which must be able to enter the folder.
    await chmod(root, 0o755);
    const dataDir = path.join(root, 'hub');
    const port = await freePort();
    const hub = await startEmbeddedHub({ dataDir, port });
    return new HubServer(dataDir, port, hub.adminUrl, hub);
  }

  /** host:port, as devices' sentences name it. */
  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  get isRunning(): boolean {
    return this.running !== undefined;
  }

  /** Stops the server (fast shutdown: open connections are cut); the data stays. */
  async stop(): Promise<void> {
    const hub = this.running;
    this.running = undefined;
    await hub?.stop();
  }

  /** Starts it again on the same port and data. */
  async restart(): Promise<void> {
    if (this.running) throw new Error('the hub is running already');
    this.running = await startEmbeddedHub({ dataDir: this.dataDir, port: this.port });
  }

  /** A database role for a device (the older way, `hubAdmin.addDevice`): its connection string. */
  async addDevice(spaceId: string, name: string): Promise<string> {
    const creds = await addDevice(this.adminUrl, { spaceId, deviceName: name });
    return creds.connectionString;
  }

  /** Reads the hub as its admin (row-level security does not apply), closed after `use`. */
  async read<T>(use: (store: EventStore) => Promise<T>): Promise<T> {
    const store = await EventStore.open(await openPgClient({ connectionString: this.adminUrl }), {
      migrate: false,
    });
    try {
      return await use(store);
    } finally {
      await store.close();
    }
  }
}
