/**
 * Sync as a device does it: device A holds fresh local events, its SyncEngine pushes them to the
 * hub, then device B's SyncEngine pulls them. Each run adds `events` new events to the same
 * space (the frontier delta is what is measured, not a first sync of everything).
 */
import { CRDTManager } from '../../src-main/core/crdtManager.js';
import type { EventStore } from '../../src-main/core/store/eventStore.js';
import { SyncEngine } from '../../src-main/core/syncEngine.js';
import { EventFactory, load } from '../support/events.js';
import { median, perSecond, timed } from '../support/stats.js';

export interface SyncResult {
  readonly events: number;
  readonly runs: number;
  /** Medians over the runs. */
  readonly pushMs: number;
  readonly pullMs: number;
  readonly totalMs: number;
  readonly pushEventsPerSecond: number;
  readonly pullEventsPerSecond: number;
  readonly totalEventsPerSecond: number;
  /** Events of the space on each store after the last run (warm-up included). */
  readonly deviceAEvents: number;
  readonly hubEvents: number;
  readonly deviceBEvents: number;
}

export async function benchSync(options: {
  readonly deviceA: EventStore;
  readonly hub: EventStore;
  readonly deviceB: EventStore;
  readonly spaceId: string;
  readonly events: number;
  readonly entities: number;
  readonly runs: number;
  /** Events of an untimed first run (0: none). */
  readonly warmupEvents: number;
}): Promise<SyncResult> {
  const { deviceA, hub, deviceB, spaceId, events, runs } = options;
  const factory = new EventFactory({ spaceId, nodeId: 'bench-a', entities: options.entities });
  const a = await CRDTManager.open({ store: deviceA, spaceId, nodeId: 'bench-a' });
  const b = await CRDTManager.open({ store: deviceB, spaceId, nodeId: 'bench-b' });
  const push = new SyncEngine({ manager: a, remote: hub });
  const pull = new SyncEngine({ manager: b, remote: hub });

  const once = async (count: number) => {
    await load(deviceA, factory.next(count));
    const pushed = await timed(() => push.pushSync());
    const pulled = await timed(() => pull.pullSync());
    for (const [what, report, moved] of [
      ['push', pushed.value, pushed.value.sent],
      ['pull', pulled.value, pulled.value.received],
    ] as const) {
      if (report.error !== null || moved !== count || report.quarantined.length > 0)
        throw new Error(
          `${what} moved ${moved} of ${count} events (error: ${report.error}, quarantined: ${report.quarantined.length})`,
        );
    }
    return { pushMs: pushed.ms, pullMs: pulled.ms };
  };

  try {
    if (options.warmupEvents > 0) await once(options.warmupEvents);
    const pushMs: number[] = [];
    const pullMs: number[] = [];
    const totalMs: number[] = [];
    for (let r = 0; r < runs; r++) {
      const t = await once(events);
      pushMs.push(t.pushMs);
      pullMs.push(t.pullMs);
      totalMs.push(t.pushMs + t.pullMs);
    }
    return {
      events,
      runs,
      pushMs: median(pushMs),
      pullMs: median(pullMs),
      totalMs: median(totalMs),
      pushEventsPerSecond: perSecond(events, median(pushMs)),
      pullEventsPerSecond: perSecond(events, median(pullMs)),
      totalEventsPerSecond: perSecond(events, median(totalMs)),
      deviceAEvents: await deviceA.countEvents(spaceId),
      hubEvents: await hub.countEvents(spaceId),
      deviceBEvents: await deviceB.countEvents(spaceId),
    };
  } finally {
    await push.close();
    await pull.close();
  }
}
