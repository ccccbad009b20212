import type { Harness } from './harness.js';

/**
 * FOLDER_DUMP=path,path (for a failure's diagnosis): each device's events for those paths, in
 * the order its store took them, and its index row (the bits and version it thinks its disk
 * holds). Read from the stores directly, as an admin would.
 */
export async function dumpPaths(h: Harness, paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const d of h.devices) {
    for (const p of paths) {
      out.push(`== ${d.name} ${p}`);
      const events = await d.machine.store.client.query<Record<string, unknown>>(EVENTS_AT, [
        h.spaceId,
        p,
      ]);
      for (const e of events) out.push(`  event ${JSON.stringify(e)}`);
      const rows = await d.machine.store.client.query<Record<string, unknown>>(INDEX_ROW, [
        h.spaceId,
        p,
      ]);
      for (const r of rows) out.push(`  index ${JSON.stringify(r)}`);
    }
  }
  return out;
}

const EVENTS_AT = `
  SELECT event_type, node_id, timestamp, data, vector_clock FROM crdt_events
  WHERE space_id = $1 AND entity_id = $2 ORDER BY id`;

const INDEX_ROW = `
  SELECT kind, size, mode, hash, version_clock FROM fs_index
  WHERE space_id = $1 AND path = $2`;
