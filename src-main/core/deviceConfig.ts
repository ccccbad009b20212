import type { Stats } from 'node:fs';
import { lstat, mkdir, open, realpath, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { NetGuardianError } from '../../src-shared/errors.js';
import { ID_PATTERN } from '../../src-shared/paths.js';
import { err, ok, type Result } from '../../src-shared/result.js';
import { DEFAULT_SYNC_INTERVAL_MS } from '../../src-shared/syncInterval.js';
import { writeFileDurably } from './files/durableFs.js';
import { MARKER_FILE } from './files/folderMarker.js';
import { DEFAULT_MAX_FILE_BYTES, type DiskLimits } from './files/spacePolicy.js';
import { DEFAULT_TRASH_LIMITS, type TrashLimits } from './files/trashPolicy.js';

export { defaultDataDir } from './defaultDataDir.js';

/**
 * A PostgreSQL server the device logs in to: the older way, still read from existing data dirs
 * (and used by tests) until every device has moved to the sync service.
 */
const pgHubSchema = z.strictObject({
  url: z.string().min(1),
  /** `off`, `require` (encrypt, don't verify), `verify-full` (encrypt and verify, optional CA file). */
  ssl: z.enum(['off', 'require', 'verify-full']).default('off'),
  sslCaFile: z.string().optional(),
});

/**
 * The hub's sync service, as the device paired with it (`init --join`, `join`). The device
 * credential is not here: it lives in `hub-credential` beside config.json (hubCredential.ts).
 */
const serviceHubSchema = z.strictObject({
  /** host:port. */
  address: z.string().min(1),
  /** The SHA-256 of the hub's certificate, pinned at pairing. */
  fingerprint: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits'),
  hubId: z.string().min(1),
});

const hubSchema = z.union([serviceHubSchema, pgHubSchema]);

/** A number of whole days from 1 to 3650 (ten years), said in words when it is not. */
const optionalDays = () =>
  z
    .number({ error: (iss) => `must be a number of days, not ${JSON.stringify(iss.input)}` })
    .int({ error: (iss) => `must be a whole number of days, not ${String(iss.input)}` })
    .min(1, { error: (iss) => `must be at least 1 day, not ${String(iss.input)}` })
    .max(3650, {
      error: (iss) => `must be at most 3650 days (ten years), not ${String(iss.input)}`,
    })
    .optional();

export const deviceConfigSchema = z.strictObject({
  version: z.literal(1),
  folder: z.string().min(1),
  spaceId: z.string().regex(ID_PATTERN, 'space id must be 1-64 letters, digits, ".", "_" or "-"'),
  deviceName: z.string().min(1).max(64),
  hub: hubSchema.nullable(),
  // Wider than the settings' rule (src-shared/syncInterval.ts, from 5 s): a config written by an
  // earlier version or by hand with 1 s still opens; the app and the core save only the rule's.
  syncIntervalMs: z
    .number()
    .int()
    .min(1_000)
    .max(24 * 3600 * 1000)
    .default(DEFAULT_SYNC_INTERVAL_MS),
  rescanIntervalMs: z
    .number()
    .int()
    .min(10_000)
    .max(24 * 3600 * 1000)
    .default(15 * 60 * 1000),
  paused: z.boolean().default(false),
  /**
   * Trash retention (trashPolicy.ts): items older than this many days are removed, and the
   * trash is kept to this percentage of the folder's size. Absent (configs written before
   * retention): the defaults, 30 days and 10%.
   */
  trashMaxAgeDays: optionalDays(),
  trashMaxPercent: z
    .number({ error: (iss) => `must be a percentage, not ${JSON.stringify(iss.input)}` })
    .gt(0, {
      error: (iss) => `must be more than 0 (percent of the folder), not ${String(iss.input)}`,
    })
    .max(100, {
      error: (iss) => `must be at most 100 (percent of the folder), not ${String(iss.input)}`,
    })
    .optional(),
  /**
   * The history window (store/compaction.ts): versions superseded longer ago than this many
   * days leave the event log. Absent: 30 days.
   */
  historyDays: optionalDays(),
  /**
   * Free space kept on the folder's disk (spacePolicy.ts): a received file that would leave less
   * free waits until there is room. Absent: the larger of 1 GiB and 1% of the disk.
   */
  diskReserveBytes: z
    .number({ error: (iss) => `must be a number of bytes, not ${JSON.stringify(iss.input)}` })
    .int({ error: (iss) => `must be a whole number of bytes, not ${String(iss.input)}` })
    .min(0, { error: (iss) => `must be 0 bytes or more, not ${String(iss.input)}` })
    .optional(),
  /**
   * The largest file this device writes into the folder (received, restored, uploaded): a larger
   * one is listed as too large and nothing of it is written. Absent: 64 GiB.
   */
  maxFileBytes: z
    .number({ error: (iss) => `must be a number of bytes, not ${JSON.stringify(iss.input)}` })
    .int({ error: (iss) => `must be a whole number of bytes, not ${String(iss.input)}` })
    .min(1024 * 1024, {
      error: (iss) => `must be at least 1048576 bytes (1 MiB), not ${String(iss.input)}`,
    })
    .optional(),
});

export type DeviceConfig = z.infer<typeof deviceConfigSchema>;
export type HubSettings = z.infer<typeof hubSchema>;
export type PgHubSettings = z.infer<typeof pgHubSchema>;
export type ServiceHubSettings = z.infer<typeof serviceHubSchema>;

/** The trash's retention limits a config sets, the defaults where it sets none. */
export const trashLimitsOf = (config: DeviceConfig): TrashLimits => ({
  maxAgeDays: config.trashMaxAgeDays ?? DEFAULT_TRASH_LIMITS.maxAgeDays,
  maxPercent: config.trashMaxPercent ?? DEFAULT_TRASH_LIMITS.maxPercent,
});

/** The disk-space limits a config sets (diskSpace.ts), the defaults where it sets none. */
export const diskLimitsOf = (config: DeviceConfig): DiskLimits => ({
  reserveBytes: config.diskReserveBytes,
  maxFileBytes: config.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
});

/** Whether a config's hub is the sync service (else a PostgreSQL server reached directly). */
export const isServiceHub = (hub: HubSettings): hub is ServiceHubSettings => 'address' in hub;

export const CONFIG_FILE = 'config.json';

/**
 * A device's config, as every opener reads it. Refused, in one line saying how to fix it: a
 * config.json that is not the user's own or that group or others may change (it says which
 * folder to read and which hub to send it to: as ssh's config, no one else may decide that), and
 * a data dir inside a synced folder (its own, or another device's).
 */
export async function readDeviceConfig(
  dataDir: string,
): Promise<Result<DeviceConfig, NetGuardianError>> {
  const file = path.join(dataDir, CONFIG_FILE);
  const read = await readOwnFile(file);
  if (!read.ok) {
    return err(
      read.error ??
        new NetGuardianError(
          'NotFound',
          `no NetGuardian device in ${dataDir} (run \`netguardian init\` first)`,
          'dataDir',
        ),
    );
  }
  const text = read.value;
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
  const inside = await dataDirInsideFolder(dataDir, parsed.data.folder);
  if (inside) return err(inside);
  return ok(parsed.data);
}

/**
 * Written durably (a power cut leaves the old config or the new one, whole) and readable only by
 * the user: it may hold the hub's password. A data dir inside the folder is refused (`init`).
 */
export async function writeDeviceConfig(dataDir: string, config: DeviceConfig): Promise<void> {
  const inside = await dataDirInsideFolder(dataDir, config.folder);
  if (inside) throw inside;
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const text = JSON.stringify(deviceConfigSchema.parse(config), null, 2) + '\n';
  await writeFileDurably(path.join(dataDir, CONFIG_FILE), text, { mode: 0o600 });
}

/**
 * The text of a file that only its user may change (`unsafeOwnership`); error `undefined` when
 * it cannot be read (no device there). One open: the file checked is the file read.
 */
async function readOwnFile(file: string): Promise<Result<string, NetGuardianError | undefined>> {
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch {
    return err(undefined);
  }
  try {
    const unsafe = unsafeOwnership(file, await handle.stat());
    return unsafe ? err(unsafe) : ok(await handle.readFile('utf8'));
  } catch {
    return err(undefined);
  } finally {
    await handle.close();
  }
}

/**
 * Why config.json may not be used: owned by another user, or writable by group or others. None
 * on Windows (no POSIX owners; its ACLs are the user profile's).
 */
function unsafeOwnership(file: string, st: Stats): NetGuardianError | undefined {
  const uid = process.getuid?.();
  if (uid === undefined) return undefined;
  if (st.uid !== uid)
    return new NetGuardianError(
      'InvalidArgument',
      `refusing ${file}: it belongs to user ${st.uid}, not to the user running NetGuardian (${uid}); if it is yours, fix it with: chown ${uid} '${file}'`,
      'config',
    );
  if ((st.mode & 0o022) !== 0)
    return new NetGuardianError(
      'InvalidArgument',
      `refusing ${file}: other users may change it (mode ${(st.mode & 0o777).toString(8).padStart(4, '0')}); fix it with: chmod 600 '${file}'`,
      'config',
    );
  return undefined;
}

/**
 * A data dir inside a synced folder is refused: its store and config.json (the hub's password)
 * would be synced to every device, and a peer's files could take their place. Its own folder is
 * compared by real paths (through symlinks; a part that does not exist yet is taken as written);
 * any other device's folder is known by its marker (folderMarker.ts) in a folder above.
 */
async function dataDirInsideFolder(
  dataDir: string,
  folder: string,
): Promise<NetGuardianError | undefined> {
  const [dataReal, folderReal] = await Promise.all([realPathSoFar(dataDir), realPathSoFar(folder)]);
  const rel = path.relative(folderReal, dataReal);
  const inside =
    rel === '' || !(rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel));
  const synced = inside ? folder : await markedFolderAbove(dataReal);
  if (synced === undefined) return undefined;
  return new NetGuardianError(
    'InvalidArgument',
    `refusing the data dir ${dataDir}: it is inside the synced folder ${synced}, so the device's store and config would be synced; use a data dir outside the folder (--data DIR, or NETGUARDIAN_DATA)`,
    'dataDir',
  );
}

/** The nearest folder at or above `dir` that holds a synced folder's marker, if any. */
async function markedFolderAbove(dir: string): Promise<string | undefined> {
  for (let at = dir; ; at = path.dirname(at)) {
    let st: Stats | undefined;
    try {
      st = await lstat(path.join(at, MARKER_FILE));
    } catch (e) {
      // None there, or a folder we may not look into: no marker we can see.
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR' && code !== 'EACCES') throw e;
    }
    if (st?.isFile()) return at;
    if (path.dirname(at) === at) return undefined;
  }
}

/** The real path of the deepest part of `p` that exists, with the rest appended. */
async function realPathSoFar(p: string): Promise<string> {
  const abs = path.resolve(p);
  const rest: string[] = [];
  for (let at = abs; ; at = path.dirname(at)) {
    try {
      return path.join(await realpath(at), ...rest.reverse());
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || path.dirname(at) === at) return abs;
      rest.push(path.basename(at));
    }
  }
}

/** Paths inside a device's data directory. */
export const dataPaths = (dataDir: string) => ({
  db: path.join(dataDir, 'db'),
  trash: path.join(dataDir, 'trash'),
  config: path.join(dataDir, CONFIG_FILE),
});
