import pg from 'pg';
import { NetGuardianError } from '../../../src-shared/errors.js';
import { validateId } from '../../../src-shared/paths.js';
import { EventStore } from '../store/eventStore.js';
import { migrate } from '../store/migrate.js';
import { ensureSnapshotFormat } from '../store/snapshotFormat.js';
import { openPgClient, type PgClientOptions } from '../store/pgClient.js';
import type { SqlClient, SqlExecutor } from '../store/sqlClient.js';
import {
  DEVICE_GROUP_ROLE,
  deviceConnectionString,
  deviceRoleName,
  generatePassword,
  isDeviceRoleName,
  scramVerifier,
} from './deviceRoles.js';
import { assertHubSchemaCurrent } from './hubSchema.js';

/**
 * Hub administration, run with the hub admin's connection (the owner of the
 * hub's tables, usually a superuser): prepare the database, and create,
 * list and remove device roles. Every device connects as its own LOGIN role,
 * a member of `netguardian_device`; row-level security (migration 0009)
 * limits it to the spaces listed for it in `hub_members`.
 *
 * Identifiers are never built from input: role names are generated and
 * validated (`ng_<device>_<hex>`) and quoted with `escapeIdentifier`.
 */

/** The admin's connection: a URL, or options with TLS settings. */
export type HubAdminTarget = string | PgClientOptions;

/** What a device role needs on the hub (migration 0009 grants the same). */
const DEVICE_TABLE_GRANTS: readonly (readonly [string, readonly string[]])[] = [
  ['crdt_events', ['SELECT', 'INSERT']],
  ['crdt_snapshots', ['SELECT', 'INSERT', 'UPDATE']],
  ['crdt_origins', ['SELECT', 'INSERT', 'UPDATE']],
  ['crdt_chunks', ['SELECT', 'INSERT']],
  ['hub_members', ['SELECT']],
  ['schema_migrations', ['SELECT']],
];
/** Tables a device reaches, each limited to the device's spaces. */
const ISOLATED_TABLES = [
  'crdt_events',
  'crdt_snapshots',
  'crdt_origins',
  'crdt_chunks',
  'hub_members',
];

const SELECT_GROUP_EXISTS = `SELECT 1 FROM pg_roles WHERE rolname = $1`;
const SELECT_EVENT_ID_SEQUENCE = `SELECT pg_get_serial_sequence('crdt_events', 'id') AS seq, current_schema() AS schema`;
const SELECT_TABLE_PRIVILEGE = `SELECT has_table_privilege($1, $2, $3) AS ok`;
const SELECT_SEQUENCE_PRIVILEGE = `SELECT has_sequence_privilege($1, $2, 'USAGE') AS ok`;
const SELECT_RLS_ENABLED = `
SELECT c.relname FROM pg_class c
WHERE c.oid IN (SELECT to_regclass(t) FROM jsonb_array_elements_text($1::jsonb) t) AND c.relrowsecurity`;
const INSERT_DEVICE = `INSERT INTO hub_devices (role_name, device_name) VALUES ($1, $2)`;
const INSERT_MEMBER = `INSERT INTO hub_members (space_id, role_name) VALUES ($1, $2) ON CONFLICT DO NOTHING`;
const DELETE_MEMBER = `DELETE FROM hub_members WHERE role_name = $1 AND space_id = $2 RETURNING role_name`;
const DELETE_MEMBERS_OF = `DELETE FROM hub_members WHERE role_name = $1`;
const DELETE_DEVICE = `DELETE FROM hub_devices WHERE role_name = $1 RETURNING role_name`;
const SELECT_DEVICE = `SELECT role_name FROM hub_devices WHERE role_name = $1`;
const SELECT_ROLE_OID = `SELECT oid::text AS oid FROM pg_roles WHERE rolname = $1`;
/** By role oid: once the role is dropped, its sessions no longer show its name. */
const TERMINATE_SESSIONS = `
SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE usesysid = $1::oid`;
const SELECT_DEVICES = `
SELECT d.role_name, d.device_name, d.created_at,
       coalesce((SELECT json_agg(m.space_id ORDER BY m.space_id) FROM hub_members m
                 WHERE m.role_name = d.role_name), '[]'::json) AS spaces,
       EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = d.role_name) AS role_exists
FROM hub_devices d ORDER BY d.created_at, d.role_name`;

export interface HubInitReport {
  /** Migrations applied by this call (empty when the hub was current). */
  readonly applied: readonly number[];
}

export interface DeviceCredentials {
  readonly role: string;
  readonly password: string;
  /** What the device configures as its hub (DATABASE_URL or the DB_* keys). */
  readonly connectionString: string;
  readonly deviceName: string;
  readonly spaceId: string;
}

export interface DeviceInfo {
  readonly role: string;
  readonly deviceName: string;
  readonly spaces: readonly string[];
  readonly createdAt: Date;
  /** False when the role was dropped outside NetGuardian. */
  readonly roleExists: boolean;
}

export interface AddDeviceOptions {
  readonly spaceId: string;
  readonly deviceName: string;
  /** Host devices reach the hub at, when not the admin URL's (e.g. the LAN address). */
  readonly host?: string;
  readonly port?: number;
}

