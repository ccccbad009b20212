import { NetGuardianError } from '../../src-shared/errors.js';
import { err, ok, type Result } from '../../src-shared/result.js';
import type { PgClientOptions } from './store/pgClient.js';

/**
 * Reads a hub connection from the seed's `.env` keys (DB_HOST, DB_PORT,
 * DB_NAME, DB_USER, DB_PASSWORD) plus TLS options (DB_SSL=require|verify-full|off,
 * DB_SSL_CA=path to a CA bundle's text is read by the caller), or from DATABASE_URL.
 * Called at the edge (CLI, app); the core never reads the environment.
 */
export function hubConfigFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): Result<PgClientOptions | undefined, NetGuardianError> {
  if (env['DATABASE_URL']) return ok({ connectionString: env['DATABASE_URL'], ...sslOf(env) });
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

function sslOf(env: Readonly<Record<string, string | undefined>>): Pick<PgClientOptions, 'ssl'> {
  const mode = env['DB_SSL'];
  if (!mode || mode === 'off' || mode === 'disable') return {};
  const ca = env['DB_SSL_CA'];
  if (mode === 'require') return { ssl: { rejectUnauthorized: false } };
  return { ssl: { rejectUnauthorized: true, ...(ca ? { ca } : {}) } };
}
