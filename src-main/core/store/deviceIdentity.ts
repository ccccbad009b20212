import { randomUUID } from 'node:crypto';
import { validateId } from '../../../src-shared/paths.js';
import type { SqlClient } from './sqlClient.js';

export interface DeviceIdentity {
  readonly nodeId: string;
  readonly name: string;
}

const SELECT = `SELECT node_id, name FROM crdt_device WHERE singleton`;
const INSERT = `INSERT INTO crdt_device (node_id, name) VALUES ($1, $2) ON CONFLICT (singleton) DO NOTHING`;

/**
 * The device's node id, created once per store. A store that is wiped gets a
 * new node id, so its new events can never reuse the old device's seqs.
 */
export async function loadOrCreateDeviceIdentity(
  client: SqlClient,
  wanted: { nodeId?: string; name?: string } = {},
): Promise<DeviceIdentity> {
  const existing = (await client.query<{ node_id: string; name: string }>(SELECT))[0];
  if (existing) return { nodeId: existing.node_id, name: existing.name };
  const nodeId = wanted.nodeId ?? `${slug(wanted.name ?? '') || 'dev'}-${randomUUID().slice(0, 8)}`;
  const valid = validateId('nodeId', nodeId);
  if (!valid.ok) throw valid.error;
  await client.query(INSERT, [nodeId, wanted.name ?? nodeId]);
  const row = (await client.query<{ node_id: string; name: string }>(SELECT))[0];
  if (!row) throw new Error('device identity was not stored');
  return { nodeId: row.node_id, name: row.name };
}

/**
 * A readable node id prefix from the device name ("Anna's Laptop" → "annas-laptop"), so conflict
 * copies say which device wrote them; the random suffix keeps ids unique across devices.
 */
function slug(name: string): string {
  return name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
}
