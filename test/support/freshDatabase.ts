/**
 * One fresh PostgreSQL database per test file (or per test), on the server that the int tier's
 * globalSetup provides (`globalPostgres.ts`). Use in `beforeAll` and drop it in `afterAll`:
 *
 *   let db: FreshDatabase;
 *   beforeAll(async () => { db = await createFreshDatabase('eventstore'); });
 *   afterAll(() => db.drop());
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

export interface FreshDatabase {
  /** Connection URL of the new database (same server and credentials as the admin URL). */
  readonly url: string;
  /** The database name: `<prefix>_<random hex>`, lower-case, at most 63 bytes. */
  readonly name: string;
  /** Drops the database, terminating any connections still open to it. Safe to call twice. */
  drop(): Promise<void>;
}

const PREFIX_PATTERN = /^[a-z][a-z0-9_]{0,39}$/;

/** The admin URL provided by the int tier's globalSetup. */
export function pgAdminUrl(): string {
  return inject('pgAdminUrl');
}

export async function createFreshDatabase(prefix = 'ng_test'): Promise<FreshDatabase> {
  if (!PREFIX_PATTERN.test(prefix)) {
    throw new Error(
      `database prefix must match ${String(PREFIX_PATTERN)}, got ${JSON.stringify(prefix)}`,
    );
  }
  const adminUrl = pgAdminUrl();
  const name = `${prefix}_${randomBytes(8).toString('hex')}`;
  await withAdminClient(adminUrl, async (client) => {
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  });

  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () =>
      withAdminClient(adminUrl, async (client) => {
        await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
      }),
  };
}

async function withAdminClient(
  adminUrl: string,
  use: (client: pg.Client) => Promise<void>,
): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await use(client);
  } finally {
    await client.end();
  }
}
