/**
 * The hub of the folder scenarios: a fresh database on the bench's PostgreSQL server, prepared
 * with `initHub`, one device role per device from `addDevice` (row-level security limits each to
 * its space, as in production), and an admin connection to count what reached the hub.
 */
import {
  addDevice,
  initHub,
  removeDevice,
  type DeviceCredentials,
} from '../../src-main/core/hub/hubAdmin.js';
import { openPgClient } from '../../src-main/core/store/pgClient.js';
import type { SqlClient } from '../../src-main/core/store/sqlClient.js';
import type { BenchDatabase, PgServer } from '../support/postgres.js';

/** Where the bench registers a device: a hub that hands out device roles (this one or OutageHub). */
export interface DeviceRegistry {
  /** A new device role, member of `spaceId` only; its connection string is what a device configures. */
  addDevice(deviceName: string, spaceId: string): Promise<DeviceCredentials>;
}

export interface ChunkStats {
  readonly rows: number;
  readonly bytes: number;
}

const SELECT_CHUNK_STATS = `
SELECT count(*)::int AS rows, coalesce(sum(octet_length(data)), 0)::float8 AS bytes
FROM crdt_chunks WHERE space_id = $1`;

export class BenchHub implements DeviceRegistry {
  private readonly roles: string[] = [];

  private constructor(
    private readonly db: BenchDatabase,
    readonly admin: SqlClient,
  ) {}

  static async create(server: PgServer): Promise<BenchHub> {
    const db = await server.createDatabase('ng_bench_folder_hub');
    try {
      await initHub(db.url);
      const admin = await openPgClient({
        connectionString: db.url,
        applicationName: 'netguardian-bench-admin',
      });
      return new BenchHub(db, admin);
    } catch (e) {
      await db.drop();
      throw e;
    }
  }

  /** A new device role, member of `spaceId` only; its connection string is what a device configures. */
  async addDevice(deviceName: string, spaceId: string): Promise<DeviceCredentials> {
    const creds = await addDevice(this.db.url, { deviceName, spaceId });
    this.roles.push(creds.role);
    return creds;
  }

  /** Chunk rows and bytes the hub holds for a space (as the admin: no row-level security). */
  async chunkStats(spaceId: string): Promise<ChunkStats> {
    const row = (
      await this.admin.query<{ rows: number; bytes: number }>(SELECT_CHUNK_STATS, [spaceId])
    )[0];
    return { rows: row?.rows ?? 0, bytes: row?.bytes ?? 0 };
  }

  async close(): Promise<void> {
    try {
      await this.admin.close();
      // Roles are server-wide: drop ours before the database goes.
      for (const role of this.roles.splice(0))
        await removeDevice(this.db.url, { role }).catch(() => undefined);
    } finally {
      await this.db.drop();
    }
  }
}
