import { readFile } from 'node:fs/promises';
import { parseEnv } from 'node:util';
import { NetGuardianError } from '../../src-shared/errors.js';
import { hubConfigFromDbKeys } from '../core/hubConfig.js';
import type { HubAdminTarget } from '../core/hub/hubAdmin.js';
import type { PgClientOptions } from '../core/store/pgClient.js';

/**
 * Where the CLI's hub settings come from. Files in a synced folder are data, never configuration
 * (issue 12 point 7): nothing here reads a `.env` from the working directory, and a device's hub
 * is never taken from the environment.
 */

/** How a `hub` command is told which hub: `--url`, else `--env-file FILE`, else the environment. */
export interface HubSource {
  readonly url?: string;
  readonly envFile?: string;
}

const NO_HUB =
  'no hub given: pass --url, or set DB_HOST (with DB_PORT, DB_NAME, DB_USER, DB_PASSWORD) in the environment or in a file named by --env-file';

/**
 * The hub a `hub` command administers: `--url`; else the seed's DB_* keys (DB_HOST, DB_PORT,
 * DB_NAME, DB_USER, DB_PASSWORD, DB_SSL, DB_SSL_CA) from the file `--env-file` names (its keys
 * only, the environment's are not mixed in), else from the environment. DATABASE_URL is never
 * read: it names a test server too often. DB_SSL_CA is the CA bundle's text or a file holding it.
 */
export async function hubAdminTarget(
  source: HubSource,
  env: NodeJS.ProcessEnv,
): Promise<HubAdminTarget> {
  if (source.url !== undefined) return source.url;
  const keys = source.envFile === undefined ? env : await readEnvFile(source.envFile);
  const fromKeys = hubConfigFromDbKeys(keys);
  if (!fromKeys.ok) throw fromKeys.error;
  if (!fromKeys.value) throw new NetGuardianError('InvalidArgument', NO_HUB, 'url');
  return withCaText(fromKeys.value);
}

/**
 * The existing PostgreSQL server `hub start` runs on when no `--database-url` is given: the
 * seed's DB_* keys from `--env-file`'s file, else from the environment; undefined (the embedded
 * server) when neither names a DB_HOST. TLS to that server (DB_SSL) is not passed through a URL
 * yet: refused in words rather than silently dropped.
 */
export async function hubDatabaseUrl(
  source: HubSource,
  env: NodeJS.ProcessEnv,
): Promise<string | undefined> {
  const keys = source.envFile === undefined ? env : await readEnvFile(source.envFile);
  const fromKeys = hubConfigFromDbKeys(keys);
  if (!fromKeys.ok) throw fromKeys.error;
  if (!fromKeys.value) return undefined;
  if (fromKeys.value.ssl)
    throw new NetGuardianError(
      'InvalidArgument',
      'hub start does not take DB_SSL: give the server as --database-url with its sslmode instead',
      'DB_SSL',
    );
  return fromKeys.value.connectionString;
}

/** The keys of a `.env`-style file (`KEY=value` lines, `#` comments), not put in the environment. */
async function readEnvFile(file: string): Promise<NodeJS.Dict<string>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new NetGuardianError(
      'InvalidArgument',
      `cannot read --env-file ${file}: ${(e as Error).message}`,
      'envFile',
    );
  }
  return parseEnv(text);
}

/** DB_SSL_CA may name a file: its text is what TLS needs. */
async function withCaText(hub: PgClientOptions): Promise<PgClientOptions> {
  const ssl = hub.ssl;
  if (!ssl || typeof ssl !== 'object' || typeof ssl.ca !== 'string' || ssl.ca.includes('BEGIN'))
    return hub;
  try {
    return { ...hub, ssl: { ...ssl, ca: await readFile(ssl.ca, 'utf8') } };
  } catch {
    throw new NetGuardianError(
      'InvalidArgument',
      `DB_SSL_CA file ${ssl.ca} cannot be read`,
      'DB_SSL_CA',
    );
  }
}
