import type { DeviceInfo } from '../../../src-shared/ipc/contract.js';
import type { SqlExecutor } from '../store/sqlClient.js';

/**
 * The devices of this space as this device knows them: every origin whose
 * events it holds (the frontier table), with the time its newest event reached
 * this store. This device is always listed, seen at its last sync or change.
 */
const SELECT_ORIGINS = `
SELECT o.node_id, (extract(epoch FROM e.created_at) * 1000)::float8 AS reached_ms
FROM crdt_origins o
LEFT JOIN crdt_events e ON e.space_id = o.space_id AND e.node_id = o.node_id AND e.seq = o.max_seq
WHERE o.space_id = $1
ORDER BY o.node_id`;

export interface DeviceListContext {
  readonly db: SqlExecutor;
  readonly spaceId: string;
  readonly thisNode: string;
  readonly nameOf: (nodeId: string) => string;
  /** This device's last successful sync (ms), null if never. */
  readonly lastSyncAt: number | null;
}

export async function listDevices(ctx: DeviceListContext): Promise<DeviceInfo[]> {
  const rows = await ctx.db.query<{ node_id: string; reached_ms: number | null }>(SELECT_ORIGINS, [
    ctx.spaceId,
  ]);
  const seen = new Map(
    rows.map((r) => [r.node_id, r.reached_ms === null ? null : Number(r.reached_ms)]),
  );
  if (!seen.has(ctx.thisNode)) seen.set(ctx.thisNode, null);
  const out: DeviceInfo[] = [...seen].map(([nodeId, reached]) => {
    const thisDevice = nodeId === ctx.thisNode;
    const candidates = [reached, thisDevice ? ctx.lastSyncAt : null].filter(
      (t): t is number => t !== null,
    );
    return {
      nodeId,
      name: ctx.nameOf(nodeId),
      lastSeen: candidates.length > 0 ? Math.max(...candidates) : null,
      thisDevice,
    };
  });
  // This device first, then the others by name.
  return out.sort((a, b) =>
    a.thisDevice !== b.thisDevice ? (a.thisDevice ? -1 : 1) : a.name.localeCompare(b.name),
  );
}
