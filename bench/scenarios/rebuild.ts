/** `rebuildStateFromEvents()` over a whole space: read the log, fold it, rewrite every snapshot. */
import { CRDTManager } from '../../src-main/core/crdtManager.js';
import type { EventStore } from '../../src-main/core/store/eventStore.js';
import { EventFactory, load } from '../support/events.js';
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
