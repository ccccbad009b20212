/**
 * The hubs of the in-process folder scenarios, one per way a device reaches its hub, both on a
 * fresh database of the bench's PostgreSQL server:
 *
 * - `BenchHub` (direct SQL, the baseline): the database prepared with `initHub`, one device role
 *   per device from `addDevice` (row-level security limits each to its space), which the device
 *   logs in as;
 * - `ServiceHub` (serviceHub.ts): the hub's sync service (HTTP/2 over TLS) in front of the
 *   database; a device pairs with an invite and never holds a database role.
 *
 * Both count what reached the hub's chunk table as its owner, and devices reach either through a
 * `WireCounter` that counts the bytes on the wire.
 */
import {
  addDevice,
  initHub,
  removeDevice,
  type DeviceCredentials,
} from '../../src-main/core/hub/hubAdmin.js';
import type { HubServiceAccess } from '../../src-main/core/device/hubAccess.js';
import { openPgClient, type PgClientOptions } from '../../src-main/core/store/pgClient.js';
import type { SqlClient } from '../../src-main/core/store/sqlClient.js';
import { useLegacyHub } from '../../test/support/legacyHub.js';
import type { BenchDatabase, PgServer } from '../support/postgres.js';
import type { DaemonHub } from './daemon.js';
import { WireCounter, type WireBytes } from './wireCounter.js';

/** How a device reaches its hub. */
export type HubVariant = 'direct' | 'service';

export const HUB_VARIANT_LABEL: Readonly<Record<HubVariant, string>> = {
  direct: 'direct SQL',
  service: 'hub service',
};

/** What `Device.open` takes to reach the hub: a device role's connection, or the service. */
export type DeviceHubLink =
  { readonly hub: PgClientOptions } | { readonly hubService: HubServiceAccess };

export interface NewDevice {
  readonly name: string;
  readonly spaceId: string;
  /** The device's node id (its store's identity): the service pairs it under this id. */
  readonly nodeId: string;
}

export interface ChunkStats {
  readonly rows: number;
  readonly bytes: number;
}

/** A hub in-process devices register with. */
export interface DeviceRegistry {
  readonly variant: HubVariant;
  /** Makes `device` a member of its space; returns how it reaches the hub. */
  register(device: NewDevice): Promise<DeviceHubLink>;
  /** Chunk rows and bytes the hub holds for a space (as the owner: no row-level security). */
  chunkStats(spaceId: string): Promise<ChunkStats>;
  /** Bytes between the registered devices and the hub so far. */
  wire(): WireBytes;
  close(): Promise<void>;
}

const SELECT_CHUNK_STATS = `
SELECT count(*)::int AS rows, coalesce(sum(octet_length(data)), 0)::float8 AS bytes
FROM crdt_chunks WHERE space_id = $1`;

/** Chunk rows and bytes of a space in a hub database (crdt_chunks, the same in both variants). */
export async function chunkStatsOf(client: SqlClient, spaceId: string): Promise<ChunkStats> {
  const row = (
    await client.query<{ rows: number; bytes: number }>(SELECT_CHUNK_STATS, [spaceId])
  )[0];
  return { rows: row?.rows ?? 0, bytes: row?.bytes ?? 0 };
}

export class BenchHub implements DeviceRegistry, DaemonHub {
  readonly variant = 'direct';
  private readonly roles: string[] = [];

  private constructor(
    private readonly db: BenchDatabase,
    readonly admin: SqlClient,
    private readonly counter: WireCounter,
  ) {}

  static async create(server: PgServer): Promise<BenchHub> {
    const db = await server.createDatabase('ng_bench_folder_hub');
    let admin: SqlClient | undefined;
    try {
      await initHub(db.url);
      admin = await openPgClient({
        connectionString: db.url,
        applicationName: 'netguardian-bench-admin',
      });
      const url = new URL(db.url);
      const counter = await WireCounter.start({
        host: url.hostname,
        port: Number(url.port || 5432),
      });
      return new BenchHub(db, admin, counter);
    } catch (e) {
      await admin?.close().catch(() => undefined);
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

  /**
   * A daemon's device of the direct-SQL way, which `init` no longer makes: `init` makes it local
   * only, then `afterInit` gives it a device role in config.json, as a data dir made before the
   * service keeps it (devices still read it).
   */
  initArgs(_deviceName: string, spaceId: string): Promise<string[]> {
    return Promise.resolve(['--space', spaceId]);
  }

  async afterInit(dataDir: string, deviceName: string, spaceId: string): Promise<void> {
    const creds = await this.addDevice(deviceName, spaceId);
    await useLegacyHub(dataDir, creds.connectionString);
  }

  /** A device role; the device logs in through the wire counter. */
  async register(device: NewDevice): Promise<DeviceHubLink> {
    const creds = await this.addDevice(device.name, device.spaceId);
    const url = new URL(creds.connectionString);
    url.hostname = '127.0.0.1';
    url.port = String(this.counter.port);
    return { hub: { connectionString: url.toString() } };
  }

  chunkStats(spaceId: string): Promise<ChunkStats> {
    return chunkStatsOf(this.admin, spaceId);
  }

  wire(): WireBytes {
    return this.counter.bytes();
  }

  async close(): Promise<void> {
    try {
      await this.counter.close();
      await this.admin.close();
      // Roles are server-wide: drop ours before the database goes.
      for (const role of this.roles.splice(0))
        await removeDevice(this.db.url, { role }).catch(() => undefined);
    } finally {
      await this.db.drop();
    }
  }
}
