import type { Logger } from '../log.js';
import type { EventStore } from './eventStore.js';

/**
 * The format of the snapshots this code folds. Raise it whenever folding the same events gives
 * another state (the winner's order, what a version keeps): a store folded by older code is then
 * rebuilt from its log once, when it is next opened, so its snapshots equal a rebuild again and
 * every device names the same winner. 2: the newest edit by modification time wins, versions keep
 * their modification time, the register keeps at most 100 writers (issue 12).
 */
export const SNAPSHOT_FORMAT = 2;

const KEY = 'snapshot_format';
const SELECT = `SELECT value FROM crdt_store_meta WHERE key = $1`;
const UPSERT = `
INSERT INTO crdt_store_meta (key, value) VALUES ($1, $2)
ON CONFLICT (key) DO UPDATE SET value = excluded.value`;
const SPACES = `SELECT DISTINCT space_id FROM crdt_snapshots ORDER BY space_id`;

/**
 * Rebuilds every space's snapshots from the log when they were folded in an older format, then
 * records this one. A store with no snapshots only records the format. The log is the source of
 * truth: nothing but derived state changes.
 */
export async function ensureSnapshotFormat(store: EventStore, log?: Logger): Promise<number> {
  const client = store.client;
  const recorded = Number((await client.query<{ value: string }>(SELECT, [KEY]))[0]?.value ?? 0);
  if (recorded === SNAPSHOT_FORMAT) return 0;
  let rebuilt = 0;
  for (const { space_id: spaceId } of await client.query<{ space_id: string }>(SPACES)) {
    const started = Date.now();
    const entities = await store.rebuildSnapshots(spaceId);
    rebuilt += entities.size;
    log?.info(
      { spaceId, entities: entities.size, ms: Date.now() - started, from: recorded },
      'snapshots rebuilt in the current format',
    );
  }
  await client.query(UPSERT, [KEY, String(SNAPSHOT_FORMAT)]);
  return rebuilt;
}
