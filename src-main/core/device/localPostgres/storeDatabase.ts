import pg from 'pg';
import { CONNECT_TIMEOUT_MS, type PgClientOptions } from '../../store/pgClient.js';
import type { ServerEndpoint } from './endpoint.js';

/** The cluster's superuser and the database that holds the device's store. */
export const SERVER_SUPERUSER = 'netguardian';
export const STORE_DATABASE = 'netguardian';

/** How `openPgClient` reaches a database of the device server: its socket folder, or loopback. */
export function connectionOptions(
  endpoint: ServerEndpoint,
  password: string,
  database: string,
): PgClientOptions {
  const url = new URL('postgresql://localhost');
  url.username = SERVER_SUPERUSER;
  url.password = password;
  url.port = String(endpoint.port);
  url.pathname = `/${database}`;
  if (endpoint.kind === 'socket') url.searchParams.set('host', endpoint.dir);
  else url.hostname = endpoint.host;
  return { connectionString: url.toString(), applicationName: 'netguardian-device' };
}

/** Creates the store's database on first start (the cluster has only `postgres`). */
export async function ensureStoreDatabase(
  endpoint: ServerEndpoint,
  password: string,
): Promise<void> {
  const client = new pg.Client({
    connectionString: connectionOptions(endpoint, password, 'postgres').connectionString,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
  });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [
      STORE_DATABASE,
    ]);
    if (found.rowCount === 0)
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(STORE_DATABASE)}`);
  } finally {
    await client.end();
  }
}
