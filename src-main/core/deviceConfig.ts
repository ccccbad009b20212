import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { NetGuardianError } from '../../src-shared/errors.js';
import { ID_PATTERN } from '../../src-shared/paths.js';
import { err, ok, type Result } from '../../src-shared/result.js';
import { writeFileDurably } from './files/durableFs.js';

export { defaultDataDir } from './defaultDataDir.js';

const hubSchema = z.strictObject({
  url: z.string().min(1),
  /** `off`, `require` (encrypt, don't verify), `verify-full` (encrypt and verify, optional CA file). */
  ssl: z.enum(['off', 'require', 'verify-full']).default('off'),
  sslCaFile: z.string().optional(),
});

export const deviceConfigSchema = z.strictObject({
  version: z.literal(1),
  folder: z.string().min(1),
  spaceId: z.string().regex(ID_PATTERN, 'space id must be 1-64 letters, digits, ".", "_" or "-"'),
  deviceName: z.string().min(1).max(64),
  hub: hubSchema.nullable(),
  syncIntervalMs: z
    .number()
    .int()
    .min(1_000)
    .max(24 * 3600 * 1000)
    .default(30_000),
  rescanIntervalMs: z
    .number()
    .int()
    .min(10_000)
    .max(24 * 3600 * 1000)
    .default(15 * 60 * 1000),
  paused: z.boolean().default(false),
});

export type DeviceConfig = z.infer<typeof deviceConfigSchema>;
export type HubSettings = z.infer<typeof hubSchema>;

export const CONFIG_FILE = 'config.json';

export async function readDeviceConfig(
  dataDir: string,
): Promise<Result<DeviceConfig, NetGuardianError>> {
  const file = path.join(dataDir, CONFIG_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return err(
      new NetGuardianError(
        'NotFound',
        `no NetGuardian device in ${dataDir} (run \`netguardian init\` first)`,
        'dataDir',
      ),
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return err(
      new NetGuardianError(
        'InvalidArgument',
        `${file} is not valid JSON: ${(e as Error).message}`,
        'config',
      ),
    );
  }
  const parsed = deviceConfigSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') ?? '(config)';
    return err(
      new NetGuardianError(
        'InvalidArgument',
        `${file}: ${field}: ${issue?.message ?? 'invalid'}`,
        field,
      ),
    );
  }
  return ok(parsed.data);
}

/**
 * Written durably (a power cut leaves the old config or the new one, whole) and readable only by
 * the user: it may hold the hub's password.
 */
export async function writeDeviceConfig(dataDir: string, config: DeviceConfig): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const text = JSON.stringify(deviceConfigSchema.parse(config), null, 2) + '\n';
  await writeFileDurably(path.join(dataDir, CONFIG_FILE), text, { mode: 0o600 });
}

/** Paths inside a device's data directory. */
export const dataPaths = (dataDir: string) => ({
  db: path.join(dataDir, 'db'),
  trash: path.join(dataDir, 'trash'),
  config: path.join(dataDir, CONFIG_FILE),
});
