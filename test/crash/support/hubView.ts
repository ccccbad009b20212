/**
 * The hub as the crash test observes it: its database read directly (as its owner, so row-level
 * security does not apply), the way one would look at the hub's disk; devices only ever reach
 * the hub through its service. How far an origin's events got, how many chunks it holds, and the
 * check of its seqs per origin.
 */
import { openPgClient } from '../../../src-main/core/store/pgClient.js';
import type { SqlClient } from '../../../src-main/core/store/sqlClient.js';
import { pollUntil } from '../../folderSync/support/folderTree.js';
import { readEventKeys, type EventKey } from './storeChecks.js';

const SEQS_PER_ORIGIN = `
  SELECT space_id, node_id, count(*)::int AS n, count(DISTINCT seq)::int AS seqs,
         count(DISTINCT event_id)::int AS ids, min(seq)::int AS lo, max(seq)::int AS hi
  FROM crdt_events GROUP BY space_id, node_id`;

export class HubView {
  private constructor(
    private readonly db: SqlClient,
    readonly spaceId: string,
  ) {}

  /** Opens a connection to the hub's database (`databaseUrl`); `close` ends it. */
  static async open(databaseUrl: string, spaceId: string): Promise<HubView> {
    return new HubView(await openPgClient({ connectionString: databaseUrl }), spaceId);
  }

  close(): Promise<void> {
    return this.db.close();
  }

  /** The highest seq of `nodeId`'s events on the hub (0: none). */
  async maxSeq(nodeId: string): Promise<number> {
    const rows = await this.db.query<{ max: number | null }>(
      'SELECT max(seq)::int AS max FROM crdt_events WHERE space_id = $1 AND node_id = $2',
      [this.spaceId, nodeId],
    );
    return rows[0]?.max ?? 0;
  }

  async chunks(): Promise<number> {
    const rows = await this.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM crdt_chunks WHERE space_id = $1',
      [this.spaceId],
    );
    return rows[0]?.n ?? 0;
  }

  keys(): Promise<EventKey[]> {
    return readEventKeys(this.db, this.spaceId);
  }

  /** Until the hub holds `nodeId`'s events up to `seq` at least. */
  async untilHolds(
    nodeId: string,
    seq: number,
    what: string,
    options: { timeoutMs: number; intervalMs: number },
  ): Promise<void> {
    await pollUntil(
      `${what} (${nodeId} up to seq ${seq} on the hub)`,
      async () => ((await this.maxSeq(nodeId)) >= seq ? true : undefined),
      options,
    );
  }

  /** A path's events on the hub, one line each (for failure messages). */
  async history(entityId: string): Promise<string[]> {
    const rows = await this.db.query<{
      node_id: string;
      seq: number;
      event_type: string;
      hlc: string;
      vector_clock: unknown;
      hash: string | null;
    }>(
      `SELECT node_id, seq::int AS seq, event_type, hlc, vector_clock, data->'content'->>'hash' AS hash
       FROM crdt_events WHERE space_id = $1 AND entity_id = $2 ORDER BY id`,
      [this.spaceId, entityId],
    );
    return rows.map(
      (r) =>
        `${r.node_id}#${r.seq} ${r.event_type} ${r.hash?.slice(0, 12) ?? '-'} hlc ${r.hlc} clock ${JSON.stringify(r.vector_clock)}`,
    );
  }

  /** `crdt_events` grouped by (space_id, node_id): seqs 1..max, count = max, one event id each. */
  async seqProblems(): Promise<string[]> {
    const rows = await this.db.query<{
      space_id: string;
      node_id: string;
      n: number;
      seqs: number;
      ids: number;
      lo: number;
      hi: number;
    }>(SEQS_PER_ORIGIN);
    return rows
      .filter((r) => r.lo !== 1 || r.n !== r.hi || r.seqs !== r.n || r.ids !== r.n)
      .map(
        (r) =>
          `hub: ${r.space_id}/${r.node_id} has ${r.n} events, ${r.seqs} distinct seqs, ${r.ids} event ids, seqs ${r.lo}..${r.hi}`,
      );
  }
}
