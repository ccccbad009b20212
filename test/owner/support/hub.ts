/**
 * A real hub for the owner and crash tests, run the way its owner runs one: `netguardian hub
 * start --data <root>/hub --listen 127.0.0.1:<free port> --database-url <fresh database>` as a
 * child process (the built CLI). Stoppable (SIGTERM) and restartable on the same port, data dir
 * (its certificate stays there, so paired devices still trust it) and database. Devices join
 * with `invite` and `init --join` (devices.ts). The test reads the hub's database directly, as
 * an observer looking at the hub's disk.
 */
import { createServer } from 'node:net';
import path from 'node:path';
import { EventStore } from '../../../src-main/core/store/eventStore.js';
import { openPgClient } from '../../../src-main/core/store/pgClient.js';
import { createFreshDatabase, type FreshDatabase } from '../../support/freshDatabase.js';
import { netguardianOk, startLongRunning, type Daemon } from './netguardian.js';

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

/** The line `hub start` prints once it listens and its admin socket answers. */
const READY = /^invite a device: .*$/m;

export class HubServer {
  private running: Daemon | undefined;

  private constructor(
    readonly dataDir: string,
    readonly port: number,
    private readonly database: FreshDatabase,
    running: Daemon,
  ) {
    this.running = running;
  }

  /** Starts a new hub keeping its certificate in `<root>/hub`, on a fresh database. */
  static async start(root: string): Promise<HubServer> {
    const dataDir = path.join(root, 'hub');
    const database = await createFreshDatabase('owner_hub');
    try {
      const port = await freePort();
      const running = await startHub(dataDir, port, database.url);
      return new HubServer(dataDir, port, database, running);
    } catch (e) {
      await database.drop();
      throw e;
    }
  }

  /** host:port, as devices' sentences name it. */
  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  get isRunning(): boolean {
    return this.running !== undefined;
  }

  /** Stops the hub process (SIGTERM; it must exit 0); its data dir and database stay. */
  async stop(): Promise<void> {
    const hub = this.running;
    this.running = undefined;
    if (!hub) return;
    const exit = await hub.kill('SIGTERM');
    if (exit.code !== 0)
      throw new Error(`hub start exited ${exit.code ?? exit.signal} on SIGTERM:\n${hub.output()}`);
  }

  /** Starts it again on the same port, data dir and database. */
  async restart(): Promise<void> {
    if (this.running) throw new Error('the hub is running already');
    this.running = await startHub(this.dataDir, this.port, this.database.url);
  }

  /** Stops the hub and drops its database (end of the test file). */
  async close(): Promise<void> {
    try {
      await this.stop();
    } finally {
      await this.database.drop();
    }
  }

  /** `hub invite --space`: a one-time code for a new device of `spaceId`. */
  async invite(spaceId: string): Promise<string> {
    const out = await netguardianOk(['hub', 'invite', '--data', this.dataDir, '--space', spaceId]);
    const code = out.split('\n')[0];
    if (!code?.startsWith('ng1-')) throw new Error(`hub invite printed no code:\n${out}`);
    return code;
  }

  /** Reads the hub's database as its owner (row-level security does not apply), closed after `use`. */
  async read<T>(use: (store: EventStore) => Promise<T>): Promise<T> {
    const store = await EventStore.open(
      await openPgClient({ connectionString: this.database.url }),
      { migrate: false },
    );
    try {
      return await use(store);
    } finally {
      await store.close();
    }
  }

  /** The hub database's URL, for an observer that reads it directly. */
  get databaseUrl(): string {
    return this.database.url;
  }
}

/** `netguardian hub start` on a database given, as a child process, once it is ready. */
export function startHub(dataDir: string, port: number, databaseUrl: string): Promise<Daemon> {
  return startLongRunning(
    [
      'hub',
      'start',
      '--data',
      dataDir,
      '--listen',
      `127.0.0.1:${port}`,
      '--database-url',
      databaseUrl,
    ],
    READY,
  );
}
