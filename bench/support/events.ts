/**
 * Synthetic events shaped exactly like the ones CRDTManager writes: one origin device, seq
 * 1, 2, 3, … with no gap, an HLC from a real clock, and per entity a version vector that counts
 * the origin's writes to it. The first event of an entity creates it, later ones write new
 * content; every event also sets an `mtime` field. Loading 100,000 such events through
 * `EventStore.append` takes seconds, where 100,000 `createFileState` calls would take minutes.
 */
import { createHash, randomUUID } from 'node:crypto';
import { HybridLogicalClock, encodeHlc } from '../../src-shared/crdt/hlc.js';
import type { CrdtEvent } from '../../src-shared/events/event.js';
import type { EventStore } from '../../src-main/core/store/eventStore.js';

export interface EventFactoryOptions {
  readonly spaceId: string;
  readonly nodeId: string;
  /** Events cycle over this many entities (files). */
  readonly entities: number;
}

export class EventFactory {
  readonly spaceId: string;
  readonly nodeId: string;
  readonly entities: number;
  private readonly clock: HybridLogicalClock;
  private readonly writesPerEntity = new Map<string, number>();
  private seq = 0;

  constructor(options: EventFactoryOptions) {
    if (!Number.isSafeInteger(options.entities) || options.entities < 1)
      throw new Error(`entities must be a positive integer, got ${options.entities}`);
    this.spaceId = options.spaceId;
    this.nodeId = options.nodeId;
    this.entities = options.entities;
    this.clock = new HybridLogicalClock({ nodeId: options.nodeId });
  }

  /** The next `count` events of this origin (continuing its seq and per-entity clocks). */
  next(count: number): CrdtEvent[] {
    const out: CrdtEvent[] = [];
    for (let i = 0; i < count; i++) {
      const seq = ++this.seq;
      const entityId = entityPath((seq - 1) % this.entities);
      const writes = (this.writesPerEntity.get(entityId) ?? 0) + 1;
      this.writesPerEntity.set(entityId, writes);
      const hlc = this.clock.tick();
      out.push({
        eventId: randomUUID(),
        spaceId: this.spaceId,
        entityId,
        kind: writes === 1 ? 'FileCreated' : 'FileUpdated',
        data: {
          content: { hash: contentHash(this.nodeId, seq), size: 1024 + (seq % 4096) },
          fields: { mtime: hlc.wallMs },
        },
        timestamp: new Date(hlc.wallMs).toISOString(),
        hlc: encodeHlc(hlc),
        nodeId: this.nodeId,
        seq,
        vectorClock: { [this.nodeId]: writes },
      });
    }
    return out;
  }
}

/** `docs/d07/file-000123.txt`: spread over folders like a real tree. */
export const entityPath = (index: number): string =>
  `docs/d${String(index % 100).padStart(2, '0')}/file-${String(index).padStart(6, '0')}.txt`;

const contentHash = (nodeId: string, seq: number): string =>
  createHash('sha256').update(`${nodeId}:${seq}`).digest('hex');

/** Appends events in batches (setup, not measured). Returns how many were new to the store. */
export async function load(
  store: EventStore,
  events: readonly CrdtEvent[],
  batch = 5_000,
): Promise<number> {
  let inserted = 0;
  for (let i = 0; i < events.length; i += batch) {
    inserted += (await store.append(events.slice(i, i + batch))).inserted.length;
  }
  return inserted;
}