async function withAdmin<T>(
  target: HubAdminTarget,
  use: (client: SqlClient) => Promise<T>,
): Promise<T> {
  const options = typeof target === 'string' ? { connectionString: target } : target;
  const client = await openPgClient({ applicationName: 'netguardian-hub-admin', ...options });
  try {
    return await use(client);
  } finally {
    await client.close();
  }
}

/**
 * Prepares a hub database (idempotent; run again after an upgrade): applies
 * pending migrations, ensures the device group role and its grants, and
 * checks that row-level security is on. Fails with a clear error when the
 * admin may not create roles or grant to them.
 */
export async function initHub(admin: HubAdminTarget): Promise<HubInitReport> {
  return withAdmin(admin, async (client) => {
    const applied = await migrate(client);
    // The hub folds pushed events into snapshots too: rebuilt once when the fold changed.
    await ensureSnapshotFormat(await EventStore.open(client, { migrate: false }));
    await ensureDeviceGroup(client);
    await verifyDeviceGroup(client);
    return { applied };
  });
}

async function ensureDeviceGroup(client: SqlClient): Promise<void> {
  const group = pg.escapeIdentifier(DEVICE_GROUP_ROLE);
  if ((await client.query(SELECT_GROUP_EXISTS, [DEVICE_GROUP_ROLE])).length === 0) {
    try {
      await client.exec(`CREATE ROLE ${group} NOLOGIN`);
    } catch (e) {
      // 42710 duplicate_object / 23505: another admin created it at the same moment.
      const code = (e as { code?: string }).code;
      if (code !== '42710' && code !== '23505')
        throw roleError(e, `create the role ${DEVICE_GROUP_ROLE}`);
    }
  }
  const { seq, schema } = (
    await client.query<{ seq: string; schema: string }>(SELECT_EVENT_ID_SEQUENCE)
  )[0] ?? {
    seq: '',
    schema: '',
  };
  const statements = [
    `GRANT USAGE ON SCHEMA ${pg.escapeIdentifier(schema)} TO ${group}`,
    // Devices must not create objects in the hub's schema (PostgreSQL < 15 allowed PUBLIC to).
    `REVOKE CREATE ON SCHEMA ${pg.escapeIdentifier(schema)} FROM PUBLIC`,
    ...DEVICE_TABLE_GRANTS.map(
      ([table, privileges]) =>
        `GRANT ${privileges.join(', ')} ON ${pg.escapeIdentifier(table)} TO ${group}`,
    ),
    // `seq` comes from the catalog (already quoted and schema-qualified), not from input.
    `GRANT USAGE ON SEQUENCE ${seq} TO ${group}`,
  ];
  try {
    await client.transaction(async (tx) => {
      for (const statement of statements) await tx.exec(statement);
    });
  } catch (e) {
    throw roleError(e, `grant the device privileges to ${DEVICE_GROUP_ROLE}`);
  }
}

async function verifyDeviceGroup(db: SqlExecutor): Promise<void> {
  const missing: string[] = [];
  for (const [table, privileges] of DEVICE_TABLE_GRANTS) {
    for (const privilege of privileges) {
      const row = (
        await db.query<{ ok: boolean }>(SELECT_TABLE_PRIVILEGE, [
          DEVICE_GROUP_ROLE,
          table,
          privilege,
        ])
      )[0];
      if (row?.ok !== true) missing.push(`${privilege} on ${table}`);
    }
  }
  const { seq } = (await db.query<{ seq: string }>(SELECT_EVENT_ID_SEQUENCE))[0] ?? { seq: '' };
  if (
    (await db.query<{ ok: boolean }>(SELECT_SEQUENCE_PRIVILEGE, [DEVICE_GROUP_ROLE, seq]))[0]
      ?.ok !== true
  )
    missing.push(`USAGE on ${seq}`);
  const secured = new Set(
    (
      await db.query<{ relname: string }>(SELECT_RLS_ENABLED, [JSON.stringify(ISOLATED_TABLES)])
    ).map((r) => r.relname),
  );
  for (const table of ISOLATED_TABLES)
    if (!secured.has(table)) missing.push(`row-level security on ${table}`);
  if (missing.length > 0) {
    throw new NetGuardianError(
      'StoreError',
      `the hub is not prepared for devices; missing: ${missing.join(', ')}`,
    );
  }
}

function roleError(e: unknown, what: string): NetGuardianError {
  const code = (e as { code?: string }).code;
  const hint =
    code === '42501' ? ': run `netguardian hub init` as a superuser or a role with CREATEROLE' : '';
  return new NetGuardianError(
    'AccessDenied',
    `the hub admin may not ${what} (${(e as Error).message})${hint}`,
  );
}

/**
 * Creates a device's credentials: a new LOGIN role with a random password,
 * in the device group, member of `spaceId`. The password is returned once
 * and stored on the hub only as a SCRAM verifier.
 */
