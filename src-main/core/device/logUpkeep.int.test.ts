import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeHlc } from '../../../src-shared/crdt/hlc.js';
import type { CrdtEvent } from '../../../src-shared/events/event.js';
import { DAY_MS } from '../store/compaction.js';
import { EventStore } from '../store/eventStore.js';
import { openPgliteClient } from '../store/pgliteClient.js';
import { SyncLog } from '../store/syncLog.js';
import { LogUpkeep } from './logUpkeep.js';

/**
 * A running device's log compaction: the history window from its config, and its own events
 * only as far as the hub acknowledged them (the sync log's record of the hub's frontier).
 */

const DAY0 = Date.UTC(2026, 0, 1);
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

/** One origin editing one file `count` times, a day apart, from DAY0. */
function edits(space: string, node: string, entity: string, count: number): CrdtEvent[] {
  return Array.from({ length: count }, (_, i) => {
    const wallMs = DAY0 + i * DAY_MS;
    return {
      eventId: randomUUID(),
      spaceId: space,
      entityId: entity,
      kind: i === 0 ? 'FileCreated' : 'FileUpdated',
      data: { content: { hash: sha(`${node}${i}`), size: 3 } },
      timestamp: new Date(wallMs).toISOString(),
      hlc: encodeHlc({ wallMs, counter: 0, nodeId: node }),
      nodeId: node,
      seq: i + 1,
      vectorClock: { [node]: i + 1 },
    } satisfies CrdtEvent;
  });
}

let store: EventStore;
beforeAll(async () => {
  store = await EventStore.open(await openPgliteClient());
});
afterAll(async () => {
  await store?.close();
});

describe('LogUpkeep', () => {
  it('compacts others’ events by the window, and its own only as far as the hub holds them', async () => {
    const space = `s-${randomUUID().slice(0, 8)}`;
    // Six edits each, days 0..5; 40 days later with a 30-day window, all are old.
    await store.append([
      ...edits(space, 'me', 'mine.txt', 6),
      ...edits(space, 'peer', 'theirs.txt', 6),
    ]);
    const upkeep = () =>
      new LogUpkeep({
        store,
        spaceId: space,
        nodeId: 'me',
        historyDays: () => 30,
        now: () => DAY0 + 40 * DAY_MS,
      });
    // No sync yet: none of this device's own events may go; the peer's 1..5 go (6 is current).
    expect(await upkeep().compact()).toEqual({ entities: 1, pruned: 5 });
    expect(await store.eventIdAt(space, 'me', 1)).toBeDefined();

    await new SyncLog(store.client).record({
      spaceId: space,
      nodeId: 'me',
      peer: 'hub',
      direction: 'push',
      eventsSent: 3,
      eventsReceived: 0,
      eventsQuarantined: 0,
      durationMs: 1,
      status: 'ok',
      error: null,
      peerFrontier: { me: 3, peer: 6 },
    });
    // The hub holds 1..3 of this device's: those go, 4 and 5 wait for the hub.
    expect(await upkeep().compact()).toEqual({ entities: 1, pruned: 3 });
    expect(await store.eventIdAt(space, 'me', 3)).toBeUndefined();
    expect(await store.eventIdAt(space, 'me', 4)).toBeDefined();
  });

  it('keeps everything within a longer window', async () => {
    const space = `s-${randomUUID().slice(0, 8)}`;
    await store.append(edits(space, 'peer', 'theirs.txt', 6));
    const upkeep = new LogUpkeep({
      store,
      spaceId: space,
      nodeId: 'me',
      historyDays: () => 60,
      now: () => DAY0 + 40 * DAY_MS,
    });
    expect(await upkeep.compact()).toEqual({ entities: 0, pruned: 0 });
  });
});
