import fc from 'fast-check';
import { FileEntity } from '../../src-shared/crdt/fileEntity.js';
import { encodeHlc, HybridLogicalClock, parseHlc } from '../../src-shared/crdt/hlc.js';
import { VectorClock } from '../../src-shared/crdt/vectorClock.js';
import type { ContentRef, CrdtEvent, EventData } from '../../src-shared/events/event.js';
import { writesVersion } from '../../src-shared/events/event.js';
import { toWire, type EventWire } from '../../src-shared/events/eventSchema.js';
import type { Json } from '../../src-shared/json.js';

/**
 * A causally valid multi-device history, simulated: each device has its own
 * skewable physical clock, a HybridLogicalClock on top of it, a per-device seq
 * and a local FileEntity per file. A device stamps a write with
 * (its entity's clock).increment(itself) and its next HLC; devices hand random
 * subsets of what they know to each other (relays, duplicates and out-of-order
 * delivery included). A remote HLC too far ahead is quarantined and retried,
 * never dropped, as DESIGN.md §3 asks.
 *
 * The config is plain data so fast-check can print and shrink it; `simulate`
 * turns it into events deterministically.
 */

export const NODE_IDS = ['alpha', 'b', 'C3', 'delta-4'] as const;
export const ENTITY_IDS = ['docs/report.txt', 'notes/caf\u00e9.md'] as const;
export const SPACE_ID = 'space-1';
/** 2023-11-14T22:13:20Z: every device's physical clock starts near here. */
export const BASE_MS = 1_700_000_000_000;

export type WriteAction = 'content' | 'meta' | 'delete' | 'resolve';

export type SimOp =
  | {
      readonly kind: 'write';
      readonly device: number;
      readonly entity: number;
      readonly action: WriteAction;
      /** Index into a small content pool, so equal content on several devices happens often. */
      readonly content: number;
      readonly field: number;
      readonly value: number | null;
      /** Content writes also set a metadata field. */
      readonly withFields: boolean;
      /** Physical time passing on every device before the write. */
      readonly dtMs: number;
    }
  | { readonly kind: 'deliver'; readonly from: number; readonly to: number; readonly pick: number }
  | { readonly kind: 'clock'; readonly device: number; readonly deltaMs: number };

/** How a device builds a new event's vector clock (see `writeContext`). */
export type ContextMode = 'entity' | 'versions';

export interface SimConfig {
  readonly devices: number;
  readonly entities: number;
  /** Initial physical clock offset of each device from BASE_MS. */
  readonly skewsMs: readonly number[];
  readonly ops: readonly SimOp[];
  readonly context?: ContextMode;
}

export interface Device {
  readonly nodeId: string;
  physicalMs: number;
  readonly clock: HybridLogicalClock;
  seq: number;
  readonly entities: Map<string, FileEntity>;
  /** Every event this device has applied, by id. */
  readonly known: Map<string, CrdtEvent>;
  readonly quarantine: CrdtEvent[];
}

export interface History {
  readonly config: SimConfig;
  /** Every event written, in the order written. */
  readonly events: readonly CrdtEvent[];
  readonly devices: readonly Device[];
  readonly entityIds: readonly string[];
  /** For each version-writing event: ids of the versions its writer had applied when writing. */
  readonly seenAtWrite: ReadonlyMap<string, ReadonlySet<string>>;
  /** How many deliveries were refused with ClockAhead and quarantined. */
  readonly quarantined: number;
}

export const contentRef = (i: number): ContentRef => ({
  hash: ((i % 15) + 1).toString(16).repeat(64),
  size: 100 + i,
});

export const opArb = (devices: number, entities: number): fc.Arbitrary<SimOp> =>
  fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record({
        kind: fc.constant('write' as const),
        device: fc.nat(devices - 1),
        entity: fc.nat(entities - 1),
        action: fc.constantFrom<WriteAction>(
          'content',
          'content',
          'meta',
          'delete',
          'resolve',
          'resolve',
        ),
        content: fc.nat(3),
        field: fc.nat(2),
        value: fc.option(fc.nat(9), { nil: null }),
        withFields: fc.boolean(),
        dtMs: fc.nat(3),
      }),
    },
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constant('deliver' as const),
        from: fc.nat(devices - 1),
        to: fc.nat(devices - 1),
        pick: fc.nat(),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('clock' as const),
        device: fc.nat(devices - 1),
        // Backwards jumps, and forward jumps past the 5-minute bound.
        deltaMs: fc.integer({ min: -180_000, max: 420_000 }),
      }),
    },
  );

