import type { SqlClient } from '../store/sqlClient.js';

/**
 * What each space holds on the hub (`hub spaces`, issue 17 point 5): its paired devices, the
 * events in its log, its chunks and their bytes (and how many of them already live in object
 * storage), and its quota. Every count is one space's own query, filtered by its id, so the
 * report reads the same on one database and on one sharded by space.
 */
export interface SpaceReport {
  readonly spaceId: string;
  readonly devices: number;
  readonly events: number;
  readonly chunks: number;
  /** The chunk bytes the quota counts (`hub_space_usage`). */
  readonly bytes: number;
  /** Chunks whose bytes are objects in object storage (the rest are in PostgreSQL). */
  readonly chunksAsObjects: number;
  /** null: no quota. */
  readonly quotaBytes: number | null;
}

/** Every space the hub knows (devices, events, chunks or a quota), in name order. */
export async function spaceReports(client: SqlClient): Promise<SpaceReport[]> {
  const spaces = await client.query<{ space_id: string }>(
    `SELECT space_id FROM hub_space_usage
     UNION SELECT space_id FROM crdt_origins
     UNION SELECT space_id FROM hub_device_keys
     ORDER BY space_id`,
  );
  const reports: SpaceReport[] = [];
  for (const { space_id: spaceId } of spaces) reports.push(await spaceReport(client, spaceId));
  return reports;
}

export async function spaceReport(client: SqlClient, spaceId: string): Promise<SpaceReport> {
  const [devices] = await client.query<{ n: number }>(
    `SELECT count(*)::float8 AS n FROM hub_device_keys WHERE space_id = $1 AND revoked_at IS NULL`,
    [spaceId],
  );
  const [events] = await client.query<{ n: number }>(
    `SELECT count(*)::float8 AS n FROM crdt_events WHERE space_id = $1`,
    [spaceId],
  );
  const [chunks] = await client.query<{ n: number; objects: number }>(
    `SELECT count(*)::float8 AS n, count(object_key)::float8 AS objects
     FROM crdt_chunks WHERE space_id = $1`,
    [spaceId],
  );
  const [usage] = await client.query<{ bytes: number; quota: number | null }>(
    `SELECT chunk_bytes::float8 AS bytes, quota_bytes::float8 AS quota
     FROM hub_space_usage WHERE space_id = $1`,
    [spaceId],
  );
  return {
    spaceId,
    devices: Number(devices?.n ?? 0),
    events: Number(events?.n ?? 0),
    chunks: Number(chunks?.n ?? 0),
    chunksAsObjects: Number(chunks?.objects ?? 0),
    bytes: Number(usage?.bytes ?? 0),
    quotaBytes: usage?.quota == null ? null : Number(usage.quota),
  };
}
