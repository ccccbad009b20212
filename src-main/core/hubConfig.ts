import { NetGuardianError } from '../../src-shared/errors.js';
import { err, ok, type Result } from '../../src-shared/result.js';
import type { PgClientOptions } from './store/pgClient.js';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads a hub connection from DATABASE_URL, or else from the seed's `.env` keys
 * (`hubConfigFromDbKeys`). For the library and the examples; the `netguardian` command reads
 * the DB_* keys only. Called at the edge; the core never reads the environment.
 */
export function hubConfigFromEnv(env: Env): Result<PgClientOptions | undefined, NetGuardianError> {
  if (env['DATABASE_URL']) return ok({ connectionString: env['DATABASE_URL'], ...sslOf(env) });
  return hubConfigFromDbKeys(env);
}

/**
 * Reads a hub connection from the seed's `.env` keys: DB_HOST (none: no hub), DB_PORT (5432),
 * DB_NAME (netguardian), DB_USER (postgres), DB_PASSWORD, plus TLS: DB_SSL=off|require|
 * verify-full and DB_SSL_CA, the CA bundle's text (a caller that takes a file name reads it).
 * DATABASE_URL is not read.
 */
export function hubConfigFromDbKeys(
  env: Env,
): Result<PgClientOptions | undefined, NetGuardianError> {
  if (!env['DB_HOST']) return ok(undefined);
  const port = env['DB_PORT'] ?? '5432';
  if (!/^\d{1,5}$/.test(port) || Number(port) > 65535) {
    return err(
      new NetGuardianError(
        'InvalidArgument',
        `DB_PORT must be a port number, got ${JSON.stringify(port)}`,
        'DB_PORT',
      ),
    );
  }
  const url = new URL('postgres://localhost');
  url.hostname = env['DB_HOST'];
  url.port = port;
  url.pathname = `/${encodeURIComponent(env['DB_NAME'] ?? 'netguardian')}`;
  url.username = encodeURIComponent(env['DB_USER'] ?? 'postgres');
  if (env['DB_PASSWORD']) url.password = encodeURIComponent(env['DB_PASSWORD']);
  return ok({ connectionString: url.toString(), ...sslOf(env) });
}

function sslOf(env: Env): Pick<PgClientOptions, 'ssl'> {
  const mode = env['DB_SSL'];
  if (!mode || mode === 'off' || mode === 'disable') return {};
  const ca = env['DB_SSL_CA'];
  if (mode === 'require') return { ssl: { rejectUnauthorized: false } };
  return { ssl: { rejectUnauthorized: true, ...(ca ? { ca } : {}) } };
}
