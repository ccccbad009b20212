/**
 * The baseline: how fast a store takes the same rows with nothing of ours around them: ONE
 * multi-row INSERT into crdt_events (the rows as one JSONB parameter expanded by
 * jsonb_to_recordset), autocommitted. No validation, no snapshots, no frontier, no conflict
 * handling: the rate sync is compared with.
 */
import type { EventStore } from '../../src-main/core/store/eventStore.js';
import { eventToRow } from '../../src-main/core/store/eventRows.js';
import { EventFactory } from '../support/events.js';
import { median, perSecond, timed } from '../support/stats.js';

const COLUMNS = `event_id, space_id, entity_id, event_type, data, timestamp, hlc, node_id, seq, vector_clock`;

export const RAW_INSERT_EVENTS = `
INSERT INTO crdt_events (${COLUMNS})
SELECT ${COLUMNS}
FROM jsonb_to_recordset($1::jsonb) AS x(
  event_id text, space_id text, entity_id text, event_type text, data jsonb,
  timestamp timestamptz, hlc text, node_id text, seq bigint, vector_clock jsonb)`;

export interface RawInsertResult {
  readonly rows: number;
  readonly runs: number;
  readonly medianMs: number;
  readonly rowsPerSecond: number;
  /** Rows of the space afterwards (warm-up included). */
  readonly storedRows: number;
}

export async function benchRawInsert(options: {
  readonly store: EventStore;
  readonly spaceId: string;
  readonly rows: number;
  readonly entities: number;
  readonly runs: number;
  readonly warmupRows: number;
}): Promise<RawInsertResult> {
  const { store, spaceId, rows, runs } = options;
  const factory = new EventFactory({ spaceId, nodeId: 'bench-raw', entities: options.entities });
  // Timed: serializing the rows and the one statement, as an application would send them.
  const insert = async (count: number) => {
    const wire = factory.next(count).map(eventToRow);
    return timed(() => store.client.query(RAW_INSERT_EVENTS, [JSON.stringify(wire)]));
  };
  if (options.warmupRows > 0) await insert(options.warmupRows);
  const ms: number[] = [];
  for (let r = 0; r < runs; r++) ms.push((await insert(rows)).ms);
  return {
    rows,
    runs,
    medianMs: median(ms),
    rowsPerSecond: perSecond(rows, median(ms)),
    storedRows: await store.countEvents(spaceId),
  };
}
