import type { SqlClient } from './sqlClient.js';

export type SyncDirection = 'pull' | 'push' | 'bidirectional';

export interface SyncLogEntry {
  readonly id: number;
  readonly spaceId: string;
  readonly nodeId: string;
  readonly peer: string | null;
  readonly direction: SyncDirection;
  readonly eventsSent: number;
  readonly eventsReceived: number;
  readonly eventsQuarantined: number;
  readonly durationMs: number;
  readonly status: 'ok' | 'error';
  readonly error: string | null;
  /** The peer's frontier as the run last read it; null when it never did. */
  readonly peerFrontier: Readonly<Record<string, number>> | null;
  readonly at: string;
}

export type NewSyncLogEntry = Omit<SyncLogEntry, 'id' | 'at' | 'peerFrontier'> & {
  readonly peerFrontier?: SyncLogEntry['peerFrontier'];
};

// The seed's columns (node_id, last_sync, events_synced, sync_direction) are still written.
const INSERT = `
INSERT INTO crdt_sync_log (node_id, last_sync, events_synced, sync_direction, space_id, peer, events_sent,
  events_received, events_quarantined, duration_ms, status, error, peer_frontier)
VALUES ($1, now(), $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
RETURNING id`;

const SELECT_RECENT = `
SELECT id, space_id, node_id, peer, sync_direction, events_sent, events_received, events_quarantined,
       duration_ms, status, error, peer_frontier, last_sync
FROM crdt_sync_log WHERE space_id = $1 ORDER BY id DESC LIMIT $2`;

/** The newest frontier of the peer a run of this space read. */
const SELECT_LAST_PEER_FRONTIER = `
SELECT peer_frontier FROM crdt_sync_log
WHERE space_id = $1 AND peer_frontier IS NOT NULL ORDER BY id DESC LIMIT 1`;

/** The `crdt_sync_log` of one store: one row per sync run, read by getSyncStatus. */
export class SyncLog {
  constructor(private readonly client: SqlClient) {}

  async record(entry: NewSyncLogEntry): Promise<number> {
    const rows = await this.client.query<{ id: number }>(
      INSERT,
      [
        entry.nodeId,
        entry.eventsSent + entry.eventsReceived,
        entry.direction,
        entry.spaceId,
        entry.peer,
        entry.eventsSent,
        entry.eventsReceived,
        entry.eventsQuarantined,
        Math.round(entry.durationMs),
        entry.status,
        entry.error,
        entry.peerFrontier ? JSON.stringify(entry.peerFrontier) : null,
      ],
      // Named: one per sync run.
      { name: 'ng_sync_log_insert' },
    );
    return Number(rows[0]?.id);
  }

  async recent(spaceId: string, limit = 20): Promise<SyncLogEntry[]> {
    const rows = await this.client.query<Record<string, unknown>>(SELECT_RECENT, [spaceId, limit]);
    return rows.map((r) => ({
      id: Number(r.id),
      spaceId: r.space_id as string,
      nodeId: r.node_id as string,
      peer: (r.peer as string | null) ?? null,
      direction: r.sync_direction as SyncDirection,
      eventsSent: Number(r.events_sent),
      eventsReceived: Number(r.events_received),
      eventsQuarantined: Number(r.events_quarantined),
      durationMs: Number(r.duration_ms ?? 0),
      status: r.status === 'error' ? 'error' : 'ok',
      error: (r.error as string | null) ?? null,
      peerFrontier: frontierOf(r.peer_frontier),
      at: new Date(r.last_sync as string).toISOString(),
    }));
  }

  /** The peer's frontier as the newest run that read it left it; undefined if none did. */
  async lastPeerFrontier(spaceId: string): Promise<Readonly<Record<string, number>> | undefined> {
    const rows = await this.client.query<{ peer_frontier: unknown }>(SELECT_LAST_PEER_FRONTIER, [
      spaceId,
    ]);
    return frontierOf(rows[0]?.peer_frontier) ?? undefined;
  }
}

/** A stored frontier (JSONB, as the driver returns it), with numbers for seqs. */
function frontierOf(value: unknown): Readonly<Record<string, number>> | null {
  const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
  if (typeof parsed !== 'object' || parsed === null) return null;
  return Object.fromEntries(
    Object.entries(parsed as Record<string, unknown>).map(([node, seq]) => [node, Number(seq)]),
  );
}
