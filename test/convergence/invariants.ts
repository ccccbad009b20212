import type { EventStore } from '../../src-main/core/store/eventStore.js';
import type { FileEntity } from '../../src-shared/crdt/fileEntity.js';
import { parseHlc } from '../../src-shared/crdt/hlc.js';
import { VectorClock } from '../../src-shared/crdt/vectorClock.js';
import type { CrdtEvent } from '../../src-shared/events/event.js';
import { writesVersion } from '../../src-shared/events/event.js';
import { canonicalJson, type Json } from '../../src-shared/json.js';
import { entityProblems, referenceEntity } from '../support/crdtReference.js';
import type { World } from './world.js';

/**
 * The invariants of DESIGN.md §8 (1, 2) checked on a healed world. Each check
 * returns the broken rules as readable lines (empty when all hold), so a
 * failure says what broke, where, and for which file.
 */

interface StoreState {
  readonly name: string;
  readonly store: EventStore;
  /** entity id → canonical JSON of the snapshot. */
  readonly snapshots: Map<string, string>;
  readonly entities: Map<string, FileEntity>;
  readonly eventIds: string[];
}

const canon = (e: FileEntity) => canonicalJson(e.toJSON() as unknown as Json);
const short = (text: string) => (text.length > 600 ? `${text.slice(0, 600)}…` : text);

async function readState(name: string, store: EventStore, spaceId: string): Promise<StoreState> {
  const entities = new Map<string, FileEntity>();
  let after = '';
  for (let page = 0; page < 1_000; page += 1) {
    const batch = await store.listSnapshots(spaceId, { after, limit: 500 });
    for (const e of batch) entities.set(e.entityId, e);
    if (batch.length < 500) break;
    after = (batch[batch.length - 1] as FileEntity).entityId;
  }
  const rows = await store.client.query<{ event_id: string }>(
    'SELECT event_id FROM crdt_events WHERE space_id = $1',
    [spaceId],
  );
  return {
    name,
    store,
    entities,
    snapshots: new Map([...entities].map(([id, e]) => [id, canon(e)])),
    eventIds: rows.map((r) => r.event_id),
  };
}

function diffSnapshots(
  label: string,
  a: ReadonlyMap<string, string>,
  b: ReadonlyMap<string, string>,
): string[] {
  const problems: string[] = [];
  for (const id of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(id);
    const y = b.get(id);
    if (x !== y)
      problems.push(`${label}: ${id} differs:\n    ${short(String(x))}\n    ${short(String(y))}`);
    if (problems.length >= 5) break;
  }
  return problems;
}

/** The whole history: the hub's events, and every event archived before a compaction. */
async function everyEvent(world: World): Promise<CrdtEvent[]> {
  const all = new Map(world.archive);
  for (const store of [world.hubStore, ...world.devices.map((d) => d.store)])
    for await (const page of store.allEvents(world.spaceId))
      for (const e of page) all.set(e.eventId, e);
  return [...all.values()];
}

/** Invariant 1 (identical state everywhere, equal to a rebuild and to the reference model) and 2 (same events). */
export async function checkConvergence(world: World): Promise<string[]> {
  const spaceId = world.spaceId;
  const states = [
    ...(await Promise.all(world.devices.map((d) => readState(d.nodeId, d.store, spaceId)))),
    await readState('hub', world.hubStore, spaceId),
  ];
  const hub = states[states.length - 1] as StoreState;
  const problems: string[] = [];

  // Every event of the history: the hub's, or, once logs were compacted, every event any store
  // ever held (the world archived them before each compaction).
  const hubEvents = await everyEvent(world);
  const hubIds = new Set(hub.eventIds);
  const compacted = world.archive.size > 0;

  for (const s of states) {
    // 2. The same set of events, each once (compacted logs hold different subsets of them).
    const ids = new Set(s.eventIds);
    if (ids.size !== s.eventIds.length)
      problems.push(`${s.name}: ${s.eventIds.length - ids.size} duplicate event_ids`);
    const missing = [...hubIds].filter((id) => !ids.has(id));
    const extra = [...ids].filter((id) => !hubIds.has(id));
    if (
      !compacted &&
      (missing.length > 0 || extra.length > 0 || s.eventIds.length !== hub.eventIds.length)
    )
      problems.push(
        `${s.name}: ${s.eventIds.length} events vs hub ${hub.eventIds.length}; missing ${missing.length} (${missing.slice(0, 3).join(', ')}), extra ${extra.length}`,
      );

    // 1. Identical snapshots, and each equal to a rebuild from its own log.
    if (s !== hub) problems.push(...diffSnapshots(`${s.name} vs hub`, s.snapshots, hub.snapshots));
    const rebuilt = await s.store.rebuildSnapshots(spaceId);
    problems.push(
      ...diffSnapshots(
        `${s.name} snapshot vs rebuild`,
        s.snapshots,
        new Map([...rebuilt].map(([id, e]) => [id, canon(e)])),
      ),
    );

    // Frontier: every origin's events are 1..n with no gap, and the frontier says n.
    const frontier = await s.store.getFrontier(spaceId);
    const perOrigin = new Map<string, number>();
    for (const e of hubEvents)
      perOrigin.set(e.nodeId, Math.max(perOrigin.get(e.nodeId) ?? 0, e.seq));
    for (const [node, max] of perOrigin) {
      if (frontier[node] !== max)
        problems.push(`${s.name}: frontier of ${node} is ${frontier[node]}, max seq ${max}`);
    }
  }
  const counts = new Map<string, number>();
  for (const e of hubEvents) counts.set(e.nodeId, (counts.get(e.nodeId) ?? 0) + 1);
  for (const [node, n] of counts) {
    const max = Math.max(...hubEvents.filter((e) => e.nodeId === node).map((e) => e.seq));
    if (n !== max)
      problems.push(
        `hub: origin ${node} has ${n} events but max seq ${max} (a gap or a duplicate)`,
      );
  }

  // The state is the one DESIGN.md §3 defines from the set of events (a naive model, not the code).
  const byEntity = new Map<string, CrdtEvent[]>();
  for (const e of hubEvents) byEntity.set(e.entityId, [...(byEntity.get(e.entityId) ?? []), e]);
  for (const [entityId, events] of byEntity) {
    const expected = canonicalJson(referenceEntity(entityId, events) as unknown as Json);
    const got = hub.snapshots.get(entityId);
    if (got !== expected)
      problems.push(
        `hub: ${entityId} differs from the reference model:\n    ${short(String(got))}\n    ${short(expected)}`,
      );
    const entity = hub.entities.get(entityId);
    if (entity)
      problems.push(...entityProblems(entity, events).map((p) => `hub: ${entityId}: ${p}`));
  }
  if (byEntity.size !== hub.entities.size)
    problems.push(`hub: ${hub.entities.size} snapshots for ${byEntity.size} entities with events`);
  return problems;
}