export interface ConfigArbOptions {
  readonly maxOps?: number;
  readonly entities?: number;
  readonly context?: ContextMode;
}

export const configArb = (options: ConfigArbOptions = {}): fc.Arbitrary<SimConfig> =>
  fc
    .record({
      devices: fc.integer({ min: 2, max: 4 }),
      entities: fc.integer({ min: 1, max: options.entities ?? 2 }),
    })
    .chain(({ devices, entities }) =>
      fc.record({
        devices: fc.constant(devices),
        entities: fc.constant(entities),
        skewsMs: fc.array(fc.integer({ min: -600_000, max: 600_000 }), {
          minLength: devices,
          maxLength: devices,
        }),
        ops: fc.array(opArb(devices, entities), {
          minLength: 1,
          maxLength: options.maxOps ?? 40,
          size: 'max',
        }),
        context: fc.constant(options.context ?? 'entity'),
      }),
    );

/** Small deterministic PRNG (mulberry32), so a delivery's subset and order follow from its `pick`. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/**
 * The vector clock a device stamps on its next event for an entity.
 * - `entity` (CrdtManager's default today, and the brief's): the entity's clock, which
 *   also counts metadata-only events, plus one for the writer.
 * - `versions`: the clocks of the versions the device actually holds, plus its
 *   own count, plus one. A write then only dominates versions its writer had.
 */
export function writeContext(entity: FileEntity, nodeId: string, mode: ContextMode): VectorClock {
  if (mode === 'entity') return entity.clock.increment(nodeId);
  return entity.register
    .clock()
    .merge(VectorClock.from({ [nodeId]: entity.clock.countOf(nodeId) }))
    .increment(nodeId);
}

