import { readFile } from 'node:fs/promises';
import { NetGuardianError } from '../../src-shared/errors.js';
import type { DeviceConfig } from '../core/deviceConfig.js';
import { hubConfigFromEnv } from '../core/hubConfig.js';
import type { PgClientOptions } from '../core/store/pgClient.js';

/**
 * The hub a device uses: its config's hub, else the seed's `.env` keys
 * (DB_HOST, DB_PORT, DB_NAME, DB_USER, DB_PASSWORD, DB_SSL, DB_SSL_CA).
 * DATABASE_URL is deliberately not read here: it names a test server too often.
 */
export async function resolveHub(
  config: DeviceConfig,
  env: NodeJS.ProcessEnv,
): Promise<PgClientOptions | undefined> {
  if (config.hub) {
    const ssl =
      config.hub.ssl === 'off'
        ? undefined
        : config.hub.ssl === 'require'
          ? { rejectUnauthorized: false }
          : {
              rejectUnauthorized: true,
              ...(config.hub.sslCaFile ? { ca: await readFile(config.hub.sslCaFile, 'utf8') } : {}),
            };
    return { connectionString: config.hub.url, ...(ssl ? { ssl } : {}) };
  }
  const fromEnv = hubConfigFromEnv({ ...env, DATABASE_URL: undefined });
  if (!fromEnv.ok) throw fromEnv.error;
  const hub = fromEnv.value;
  if (
    hub?.ssl &&
    typeof hub.ssl === 'object' &&
    typeof hub.ssl.ca === 'string' &&
    !hub.ssl.ca.includes('BEGIN')
  ) {
    // DB_SSL_CA names a file.
    try {
      return { ...hub, ssl: { ...hub.ssl, ca: await readFile(hub.ssl.ca, 'utf8') } };
    } catch {
      throw new NetGuardianError(
        'InvalidArgument',
        `DB_SSL_CA file ${hub.ssl.ca} cannot be read`,
        'DB_SSL_CA',
      );
    }
  }
  return hub;
}
