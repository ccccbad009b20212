import { NetGuardianError } from '../../../src-shared/errors.js';
import { EventStore } from '../store/eventStore.js';
import { loadMigrations, type Migration } from '../store/migrate.js';
import { openPgClient, type PgClientOptions } from '../store/pgClient.js';
import type { SqlClient, SqlExecutor } from '../store/sqlClient.js';

const SELECT_APPLIED = `SELECT version, checksum FROM schema_migrations ORDER BY version`;
const SELECT_MY_SPACES = `SELECT space_id FROM hub_members WHERE role_name = current_user ORDER BY space_id`;
/** False for the hub's owner and superusers: row-level security does not limit them. */
const SELECT_RLS_ACTIVE = `SELECT row_security_active('crdt_events') AS active, current_user AS role`;

/** SQLSTATEs: relation does not exist, permission denied. */
const UNDEFINED_TABLE = '42P01';
const INSUFFICIENT_PRIVILEGE = '42501';

const sqlState = (e: unknown): string | undefined =>
  typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : undefined;

/**
 * Checks, without changing anything, that the hub's schema has every migration
 * this code knows, unchanged. A device never migrates the hub (its role may
 * not, and an old device must not race a new one): the hub admin runs
 * `netguardian hub init`. A hub with newer migrations than this code is fine.
 */
export async function assertHubSchemaCurrent(
  db: SqlExecutor,
  migrations: readonly Migration[] = loadMigrations(),
): Promise<void> {
  const needed = migrations.length === 0 ? 0 : Math.max(...migrations.map((m) => m.version));
  let rows: { version: number; checksum: string }[];
  try {
    rows = await db.query<{ version: number; checksum: string }>(SELECT_APPLIED);
  } catch (e) {
    if (sqlState(e) === UNDEFINED_TABLE) rows = [];
    else if (sqlState(e) === INSUFFICIENT_PRIVILEGE)
      throw new NetGuardianError(
        'AccessDenied',
        `this role may not read the hub's schema version (${(e as Error).message}): run \`netguardian hub init\` on the hub, then \`netguardian hub add-device\` for this device`,
      );
    else throw e;
  }
  const applied = new Map(rows.map((r) => [Number(r.version), r.checksum]));
  let current = 0;
  while (applied.has(current + 1)) current++;
  const absent = migrations.filter((m) => !applied.has(m.version));
  if (absent.length > 0) {
    throw new NetGuardianError(
      'SchemaOutdated',
      `hub schema is at version ${current}, this NetGuardian needs ${needed}: run \`netguardian hub init\``,
    );
  }
  const changed = migrations.find((m) => applied.get(m.version) !== m.checksum);
  if (changed) {
    throw new NetGuardianError(
      'SchemaOutdated',
      `hub migration ${changed.version} (${changed.name}) differs from this NetGuardian's: the hub runs another version's schema`,
    );
  }
}

/** The spaces the connected role belongs to on the hub (empty for the hub's owner, who sees all). */
export async function hubSpacesOfCurrentRole(db: SqlExecutor): Promise<string[]> {
  return (await db.query<{ space_id: string }>(SELECT_MY_SPACES)).map((r) => r.space_id);
}

/**
 * Checks that a device may sync `spaceId` (when given) on this hub: the schema is current (never
 * migrated by a device) and the role belongs to the space, so a device not added to it fails
 * with a clear error instead of syncing into nothing.
 */
export async function assertHubAccess(client: SqlClient, spaceId?: string): Promise<void> {
  await assertHubSchemaCurrent(client);
  const rls = (await client.query<{ active: boolean; role: string }>(SELECT_RLS_ACTIVE))[0];
  if (spaceId === undefined || rls?.active !== true) return;
  const spaces = await hubSpacesOfCurrentRole(client);
  if (!spaces.includes(spaceId)) {
    throw new NetGuardianError(
      'AccessDenied',
      `role ${rls.role} is not a member of space ${spaceId} on the hub ${client.description}` +
        (spaces.length > 0 ? ` (its spaces: ${spaces.join(', ')})` : '') +
        `: run \`netguardian hub add-device\` for this space`,
      'spaceId',
    );
  }
}

/** Opens the hub as a device, at once: connects, checks access (`assertHubAccess`), never migrates. */
export async function openHubAsDevice(
  options: PgClientOptions & { readonly spaceId?: string },
): Promise<EventStore> {
  const { spaceId, ...pgOptions } = options;
  const client = await openPgClient(pgOptions);
  try {
    await assertHubAccess(client, spaceId);
    return await EventStore.open(client, { migrate: false });
  } catch (e) {
    await client.close();
    throw e;
  }
}

/** The hub as a device uses it while running: opened without reaching it, checked before use. */
export interface LazyHub {
  readonly store: EventStore;
  /**
   * Checks access (`assertHubAccess`) until it has passed once; every sync run calls it first, so
   * a hub that was down when the device started is checked when it answers.
   */
  ensureAccess(): Promise<void>;
}

/**
 * Opens the hub without connecting: a device opens and works while its hub is down (offline
 * first), and every query connects when it runs, so the hub is used again once it is back.
 */
export async function openHubLazily(
  options: PgClientOptions & { readonly spaceId?: string },
): Promise<LazyHub> {
  const { spaceId, ...pgOptions } = options;
  const client = await openPgClient({ ...pgOptions, lazy: true });
  const store = await EventStore.open(client, { migrate: false });
  let checked: Promise<void> | undefined;
  return {
    store,
    ensureAccess() {
      checked ??= assertHubAccess(client, spaceId).catch((e: unknown) => {
        checked = undefined;
        throw e;
      });
      return checked;
    },
  };
}
