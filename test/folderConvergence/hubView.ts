import type { EventStore } from '../../src-main/core/store/eventStore.js';
import type { SqlClient } from '../../src-main/core/store/sqlClient.js';

/**
 * What the harness reads from stores directly (as an admin would, never through
 * the code under test): whether a content hash was recorded, and whether a
 * version's bytes can still be had from the hub's history (its event is there and
 * every chunk it lists is in the hub's chunk store, as restore would need).
 */

const EVENT_WITH_HASH = `
  SELECT 1 AS one FROM crdt_events
  WHERE space_id = $1 AND data -> 'content' ->> 'hash' = $2
  LIMIT 1`;

const CHUNK_LISTS_OF = `
  SELECT DISTINCT data -> 'content' ->> 'hash' AS hash, data -> 'content' -> 'chunks' AS chunks
  FROM crdt_events
  WHERE space_id = $1 AND data -> 'content' ->> 'hash' = ANY($2::text[])`;

const CHUNKS_PRESENT = `
  SELECT hash FROM crdt_chunks WHERE space_id = $1 AND hash = ANY($2::text[])`;

const INDEXED_DIR = `
  SELECT 1 AS one FROM fs_index WHERE space_id = $1 AND path = $2 AND kind = 'dir'`;

/** Whether the device's file index still lists a folder at `rel` (its scanner has not seen it go). */
export async function indexedDir(store: EventStore, spaceId: string, rel: string) {
  return (await store.client.query(INDEXED_DIR, [spaceId, rel])).length > 0;
}

const SEEN_WITH_HASH = `
  SELECT 1 AS one FROM fs_index
  WHERE space_id = $1 AND ($2::text IS NULL OR path = $2) AND hash = $3
  UNION ALL
  SELECT 1 AS one FROM crdt_events
  WHERE space_id = $1 AND ($2::text IS NULL OR entity_id = $2)
    AND data -> 'content' ->> 'hash' = $3
    AND node_id = (SELECT node_id FROM crdt_device WHERE singleton)
  LIMIT 1`;

/** Whether some event in `client`'s store records content `hash` (the hub has that version). */
export async function recorded(client: SqlClient, spaceId: string, hash: string) {
  return (await client.query(EVENT_WITH_HASH, [spaceId, hash])).length > 0;
}

/**
 * Whether the device that owns `store` has seen content `hash` on its disk at `rel` (null:
 * anywhere): its file index says so (the scanner writes it with the events it records), or one of
 * its own events does (the index may have moved on already: a remote version landed). Not "some
 * event has the hash": a content the store knew already (empty, or a peer's) would make every
 * write of it look recorded at once.
 */
export async function recordedAt(
  store: EventStore,
  spaceId: string,
  rel: string | null,
  hash: string,
) {
  return (await store.client.query(SEEN_WITH_HASH, [spaceId, rel, hash])).length > 0;
}

/**
 * Of `hashes`, those whose bytes the hub can give back: some event carries the hash
 * and all chunks of its chunk list are stored (empty content has no chunks).
 */
export async function restorableFromHub(
  hub: SqlClient,
  spaceId: string,
  hashes: readonly string[],
): Promise<Set<string>> {
  const lists = await hub.query<{ hash: string; chunks: { hash: string }[] | null }>(
    CHUNK_LISTS_OF,
    [spaceId, [...hashes]],
  );
  const wanted = [...new Set(lists.flatMap((l) => (l.chunks ?? []).map((c) => c.hash)))];
  const stored = new Set(
    (await hub.query<{ hash: string }>(CHUNKS_PRESENT, [spaceId, wanted])).map((r) => r.hash),
  );
  const out = new Set<string>();
  for (const l of lists) {
    // A listed version with no chunk list and bytes in it could not be assembled.
    if (l.chunks === null) continue;
    if (l.chunks.every((c) => stored.has(c.hash))) out.add(l.hash);
  }
  return out;
}
