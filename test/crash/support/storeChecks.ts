/**
 * What a crash must never do to a store, checked on a device's store (opened cold after the kill)
 * and on the hub:
 * - per origin, seqs are exactly 1..max (count = max, each once, one event id each): no gap
 *   (an event lost or skipped) and no reuse (two events under one (node, seq));
 * - across stores, (node, seq) names one event id and an event id one (node, seq): a device that
 *   lost its last writes in a crash must not hand their seqs to new events the hub then meets;
 * - the snapshots equal the fold of the log, folded by the naive model written from the spec
 *   (test/support/crdtReference.ts), not by the code under test.
 * Each check returns readable lines; empty when it holds.
 */
import type { EventStore } from '../../../src-main/core/store/eventStore.js';
import type { SqlClient } from '../../../src-main/core/store/sqlClient.js';
import type { FileEntity } from '../../../src-shared/crdt/fileEntity.js';
import type { CrdtEvent } from '../../../src-shared/events/event.js';
import { canonicalJson, type Json } from '../../../src-shared/json.js';
import { entityProblems, referenceEntity } from '../../support/crdtReference.js';

export interface EventKey {
  readonly nodeId: string;
  readonly seq: number;
  readonly eventId: string;
}

/** Every event of the space: its origin, seq and id. */
export async function readEventKeys(client: SqlClient, spaceId: string): Promise<EventKey[]> {
  const rows = await client.query<{ node_id: string; seq: string | number; event_id: string }>(
    'SELECT node_id, seq, event_id FROM crdt_events WHERE space_id = $1',
    [spaceId],
  );
  return rows.map((r) => ({ nodeId: r.node_id, seq: Number(r.seq), eventId: r.event_id }));
}

/** Per origin: seqs 1..max, each once, with count = max and one event id per seq. */
export function seqProblems(label: string, keys: readonly EventKey[]): string[] {
  const byNode = new Map<string, EventKey[]>();
  for (const k of keys) {
    const list = byNode.get(k.nodeId);
    if (list) list.push(k);
    else byNode.set(k.nodeId, [k]);
  }
  const out: string[] = [];
  for (const [node, list] of byNode) {
    const seqs = list.map((k) => k.seq);
    const max = Math.max(...seqs);
    const distinct = new Set(seqs);
    const ids = new Set(list.map((k) => k.eventId));
    const missing: number[] = [];
    for (let s = 1; s <= max && missing.length < 5; s += 1) if (!distinct.has(s)) missing.push(s);
    if (
      list.length !== max ||
      distinct.size !== list.length ||
      ids.size !== list.length ||
      missing.length > 0
    )
      out.push(
        `${label}: origin ${node} has ${list.length} events, ${distinct.size} distinct seqs, ${ids.size} event ids, max seq ${max}${missing.length > 0 ? `; missing seqs ${missing.join(', ')}` : ''}`,
      );
  }
  return out;
}

/** Across stores: (node, seq) → one event id, and event id → one (node, seq). */
export function crossStoreProblems(
  stores: readonly { readonly label: string; readonly keys: readonly EventKey[] }[],
): string[] {
  const bySeq = new Map<string, { eventId: string; label: string }>();
  const byId = new Map<string, { slot: string; label: string }>();
  const out: string[] = [];
  for (const { label, keys } of stores) {
    for (const k of keys) {
      const slot = `${k.nodeId}#${k.seq}`;
      const seen = bySeq.get(slot);
      if (seen === undefined) bySeq.set(slot, { eventId: k.eventId, label });
      else if (seen.eventId !== k.eventId)
        out.push(
          `seq reused: ${slot} is ${seen.eventId} on ${seen.label} but ${k.eventId} on ${label}`,
        );
      const at = byId.get(k.eventId);
      if (at === undefined) byId.set(k.eventId, { slot, label });
      else if (at.slot !== slot)
        out.push(`event ${k.eventId} is ${at.slot} on ${at.label} but ${slot} on ${label}`);
      if (out.length >= 10) return out;
    }
  }
  return out;
}

const canon = (json: unknown) => canonicalJson(json as Json);
const short = (text: string) => (text.length > 400 ? `${text.slice(0, 400)}…` : text);

/** The store's snapshots against the spec's fold of its log, entity by entity. */
export async function snapshotProblems(
  label: string,
  store: EventStore,
  spaceId: string,
): Promise<string[]> {
  const snapshots = new Map<string, FileEntity>();
  let after = '';
  for (let page = 0; page < 1_000; page += 1) {
    const batch = await store.listSnapshots(spaceId, { after, limit: 500 });
    for (const e of batch) snapshots.set(e.entityId, e);
    if (batch.length < 500) break;
    after = (batch[batch.length - 1] as FileEntity).entityId;
  }
  const byEntity = new Map<string, CrdtEvent[]>();
  for await (const page of store.allEvents(spaceId))
    for (const e of page) {
      const list = byEntity.get(e.entityId);
      if (list) list.push(e);
      else byEntity.set(e.entityId, [e]);
    }
  const out: string[] = [];
  for (const [entityId, events] of byEntity) {
    const snapshot = snapshots.get(entityId);
    if (snapshot === undefined) {
      out.push(`${label}: ${entityId} has ${events.length} events and no snapshot`);
      continue;
    }
    const expected = canon(referenceEntity(entityId, events));
    const got = canon(snapshot.toJSON());
    if (got !== expected)
      out.push(
        `${label}: snapshot of ${entityId} is not the fold of its log:\n    ${short(got)}\n    ${short(expected)}`,
      );
    out.push(...entityProblems(snapshot, events).map((p) => `${label}: ${entityId}: ${p}`));
    if (out.length >= 10) return out;
  }
  for (const entityId of snapshots.keys())
    if (!byEntity.has(entityId)) out.push(`${label}: snapshot of ${entityId} without events`);
  return out;
}