/**
 * Invariant 2 of §8 (nothing lost): every content hash written is still the
 * file, a conflict, or in the file's history on every device; a version no
 * later version of the file dominates is a sibling (winner or conflict) everywhere.
 */
export async function checkNothingLost(world: World): Promise<string[]> {
  const problems: string[] = [];
  const spaceId = world.spaceId;
  const hubEvents = await everyEvent(world);
  const byId = new Map(hubEvents.map((e) => [e.eventId, e]));
  // Per device and file: its snapshot and the event ids of its history.
  const cache = new Map<
    string,
    { entity: FileEntity | undefined; history: Map<string, CrdtEvent> }
  >();
  const read = async (d: number, entityId: string) => {
    const key = `${d}\u0000${entityId}`;
    let hit = cache.get(key);
    if (!hit) {
      const store = world.device(d).store;
      hit = {
        entity: await store.getSnapshot(spaceId, entityId),
        history: new Map(
          (await store.eventsForEntity(spaceId, entityId)).map((e) => [e.eventId, e]),
        ),
      };
      cache.set(key, hit);
    }
    return hit;
  };
  for (const w of world.writes) {
    const written = byId.get(w.eventId);
    if (!written) {
      problems.push(
        `write of ${w.hash.slice(0, 8)} to ${w.entityId} (step #${w.step}, event ${w.eventId}) is not on the hub`,
      );
      continue;
    }
    const clock = VectorClock.from(written.vectorClock);
    const dominatedBy = hubEvents.find(
      (e) =>
        e.entityId === w.entityId &&
        writesVersion(e) &&
        VectorClock.from(e.vectorClock).dominates(clock),
    );
    for (const dev of world.devices) {
      const { entity, history } = await read(dev.index, w.entityId);
      const view = entity?.get();
      const shown = [view?.content?.hash, ...(view?.conflicts ?? []).map((c) => c.value?.hash)];
      const inHistory = history.get(w.eventId)?.data.content?.hash === w.hash;
      // Compaction may take a version out of history once a version older than its cutoff
      // superseded it: outside the history window, by the rule (store/compaction.ts).
      const compactedAway =
        world.compactedBeforeMs !== undefined &&
        hubEvents.some(
          (e) =>
            e.entityId === w.entityId &&
            writesVersion(e) &&
            parseHlc(e.hlc).wallMs < (world.compactedBeforeMs as number) &&
            VectorClock.from(e.vectorClock).dominates(clock),
        );
      if (!shown.includes(w.hash) && !inHistory && !compactedAway)
        problems.push(
          `${dev.nodeId}: content ${w.hash.slice(0, 8)} of ${w.entityId} (step #${w.step}) is unreachable`,
        );
      if (dominatedBy) continue;
      const isSibling = entity?.register.versions.some((v) => v.id === w.eventId) ?? false;
      if (!isSibling || !shown.includes(w.hash))
        problems.push(
          `${dev.nodeId}: undominated version ${w.eventId} (${w.hash.slice(0, 8)} of ${w.entityId}, step #${w.step}) is ${isSibling ? 'not shown as file or conflict' : 'not a sibling'}`,
        );
    }
  }
  return problems;
}

/** Invariant: one `crdt_sync_log` row per sync run, errors included; nothing left in quarantine. */
export async function checkSyncLogAndQuarantine(world: World): Promise<string[]> {
  const problems: string[] = [];
  for (const dev of world.devices) {
    const rows = await dev.store.client.query<{ n: number; errors: number }>(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE status = 'error')::int AS errors
       FROM crdt_sync_log WHERE space_id = $1`,
      [world.spaceId],
    );
    const n = Number(rows[0]?.n ?? -1);
    const errors = Number(rows[0]?.errors ?? -1);
    if (n !== dev.runs) problems.push(`${dev.nodeId}: ${n} sync log rows for ${dev.runs} runs`);
    if (errors !== dev.errorRuns)
      problems.push(`${dev.nodeId}: ${errors} error rows for ${dev.errorRuns} failed runs`);
    const pending = await dev.manager.quarantine.count(world.spaceId);
    if (pending !== 0) problems.push(`${dev.nodeId}: ${pending} events still in quarantine`);
  }
  return problems;
}
