import { randomBytes } from 'node:crypto';
import type { Logger } from '../log.js';
import type { SqlClient } from '../store/sqlClient.js';

/**
 * The registry of a hub's processes (`hub_processes`, migration 0022): each process records the
 * address devices reach it at and renews it every `HEARTBEAT_MS`; a process is listed while its
 * last renewal is younger than `EXPIRES_MS`, so one that was killed drops out within that. A
 * device learns the list (`GET /v1/hub-addresses`) and, when its process can't be reached, tries
 * the others (hubClient/hubConnection.ts).
 */
export const HEARTBEAT_MS = 10_000;
export const EXPIRES_MS = 30_000;
/** Rows of processes gone this long are deleted (a killed process never deletes its own). */
const FORGET_AFTER_MS = 24 * 3600_000;
/** Addresses a device is told at most (the newest processes first past that). */
export const MAX_HUB_ADDRESSES = 16;

const UPSERT = `
INSERT INTO hub_processes (process_id, address, seen_until)
VALUES ($1, $2, now() + $3 * interval '1 millisecond')
ON CONFLICT (process_id) DO UPDATE SET address = excluded.address, seen_until = excluded.seen_until`;
const FORGET_OLD = `DELETE FROM hub_processes WHERE seen_until < now() - $1 * interval '1 millisecond'`;
const DELETE_OWN = `DELETE FROM hub_processes WHERE process_id = $1`;
/** Each address once, the process that started first first (a steady order for devices). */
const LIST = `
SELECT address FROM hub_processes WHERE seen_until > now()
GROUP BY address ORDER BY min(started_at), address LIMIT $1`;

export interface HubProcessRegistry {
  /** Addresses of the processes running now (this one included), at most `MAX_HUB_ADDRESSES`. */
  addresses(): Promise<string[]>;
  /** Stops the heartbeat and takes this process off the list. */
  stop(): Promise<void>;
}

/** Addresses of the hub's processes running now, at most `MAX_HUB_ADDRESSES`. */
export async function listedHubAddresses(database: SqlClient): Promise<string[]> {
  const rows = await database.query<{ address: string }>(LIST, [MAX_HUB_ADDRESSES]);
  return rows.map((r) => r.address);
}

/** Registers this process at `address` (host:port as devices dial it) and keeps it listed. */
export async function registerHubProcess(
  database: SqlClient,
  address: string,
  log: Logger,
  timing: { heartbeatMs?: number; expiresMs?: number } = {},
): Promise<HubProcessRegistry> {
  const processId = randomBytes(12).toString('hex');
  const heartbeatMs = timing.heartbeatMs ?? HEARTBEAT_MS;
  const expiresMs = timing.expiresMs ?? EXPIRES_MS;
  await database.query(UPSERT, [processId, address, expiresMs]);
  await database.query(FORGET_OLD, [FORGET_AFTER_MS]);
  let beating: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    // One renewal at a time: a slow database never piles them up.
    beating ??= database
      .query(UPSERT, [processId, address, expiresMs])
      .catch((e: unknown) =>
        log.warn({ error: String(e) }, 'could not renew this hub process in the registry'),
      )
      .finally(() => {
        beating = undefined;
      });
  }, heartbeatMs);
  timer.unref();
  return {
    addresses: () => listedHubAddresses(database),
    async stop() {
      clearInterval(timer);
      await beating;
      await database.query(DELETE_OWN, [processId]).catch(() => undefined);
    },
  };
}
