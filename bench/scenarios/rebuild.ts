/**
 * `rebuildStateFromEvents()` over a whole space (read the log, fold it, rewrite every snapshot),
 * and the seed's own call, `rebuildStateFromEvents(path)`: one file's state from its events.
 */
import { CRDTManager } from '../../src-main/core/crdtManager.js';
import type { EventStore } from '../../src-main/core/store/eventStore.js';
import { canonicalJson, type Json } from '../../src-shared/json.js';
import { EventFactory, entityPath, load } from '../support/events.js';
import { median, perSecond, timed } from '../support/stats.js';

export interface RebuildResult {
  readonly events: number;
  readonly entities: number;
  readonly runs: number;
  readonly medianMs: number;
  readonly eventsPerSecond: number;
  /** Entities the last rebuild returned and snapshots it left. */
  readonly rebuiltEntities: number;
  readonly snapshots: number;
}

export async function benchRebuild(options: {
  readonly store: EventStore;
  readonly spaceId: string;
  readonly events: number;
  readonly entities: number;
  readonly runs: number;
  readonly warmupRuns: number;
}): Promise<RebuildResult> {
  const { store, spaceId, events, entities, runs } = options;
  const factory = new EventFactory({ spaceId, nodeId: 'bench-r', entities });
  const loaded = await load(store, factory.next(events));
  if (loaded !== events) throw new Error(`loaded ${loaded} of ${events} events`);
  const manager = await CRDTManager.open({ store, spaceId, nodeId: 'bench-r' });

  let rebuilt = 0;
  for (let r = 0; r < options.warmupRuns; r++) await manager.rebuildStateFromEvents();
  const ms: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t = await timed(() => manager.rebuildStateFromEvents());
    rebuilt = t.value.size;
    ms.push(t.ms);
  }
  return {
    events,
    entities,
    runs,
    medianMs: median(ms),
    eventsPerSecond: perSecond(events, median(ms)),
    rebuiltEntities: rebuilt,
    snapshots: (await store.countSnapshots(spaceId)).entities,
  };
}

/**
 * The seed's `rebuild_state_from_events(file_id)`: one file whose log holds `events` events (one
 * device's create and updates), rebuilt from them alone by `rebuildStateFromEvents(path)`.
 */
export async function benchRebuildOneFile(options: {
  readonly store: EventStore;
  readonly spaceId: string;
  readonly events: number;
  readonly runs: number;
  readonly warmupRuns: number;
}): Promise<RebuildResult> {
  const { store, spaceId, events, runs } = options;
  const factory = new EventFactory({ spaceId, nodeId: 'bench-r1', entities: 1 });
  const loaded = await load(store, factory.next(events));
  if (loaded !== events) throw new Error(`loaded ${loaded} of ${events} events`);
  const manager = await CRDTManager.open({ store, spaceId, nodeId: 'bench-r1' });
  const path = entityPath(0);
  // Key order aside (the snapshot went through JSONB), the rebuilt state must be the snapshot's.
  const canonical = (v: unknown) => canonicalJson(v as Json);
  const expected = canonical(await manager.getFileState(path));

  for (let r = 0; r < options.warmupRuns; r++) await manager.rebuildStateFromEvents(path);
  const ms: number[] = [];
  let rebuilt = 0;
  for (let r = 0; r < runs; r++) {
    const t = await timed(() => manager.rebuildStateFromEvents(path));
    // The rebuilt state must be the file's state, or the figure measures nothing useful.
    if (canonical(t.value.get(path)) !== expected)
      throw new Error(`rebuilding ${path} gave another state than its snapshot`);
    rebuilt = t.value.size;
    ms.push(t.ms);
  }
  return {
    events,
    entities: 1,
    runs,
    medianMs: median(ms),
    eventsPerSecond: perSecond(events, median(ms)),
    rebuiltEntities: rebuilt,
    snapshots: (await store.countSnapshots(spaceId)).entities,
  };
}
