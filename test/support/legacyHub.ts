/**
 * The older way a device reaches its hub: a PostgreSQL server it logs in to with a role of its
 * own (`hub` in config.json as `{ url, ssl }`). The CLI no longer offers it (devices pair with
 * the hub service: `init --join`), but devices still open it. Only the folder benchmark
 * (bench/folder/daemon.ts) still sets it here, in config.json, after a local-only `init`; the
 * tests pair with the service (test/owner/support/devices.ts).
 */
import { readDeviceConfig, writeDeviceConfig } from '../../src-main/core/deviceConfig.js';

export async function useLegacyHub(
  dataDir: string,
  connectionString: string,
  config: { syncIntervalMs?: number; rescanIntervalMs?: number } = {},
): Promise<void> {
  const read = await readDeviceConfig(dataDir);
  if (!read.ok) throw read.error;
  await writeDeviceConfig(dataDir, {
    ...read.value,
    ...config,
    hub: { url: connectionString, ssl: 'off' },
  });
}