export async function addDevice(
  admin: HubAdminTarget,
  options: AddDeviceOptions,
): Promise<DeviceCredentials> {
  const space = validateId('spaceId', options.spaceId);
  if (!space.ok) throw space.error;
  const deviceName = options.deviceName.trim();
  if (deviceName.length === 0 || deviceName.length > 200) {
    throw new NetGuardianError(
      'InvalidArgument',
      'a device name must be 1-200 characters',
      'deviceName',
    );
  }
  const role = deviceRoleName(deviceName);
  const password = generatePassword();
  const adminUrl = typeof admin === 'string' ? admin : admin.connectionString;
  await withAdmin(admin, async (client) => {
    await assertHubSchemaCurrent(client);
    if ((await client.query(SELECT_GROUP_EXISTS, [DEVICE_GROUP_ROLE])).length === 0) {
      throw new NetGuardianError(
        'SchemaOutdated',
        `the hub has no role ${DEVICE_GROUP_ROLE}: run \`netguardian hub init\` first`,
      );
    }
    const ident = pg.escapeIdentifier(role);
    try {
      await client.transaction(async (tx) => {
        await tx.exec(
          `CREATE ROLE ${ident} LOGIN PASSWORD ${pg.escapeLiteral(scramVerifier(password))}`,
        );
        await tx.exec(`GRANT ${pg.escapeIdentifier(DEVICE_GROUP_ROLE)} TO ${ident}`);
        await tx.query(INSERT_DEVICE, [role, deviceName]);
        await tx.query(INSERT_MEMBER, [space.value, role]);
      });
    } catch (e) {
      if ((e as { code?: string }).code === '42501')
        throw roleError(e, `create the device role ${role}`);
      throw e;
    }
  });
  const reach = {
    ...(options.host !== undefined ? { host: options.host } : {}),
    ...(options.port !== undefined ? { port: options.port } : {}),
  };
  return {
    role,
    password,
    connectionString: deviceConnectionString(adminUrl, { role, password }, reach),
    deviceName,
    spaceId: space.value,
  };
}

/** Adds an existing device role to another space (idempotent). */
export async function addDeviceToSpace(
  admin: HubAdminTarget,
  options: { role: string; spaceId: string },
): Promise<void> {
  const space = validateId('spaceId', options.spaceId);
  if (!space.ok) throw space.error;
  await withAdmin(admin, async (client) => {
    await requireDevice(client, options.role);
    await client.query(INSERT_MEMBER, [space.value, options.role]);
  });
}

/** Takes a device role out of a space; returns whether it was a member. */
export async function removeDeviceFromSpace(
  admin: HubAdminTarget,
  options: { role: string; spaceId: string },
): Promise<boolean> {
  return withAdmin(admin, async (client) => {
    await requireDevice(client, options.role);
    const rows = await client.query(DELETE_MEMBER, [options.role, options.spaceId]);
    return rows.length > 0;
  });
}

async function requireDevice(db: SqlExecutor, role: string): Promise<void> {
  if (!isDeviceRoleName(role) || (await db.query(SELECT_DEVICE, [role])).length === 0) {
    throw new NetGuardianError(
      'NotFound',
      `${JSON.stringify(role)} is not a device of this hub`,
      'role',
    );
  }
}

/**
 * Removes a device: its memberships, its row, and its role (only roles this
 * hub created: `ng_*` names listed in hub_devices), then ends its open
 * sessions. Returns false when the role was not a device of this hub.
 */
export async function removeDevice(
  admin: HubAdminTarget,
  options: { role: string },
): Promise<boolean> {
  const role = options.role;
  if (!isDeviceRoleName(role)) return false;
  return withAdmin(admin, async (client) => {
    const removed = await client.transaction(async (tx) => {
      if ((await tx.query(DELETE_DEVICE, [role])).length === 0) return undefined;
      await tx.query(DELETE_MEMBERS_OF, [role]);
      const oid = (await tx.query<{ oid: string }>(SELECT_ROLE_OID, [role]))[0]?.oid;
      if (oid !== undefined) {
        const ident = pg.escapeIdentifier(role);
        // Anything the role owns or was granted in this database (temp objects), then the role.
        await tx.exec(`DROP OWNED BY ${ident}`);
        await tx.exec(`DROP ROLE ${ident}`);
      }
      return { oid };
    });
    if (removed === undefined) return false;
    // Sessions already open would keep running until they end; end them now (best effort).
    if (removed.oid !== undefined)
      await client.query(TERMINATE_SESSIONS, [removed.oid]).catch(() => undefined);
    return true;
  });
}

/** The devices of this hub with their spaces, oldest first. */
export async function listDevices(admin: HubAdminTarget): Promise<DeviceInfo[]> {
  return withAdmin(admin, async (client) => {
    const rows = await client.query<{
      role_name: string;
      device_name: string;
      created_at: Date;
      spaces: string[];
      role_exists: boolean;
    }>(SELECT_DEVICES);
    return rows.map((r) => ({
      role: r.role_name,
      deviceName: r.device_name,
      spaces: r.spaces,
      createdAt: new Date(r.created_at),
      roleExists: r.role_exists,
    }));
  });
}