export function simulate(config: SimConfig): History {
  const mode = config.context ?? 'entity';
  const entityIds = ENTITY_IDS.slice(0, config.entities);
  const devices: Device[] = [];
  for (let i = 0; i < config.devices; i++) {
    const nodeId = NODE_IDS[i] as string;
    const device: Device = {
      nodeId,
      physicalMs: BASE_MS + (config.skewsMs[i] ?? 0),
      clock: undefined as unknown as HybridLogicalClock,
      seq: 0,
      entities: new Map(),
      known: new Map(),
      quarantine: [],
    };
    (device as { clock: HybridLogicalClock }).clock = new HybridLogicalClock({
      nodeId,
      now: () => device.physicalMs,
    });
    devices.push(device);
  }
  const events: CrdtEvent[] = [];
  const seenAtWrite = new Map<string, ReadonlySet<string>>();
  let quarantined = 0;

  const deviceAt = (i: number): Device => devices[i % devices.length] as Device;

  const applyAt = (device: Device, event: CrdtEvent): void => {
    const entity = device.entities.get(event.entityId) ?? FileEntity.empty(event.entityId);
    device.entities.set(event.entityId, entity.apply(event));
    device.known.set(event.eventId, event);
  };

  const receiveAt = (device: Device, event: CrdtEvent): boolean => {
    const remote = parseHlc(event.hlc);
    // Asking first keeps retries cheap (no error objects); `receive` must then agree.
    if (device.clock.isTooFarAhead(remote)) {
      if (!device.quarantine.some((e) => e.eventId === event.eventId))
        device.quarantine.push(event);
      quarantined++;
      return false;
    }
    const received = device.clock.receive(remote);
    if (!received.ok) throw received.error;
    applyAt(device, event);
    return true;
  };

  const retryQuarantine = (device: Device): void => {
    const held = device.quarantine.splice(0);
    for (const event of held) receiveAt(device, event);
  };

  const write = (op: Extract<SimOp, { kind: 'write' }>): void => {
    for (const d of devices) d.physicalMs += op.dtMs;
    const device = deviceAt(op.device);
    const entityId = entityIds[op.entity % entityIds.length] as string;
    const entity = device.entities.get(entityId) ?? FileEntity.empty(entityId);
    const view = entity.get();
    const fields: Record<string, Json> = { [`f${op.field}`]: op.value };
    const content = contentRef(op.content);
    let kind: CrdtEvent['kind'];
    let data: EventData;
    let action = op.action;
    if (!view.exists && (action === 'meta' || action === 'delete')) action = 'content';
    if (action === 'resolve' && entity.register.versions.length < 2) action = 'content';
    switch (action) {
      case 'content':
        kind = view.exists ? 'FileUpdated' : 'FileCreated';
        data = op.withFields ? { content, fields } : { content };
        break;
      case 'meta':
        kind = 'FileUpdated';
        data = { fields };
        break;
      case 'delete':
        kind = 'FileDeleted';
        data = {};
        break;
      case 'resolve': {
        const siblings = entity.register.versions;
        const kept = (siblings[op.content % siblings.length] as (typeof siblings)[number]).value;
        kind = 'ConflictResolved';
        data = { content: kept, resolves: siblings.map((v) => v.id) };
        break;
      }
      default: {
        const never: never = action;
        throw new Error(`unhandled action ${String(never)}`);
      }
    }
    const vectorClock = writeContext(entity, device.nodeId, mode).toJSON();
    const hlc = encodeHlc(device.clock.tick());
    device.seq += 1;
    // Built in its parsed form directly (parsing every write would dominate the
    // run time); eventSchema.unit.test.ts checks that simulated events parse to themselves.
    const event: CrdtEvent = {
      eventId: `${device.nodeId}:${device.seq}`,
      spaceId: SPACE_ID,
      entityId,
      kind,
      data,
      timestamp: new Date(device.physicalMs).toISOString(),
      hlc,
      nodeId: device.nodeId,
      seq: device.seq,
      vectorClock,
    };
    if (writesVersion(event)) {
      const held: string[] = [];
      for (const e of device.known.values())
        if (e.entityId === entityId && writesVersion(e)) held.push(e.eventId);
      seenAtWrite.set(event.eventId, new Set(held));
    }
    applyAt(device, event);
    events.push(event);
  };

  for (const op of config.ops) {
    for (const d of devices) retryQuarantine(d);
    switch (op.kind) {
      case 'write':
        write(op);
        break;
      case 'deliver': {
        const from = deviceAt(op.from);
        const to = deviceAt(op.to);
        const random = prng(op.pick);
        // A quarter of deliveries are a full sync; the rest a random subset, in random order.
        const all = op.pick % 4 === 0;
        const batch = shuffle(
          [...from.known.values()].filter(() => all || random() < 0.5),
          random,
        );
        for (const event of batch) receiveAt(to, event);
        break;
      }
      case 'clock': {
        const device = deviceAt(op.device);
        device.physicalMs = Math.max(0, device.physicalMs + op.deltaMs);
        break;
      }
      default: {
        const never: never = op;
        throw new Error(`unhandled op ${JSON.stringify(never)}`);
      }
    }
  }
  return { config, events, devices, entityIds, seenAtWrite, quarantined };
}

/**
 * Heals the partition: clocks are put right (every physical clock jumps to the
 * latest one, so nothing is quarantined any more) and every device receives
 * every event, in a random order.
 */
export function syncAll(history: History, seed: number): void {
  const random = prng(seed);
  const latest = Math.max(
    ...history.devices.map((d) => d.physicalMs),
    ...history.devices.map((d) => d.clock.current().wallMs),
  );
  for (const device of history.devices) {
    device.physicalMs = latest;
    device.quarantine.splice(0);
    for (const event of shuffle(history.events, random)) {
      const received = device.clock.receive(parseHlc(event.hlc));
      if (!received.ok) throw received.error;
      const entity = device.entities.get(event.entityId) ?? FileEntity.empty(event.entityId);
      device.entities.set(event.entityId, entity.apply(event));
      device.known.set(event.eventId, event);
    }
  }
}

export const eventsOf = (events: readonly CrdtEvent[], entityId: string): CrdtEvent[] =>
  events.filter((e) => e.entityId === entityId);

export const toWireAll = (events: readonly CrdtEvent[]): EventWire[] => events.map(toWire);
