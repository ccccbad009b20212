/**
 * The older hub, for the tests that still run it: a fresh PostgreSQL database prepared with
 * `initHub`, device roles from `addDevice` (row-level security limits each to its spaces), and an
 * admin connection. Used only where the older hub is tested as such (the app's `hub:test` of a
 * PostgreSQL URL, src-main/core/app/appService.hub.int.test.ts); tests of sync with a hub use
 * the service (`hub start` as a process: test/owner/support/hub.ts; in process:
 * test/folderSync/support/testHub.ts).
 */
import { randomBytes } from 'node:crypto';
import {
  addDevice,
  addDeviceToSpace,
  initHub,
  removeDevice,
  type DeviceCredentials,
} from '../../src-main/core/hub/hubAdmin.js';
import { openPgClient } from '../../src-main/core/store/pgClient.js';
import type { SqlClient } from '../../src-main/core/store/sqlClient.js';
import { createFreshDatabase, type FreshDatabase } from './freshDatabase.js';

export interface ChunkStats {
  readonly rows: number;
  readonly bytes: number;
}

export class SqlTestHub {
  private readonly roles: string[] = [];
  /** Per test file, so spaces and device roles from parallel files never meet. */
  readonly tag = randomBytes(3).toString('hex');
  private spaces = 0;

  private constructor(
    private readonly db: FreshDatabase,
    readonly admin: SqlClient,
  ) {}

  static async create(prefix: string): Promise<SqlTestHub> {
    const db = await createFreshDatabase(prefix);
    try {
      await initHub(db.url);
      const admin = await openPgClient({ connectionString: db.url });
      return new SqlTestHub(db, admin);
    } catch (e) {
      await db.drop();
      throw e;
    }
  }

  /** The admin connection string (a superuser: row-level security does not apply). */
  get url(): string {
    return this.db.url;
  }

  /** A space id not used before in this file. */
  newSpaceId(label: string): string {
    this.spaces += 1;
    return `${label}-${this.tag}-${this.spaces}`;
  }

  /** A new device role, member of `spaceId` only. */
  async addDevice(deviceName: string, spaceId: string): Promise<DeviceCredentials> {
    const creds = await addDevice(this.url, { deviceName, spaceId });
    this.roles.push(creds.role);
    return creds;
  }

  async addToSpace(role: string, spaceId: string): Promise<void> {
    await addDeviceToSpace(this.url, { role, spaceId });
  }

  async chunkStats(spaceId: string): Promise<ChunkStats> {
    const row = (
      await this.admin.query<{ rows: number; bytes: number }>(
        `SELECT count(*)::int AS rows, coalesce(sum(octet_length(data)), 0)::float8 AS bytes
         FROM crdt_chunks WHERE space_id = $1`,
        [spaceId],
      )
    )[0];
    return { rows: row?.rows ?? 0, bytes: row?.bytes ?? 0 };
  }

  /** Flips every bit of the first byte of a stored chunk (same size, so the table's checks hold). */
  async corruptChunk(spaceId: string, hash: string): Promise<void> {
    const rows = await this.admin.query(
      `UPDATE crdt_chunks SET data = set_byte(data, 0, get_byte(data, 0) # 255)
       WHERE space_id = $1 AND hash = $2 RETURNING hash`,
      [spaceId, hash],
    );
    if (rows.length !== 1) throw new Error(`no chunk ${hash} in space ${spaceId} to corrupt`);
  }

  /** Puts the right bytes back into a chunk (the admin restored it from a backup). */
  async repairChunk(spaceId: string, hash: string, data: Uint8Array): Promise<void> {
    const rows = await this.admin.query(
      `UPDATE crdt_chunks SET data = $3 WHERE space_id = $1 AND hash = $2 RETURNING hash`,
      [spaceId, hash, Buffer.from(data)],
    );
    if (rows.length !== 1) throw new Error(`no chunk ${hash} in space ${spaceId} to repair`);
  }

  async close(): Promise<void> {
    try {
      await this.admin.close();
      // Roles are server-wide: drop ours before the database goes.
      for (const role of this.roles) await removeDevice(this.url, { role });
    } finally {
      await this.db.drop();
    }
  }
}
