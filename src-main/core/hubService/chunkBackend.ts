import { NetGuardianError } from '../../../src-shared/errors.js';
import type { SqlClient } from '../store/sqlClient.js';
import { PgChunkStorage, type HubChunkStorage } from './chunkStorage.js';
import { ObjectChunkStorage } from './objectChunkStorage.js';
import type { ObjectStore } from './objectStore/objectStore.js';

/**
 * Which backend holds a hub's chunk bytes, from its configuration (`hub start --chunks`):
 * `postgres` (the default: in the hub's own PostgreSQL) or `s3://bucket/prefix` (S3-compatible
 * object storage; endpoint, region and credentials from the environment or a credentials file,
 * never the command line: s3Config.ts).
 *
 * The hub records where its chunks live (`crdt_store_meta`), since rows naming objects can only
 * be read with that storage: a start without `--chunks` goes to the recorded bucket, and a start
 * that would lose sight of them (`--chunks postgres`, another bucket) is refused in words instead
 * of serving devices chunks it cannot find.
 */

export const POSTGRES_CHUNKS = 'postgres';
const RECORD_KEY = 'hub_chunk_location';

export interface OpenedChunkBackend {
  readonly storage: HubChunkStorage;
  /** `postgres` or the object storage's `s3://bucket/prefix`. */
  readonly location: string;
  /** Set when the bytes go to object storage (the move of older chunks needs it). */
  readonly objects?: ObjectChunkStorage;
  close(): void;
}

/**
 * The object store `--chunks s3://…` names, reached and its bucket checked (made if missing), or
 * undefined for any other `--chunks`. The hub calls it before it makes anything of its own, so
 * a start that fails on S3 (no endpoint, nothing answering, a refused key) leaves no hub half
 * made behind it (a new admin's next start then said "started" for a hub that never ran).
 */
export async function openNamedObjectStore(
  location: string | undefined,
  env: NodeJS.ProcessEnv,
): Promise<ObjectStore | undefined> {
  if (location === undefined || location === POSTGRES_CHUNKS) return undefined;
  assertLocation(location);
  // Loaded only here: the AWS SDK costs ~0.45 s to load, and every device process (which may
  // run a hub of its own) would pay it at start.
  const { openS3ObjectStore } = await import('./objectStore/s3ObjectStore.js');
  const objects = await openS3ObjectStore(location, env);
  try {
    await objects.check();
  } catch (e) {
    objects.close();
    throw e;
  }
  return objects;
}

/**
 * The hub's chunk storage. `opened`: the store `openNamedObjectStore` opened for `location`,
 * handed over (closed here if this fails, else with the backend).
 */
export async function openChunkBackend(
  database: SqlClient,
  location: string | undefined,
  env: NodeJS.ProcessEnv,
  opened?: ObjectStore,
): Promise<OpenedChunkBackend> {
  try {
    return await openBackend(database, location, env, opened);
  } catch (e) {
    opened?.close();
    throw e;
  }
}

async function openBackend(
  database: SqlClient,
  location: string | undefined,
  env: NodeJS.ProcessEnv,
  opened: ObjectStore | undefined,
): Promise<OpenedChunkBackend> {
  const recorded = await recordedLocation(database);
  const wanted = location ?? recorded ?? POSTGRES_CHUNKS;
  if (wanted === POSTGRES_CHUNKS) {
    if (recorded !== undefined && recorded !== POSTGRES_CHUNKS)
      throw new NetGuardianError(
        'InvalidArgument',
        `this hub keeps its chunks in ${recorded}: start it with --chunks ${recorded} and the S3 settings in the environment (NETGUARDIAN_S3_ENDPOINT, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY); chunks can't move back into PostgreSQL`,
        'chunks',
      );
    return { storage: new PgChunkStorage(database), location: POSTGRES_CHUNKS, close: () => {} };
  }
  assertLocation(wanted);
  if (recorded !== undefined && recorded !== POSTGRES_CHUNKS && recorded !== wanted)
    throw new NetGuardianError(
      'InvalidArgument',
      `this hub keeps its chunks in ${recorded}, not ${wanted}: start it with --chunks ${recorded} (moving chunks between buckets is not supported)`,
      'chunks',
    );
  const objects = opened ?? (await openNamedObjectStore(wanted, env));
  if (!objects) throw new Error(`no object store opened for ${wanted}`);
  try {
    await database.query(
      `INSERT INTO crdt_store_meta (key, value) VALUES ($1, $2)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      [RECORD_KEY, wanted],
    );
  } catch (e) {
    objects.close();
    throw e;
  }
  const storage = new ObjectChunkStorage(database, objects);
  return { storage, location: wanted, objects: storage, close: () => objects.close() };
}

function assertLocation(location: string): void {
  if (!location.startsWith('s3://'))
    throw new NetGuardianError(
      'InvalidArgument',
      `--chunks must be "postgres" or s3://BUCKET/PREFIX, not ${JSON.stringify(location)}`,
      'chunks',
    );
}

async function recordedLocation(database: SqlClient): Promise<string | undefined> {
  const rows = await database.query<{ value: string }>(
    `SELECT value FROM crdt_store_meta WHERE key = $1`,
    [RECORD_KEY],
  );
  return rows[0]?.value;
}
