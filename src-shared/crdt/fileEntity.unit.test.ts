import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import {
  entityProblems,
  happenedBefore,
  referenceEntity,
  sameJson,
} from '../../test/support/crdtReference.js';
import {
  configArb,
  contentRef,
  eventsOf,
  prng,
  shuffle,
  simulate,
  syncAll,
  writeContext,
  type ContextMode,
  type History,
} from '../../test/support/crdtSimulation.js';
import { checkProperty, FC_SEED, PROPERTY_TIMEOUT_MS } from '../../test/support/fastCheck.js';
import type { CrdtEvent, EventData } from '../events/event.js';
import { writesVersion } from '../events/event.js';
import { parseEvent } from '../events/eventSchema.js';
import { toStoredType } from '../events/eventTypes.js';
import { FileEntity, type FileEntityJson } from './fileEntity.js';
import { encodeHlc, HybridLogicalClock, parseHlc } from './hlc.js';
import { VectorClock } from './vectorClock.js';

/**
 * Convergence and the file rules of DESIGN.md §3, on simulated multi-device
 * histories (test/support/crdtSimulation.ts): skewed and backwards physical
 * clocks, partial and duplicated delivery, deletes, metadata-only updates and
 * conflict resolutions. Seeded: replay a failure with the FC_SEED it prints.
 */
const check = checkProperty(import.meta.url);
vi.setConfig({ testTimeout: PROPERTY_TIMEOUT_MS });

const historyArb = (maxOps = 40) => fc.tuple(configArb({ maxOps }), fc.nat());

describe(`FileEntity convergence (seed ${FC_SEED})`, () => {
  it('equals a naive model of the event set, and keeps every rule of §3', () => {
    check(
      fc.property(historyArb(), ([config]) => {
        const history = simulate(config);
        for (const entityId of history.entityIds) {
          const events = eventsOf(history.events, entityId);
          const state = FileEntity.fromEvents(entityId, events);
          const model = referenceEntity(entityId, events);
          if (!sameJson(state.toJSON(), model)) expect(state.toJSON()).toEqual(model);
          expect(entityProblems(state, events)).toEqual([]);
          // Every replica is the model of the events it holds, whatever order they came in.
          for (const device of history.devices) {
            const held = [...device.known.values()].filter((e) => e.entityId === entityId);
            const replica = device.entities.get(entityId) ?? FileEntity.empty(entityId);
            const heldModel = referenceEntity(entityId, held);
            if (!sameJson(replica.toJSON(), heldModel)) expect(replica.toJSON()).toEqual(heldModel);
            const problems = entityProblems(replica, held);
            if (problems.length > 0) expect(problems).toEqual([]);
          }
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('any permutation of the events, with duplicates, gives an equal state', () => {
    check(
      fc.property(historyArb(), ([config, seed]) => {
        const history = simulate(config);
        const random = prng(seed);
        for (const entityId of history.entityIds) {
          const events = eventsOf(history.events, entityId);
          const inOrder = FileEntity.fromEvents(entityId, events);
          const withDuplicates = events.flatMap((e) => (random() < 0.3 ? [e, e] : [e]));
          for (let i = 0; i < 3; i++) {
            const shuffled = FileEntity.fromEvents(entityId, shuffle(withDuplicates, random));
            expect(shuffled.equals(inOrder)).toBe(true);
          }
          // Re-applying what a state already holds changes nothing.
          expect(events.reduce((s, e) => s.apply(e), inOrder).equals(inOrder)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('merging the replicas in any order and grouping gives the state of all events', () => {
    check(
      fc.property(historyArb(), ([config, seed]) => {
        const history = simulate(config);
        const random = prng(seed);
        for (const entityId of history.entityIds) {
          const expected = FileEntity.fromEvents(entityId, eventsOf(history.events, entityId));
          const replicas = history.devices.map(
            (d) => d.entities.get(entityId) ?? FileEntity.empty(entityId),
          );
          // Every event is held by at least its writer, so the replicas together hold them all.
          const folded = shuffle(replicas, random).reduce(
            (acc, r) => acc.merge(r),
            FileEntity.empty(entityId),
          );
          expect(folded.equals(expected)).toBe(true);
          expect(mergeAsTree(shuffle(replicas, random), random).equals(expected)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('after every device has every event, all replicas are equal', () => {
    check(
      fc.property(historyArb(), ([config, seed]) => {
        const history = simulate(config);
        syncAll(history, seed);
        for (const entityId of history.entityIds) {
          const expected = FileEntity.fromEvents(entityId, eventsOf(history.events, entityId));
          for (const device of history.devices) {
            const replica = device.entities.get(entityId) ?? FileEntity.empty(entityId);
            expect(replica.equals(expected)).toBe(true);
            expect(replica.get()).toEqual(expected.get());
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('reaches conflicts, tombstones, lost deletes, resolutions and quarantine often enough to mean something', () => {
    const seen = {
      conflicts: 0,
      gone: 0,
      lostDeletes: 0,
      identical: 0,
      resolved: 0,
      quarantined: 0,
      metadata: 0,
    };
    check(
      fc.property(historyArb(), ([config]) => {
        const history = simulate(config);
        if (history.quarantined > 0) seen.quarantined++;
        if (history.events.some((e) => e.kind === 'ConflictResolved')) seen.resolved++;
        if (history.events.some((e) => e.kind === 'FileUpdated' && !writesVersion(e)))
          seen.metadata++;
        for (const entityId of history.entityIds) {
          const view = FileEntity.fromEvents(entityId, eventsOf(history.events, entityId));
          const live = view.register.versions.filter((v) => v.value !== null);
          if (view.get().conflicts.length > 0) seen.conflicts++;
          if (!view.get().exists) seen.gone++;
          if (view.get().lostDeletes.length > 0) seen.lostDeletes++;
          if (new Set(live.map((v) => v.value?.hash)).size < live.length) seen.identical++;
        }
      }),
      { numRuns: 300 },
    );
    for (const [what, count] of Object.entries(seen)) expect(count, what).toBeGreaterThan(10);
  });
});

describe('FileEntity rules', () => {
  it('nothing lost: every version no later version dominates is the file, a conflict copy or a lost delete', () => {
    check(
      fc.property(historyArb(), ([config, seed]) => {
        const history = simulate(config);
        syncAll(history, seed);
        const versionEvents = history.events.filter(writesVersion);
        for (const device of history.devices) {
          for (const entityId of history.entityIds) {
            const view = (device.entities.get(entityId) ?? FileEntity.empty(entityId)).get();
            const reachable = new Set([
              view.winner?.id,
              ...view.conflicts.map((v) => v.id),
              ...view.lostDeletes.map((v) => v.id),
            ]);
            const hashes = new Set([
              view.content?.hash,
              ...view.conflicts.map((v) => v.value?.hash),
            ]);
            for (const v of versionEvents.filter((e) => e.entityId === entityId)) {
              const dominated = versionEvents.some(
                (w) => w.entityId === entityId && happenedBefore(v.vectorClock, w.vectorClock),
              );
              if (dominated) continue;
              const content = v.kind === 'FileDeleted' ? null : (v.data.content ?? null);
              if (content) expect(hashes.has(content.hash), `hash of ${v.eventId}`).toBe(true);
              else if (view.exists)
                expect(reachable.has(v.eventId), `lost delete ${v.eventId}`).toBe(true);
            }
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('a resolution whose clock dominates every sibling collapses them to one version everywhere', () => {
    let collapsed = 0;
    check(
      fc.property(historyArb(30), fc.nat(3), fc.nat(), ([config, seed], resolverIndex, pick) => {
        const history = simulate(config);
        syncAll(history, seed);
        const entityId = history.entityIds[0] as string;
        const resolver = history.devices[
          resolverIndex % history.devices.length
        ] as History['devices'][number];
        const before = resolver.entities.get(entityId) ?? FileEntity.empty(entityId);
        const siblings = before.register.versions;
        if (siblings.length < 2) return;
        const kept = siblings[pick % siblings.length]?.value ?? null;
        const resolution = writeEvent(history, resolver, entityId, 'ConflictResolved', {
          content: kept,
          resolves: siblings.map((v) => v.id),
        });
        for (const device of history.devices) {
          const state = (device.entities.get(entityId) ?? FileEntity.empty(entityId)).apply(
            resolution,
          );
          expect(state.register.versions.map((v) => v.id)).toEqual([resolution.eventId]);
          expect(state.get().conflicts).toEqual([]);
          expect(state.get().exists).toBe(kept !== null);
          expect(state.get().content).toEqual(kept);
          expect(state.equals(before.apply(resolution))).toBe(true);
        }
        collapsed++;
      }),
      { numRuns: 300 },
    );
    expect(collapsed).toBeGreaterThan(30);
  });

  it('a version dominated by an applied resolution never comes back', () => {
    check(
      fc.property(historyArb(), ([config]) => {
        const history = simulate(config);
        for (const entityId of history.entityIds) {
          const events = eventsOf(history.events, entityId);
          const state = FileEntity.fromEvents(entityId, events);
          for (const r of events.filter((e) => e.kind === 'ConflictResolved')) {
            for (const v of state.register.versions)
              expect(happenedBefore(v.clock, r.vectorClock)).toBe(false);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a modify concurrent with a delete keeps the file, whatever the clocks say', () => {
    check(
      fc.property(
        fc.integer({ min: -240_000, max: 240_000 }),
        fc.integer({ min: -240_000, max: 240_000 }),
        fc.boolean(),
        fc.nat(),
        (skewA, skewB, thirdDeletes, seed) => {
          const sim = new Sim(['A', 'B', 'C'], [skewA, skewB, 0]);
          const created = sim.write('A', 'FileCreated', { content: contentRef(0) });
          sim.deliver(created, 'B', 'C');
          const deleted = sim.write('A', 'FileDeleted', {});
          const modified = sim.write('B', 'FileUpdated', { content: contentRef(1) });
          const events = [created, deleted, modified];
          if (thirdDeletes) events.push(sim.write('C', 'FileDeleted', {}));
          const state = FileEntity.fromEvents('f.txt', shuffle(events, prng(seed)));
          const view = state.get();
          expect(view.exists).toBe(true);
          expect(view.content).toEqual(contentRef(1));
          expect(view.conflicts).toEqual([]);
          expect(view.lostDeletes.map((v) => v.id).sort()).toEqual(
            thirdDeletes ? [deleted.eventId, `C:1`].sort() : [deleted.eventId],
          );
          expect(entityProblems(state, events)).toEqual([]);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('the file is gone once every sibling is a tombstone', () => {
    const sim = new Sim(['A', 'B'], [0, 0]);
    const created = sim.write('A', 'FileCreated', { content: contentRef(0) });
    sim.deliver(created, 'B');
    const byA = sim.write('A', 'FileDeleted', {});
    const byB = sim.write('B', 'FileDeleted', {});
    const view = FileEntity.fromEvents('f.txt', [byB, created, byA]).get();
    expect(view.exists).toBe(false);
    expect(view.content).toBeNull();
    expect(view.conflicts).toEqual([]);
    expect(view.lostDeletes).toEqual([]);
    // Both tombstones stay siblings; the newest by (hlc, node) is the one shown.
    expect(FileEntity.fromEvents('f.txt', [byA, byB]).register.versions).toHaveLength(2);
    expect(view.winner?.id).toBe(byA.hlc > byB.hlc ? byA.eventId : byB.eventId);
  });

  it('siblings with identical content are one version, not a conflict', () => {
    check(
      fc.property(fc.integer({ min: 2, max: 4 }), fc.nat(), fc.nat(3), (writers, seed, c) => {
        const nodes = ['A', 'B', 'C', 'D'].slice(0, writers);
        const sim = new Sim(
          nodes,
          nodes.map((_, i) => i * 7),
        );
        const created = sim.write('A', 'FileCreated', { content: contentRef(9) });
        sim.deliver(created, ...nodes.slice(1));
        const same = nodes.map((n) => sim.write(n, 'FileUpdated', { content: contentRef(c) }));
        const state = FileEntity.fromEvents('f.txt', shuffle([created, ...same], prng(seed)));
        expect(state.register.versions).toHaveLength(writers);
        expect(state.get().conflicts).toEqual([]);
        expect(state.get().content).toEqual(contentRef(c));
      }),
      { numRuns: 200 },
    );
  });

  it('metadata merges per field by LWW, apart from the content register', () => {
    const sim = new Sim(['A', 'B'], [0, 1000]);
    const created = sim.write('A', 'FileCreated', {
      content: contentRef(0),
      fields: { mode: 420 },
    });
    sim.deliver(created, 'B');
    const byA = sim.write('A', 'FileUpdated', { fields: { mode: 493, tag: 'a' } });
    const byB = sim.write('B', 'FileUpdated', { fields: { tag: 'b' } });
    const state = FileEntity.fromEvents('f.txt', [byB, byA, created]);
    expect(state.register.versions.map((v) => v.id)).toEqual([created.eventId]);
    // B's physical clock is a second ahead, so its concurrent write to `tag` wins.
    expect(state.get().fields).toEqual({ mode: 493, tag: 'b' });
    expect(state.get().lastChange?.eventId).toBe(byB.eventId);
  });

  it('rebuilds an equal state from its snapshot JSON', () => {
    check(
      fc.property(historyArb(), ([config]) => {
        const history = simulate(config);
        for (const device of history.devices) {
          for (const state of device.entities.values()) {
            const restored = FileEntity.fromJSON(
              JSON.parse(JSON.stringify(state.toJSON())) as FileEntityJson,
            );
            expect(restored.equals(state)).toBe(true);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('refuses an event for another entity', () => {
    const sim = new Sim(['A'], [0]);
    const e = sim.write('A', 'FileCreated', { content: contentRef(0) });
    expect(() => FileEntity.empty('other.txt').apply(e)).toThrow(/not other\.txt/);
  });
});

/**
 * Findings for src-main (not bugs of FileEntity itself). A metadata-only event
 * carries the causal past of its writer in its vector clock, but brings no
 * version with it. A device that holds such an event without the version it
 * follows (out-of-order or quarantined delivery) therefore has an entity clock
 * that claims more than its register holds.
 */
describe('write context (for src-main)', () => {
  function scenario(mode: ContextMode) {
    const sim = new Sim(['A', 'B', 'C'], [0, 0, 0], mode);
    const v1 = sim.write('A', 'FileCreated', { content: contentRef(1) });
    sim.deliver(v1, 'B');
    const meta = sim.write('B', 'FileUpdated', { fields: { mode: 420 } });
    sim.deliver(meta, 'C'); // C gets B's chmod, but not A's file (yet).
    const v2 = sim.write('C', 'FileCreated', { content: contentRef(2) });
    return { v1, v2, state: FileEntity.fromEvents('f.txt', [v1, meta, v2]), sim };
  }

  it('stamping writes with entity.clock lets a device supersede a version it never had', () => {
    const { v1, v2, state } = scenario('entity');
    // C never saw content 1, yet its create dominates it: no conflict is shown.
    expect(state.register.versions.map((v) => v.id)).toEqual([v2.eventId]);
    expect(state.get().conflicts).toEqual([]);
    expect(happenedBefore(v1.vectorClock, v2.vectorClock)).toBe(true);
  });

  it('stamping writes with the clocks of held versions keeps the unseen version as a conflict', () => {
    const { v1, v2, state } = scenario('versions');
    expect(state.register.versions.map((v) => v.id).sort()).toEqual(
      [v1.eventId, v2.eventId].sort(),
    );
    expect(state.get().conflicts.map((v) => v.id)).toHaveLength(1);
  });

  it('with held-version contexts, a version is only ever superseded by a writer that had it', () => {
    check(
      fc.property(fc.tuple(configArb({ context: 'versions' }), fc.nat()), ([config, seed]) => {
        const history = simulate(config);
        syncAll(history, seed);
        const kept = new Set(
          history.entityIds.flatMap(
            (id) => history.devices[0]?.entities.get(id)?.register.versions.map((v) => v.id) ?? [],
          ),
        );
        const seenBySomeWriter = new Set([...history.seenAtWrite.values()].flatMap((s) => [...s]));
        for (const v of history.events.filter(writesVersion)) {
          if (!kept.has(v.eventId))
            expect(seenBySomeWriter.has(v.eventId), `${v.eventId} superseded unseen`).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('an event the entity clock already covers can still change the state: dedupe by event id, not by clock', () => {
    const sim = new Sim(['A', 'B', 'C'], [0, 0, 0]);
    const v1 = sim.write('A', 'FileCreated', { content: contentRef(1), fields: { mode: 420 } });
    sim.deliver(v1, 'B');
    const meta = sim.write('B', 'FileUpdated', { fields: { tag: 'x' } });
    const atC = FileEntity.empty('f.txt').apply(meta);
    // C's entity clock already dominates v1, yet C does not have v1.
    expect(atC.clock.dominates(VectorClock.from(v1.vectorClock))).toBe(true);
    const after = atC.apply(v1);
    expect(after.equals(atC)).toBe(false);
    expect(after.get().exists).toBe(true);
    expect(after.get().fields).toEqual({ mode: 420, tag: 'x' });
  });
});

/** Merges states pairwise in a random tree shape. */
function mergeAsTree(states: FileEntity[], random: () => number): FileEntity {
  if (states.length === 1) return states[0] as FileEntity;
  const cut = 1 + Math.floor(random() * (states.length - 1));
  return mergeAsTree(states.slice(0, cut), random).merge(mergeAsTree(states.slice(cut), random));
}

/** Appends one event written by `device` to a simulated history, as the simulation does. */
function writeEvent(
  history: History,
  device: History['devices'][number],
  entityId: string,
  kind: CrdtEvent['kind'],
  data: EventData,
): CrdtEvent {
  const entity = device.entities.get(entityId) ?? FileEntity.empty(entityId);
  device.seq += 1;
  const parsed = parseEvent({
    event_id: `${device.nodeId}:${device.seq}`,
    space_id: 'space-1',
    entity_id: entityId,
    event_type: toStoredType(kind),
    data,
    timestamp: new Date(device.physicalMs).toISOString(),
    hlc: encodeHlc(device.clock.tick()),
    node_id: device.nodeId,
    seq: device.seq,
    vector_clock: entity.clock.increment(device.nodeId).toJSON(),
  });
  if (!parsed.ok) throw parsed.error;
  device.entities.set(entityId, entity.apply(parsed.value));
  return parsed.value;
}

/** A tiny hand-driven version of the simulation for scenario tests, on one file `f.txt`. */
class Sim {
  private readonly devices = new Map<
    string,
    { clock: HybridLogicalClock; physical: number; seq: number; state: FileEntity }
  >();

  constructor(
    nodes: readonly string[],
    skewsMs: readonly number[],
    private readonly mode: ContextMode = 'entity',
  ) {
    nodes.forEach((node, i) => {
      const device = {
        clock: undefined as unknown as HybridLogicalClock,
        physical: 1_700_000_000_000 + (skewsMs[i] ?? 0),
        seq: 0,
        state: FileEntity.empty('f.txt'),
      };
      device.clock = new HybridLogicalClock({
        nodeId: node,
        now: () => device.physical,
        maxAheadMs: Number.MAX_SAFE_INTEGER,
      });
      this.devices.set(node, device);
    });
  }

  write(node: string, kind: CrdtEvent['kind'], data: EventData): CrdtEvent {
    const d = this.devices.get(node);
    if (!d) throw new Error(`no device ${node}`);
    d.physical += 1;
    d.seq += 1;
    const parsed = parseEvent({
      event_id: `${node}:${d.seq}`,
      space_id: 'space-1',
      entity_id: 'f.txt',
      event_type: toStoredType(kind),
      data,
      timestamp: new Date(d.physical).toISOString(),
      hlc: encodeHlc(d.clock.tick()),
      node_id: node,
      seq: d.seq,
      vector_clock: writeContext(d.state, node, this.mode).toJSON(),
    });
    if (!parsed.ok) throw parsed.error;
    d.state = d.state.apply(parsed.value);
    return parsed.value;
  }

  deliver(event: CrdtEvent, ...nodes: string[]): void {
    for (const node of nodes) {
      const d = this.devices.get(node);
      if (!d) throw new Error(`no device ${node}`);
      const received = d.clock.receive(parseHlc(event.hlc));
      if (!received.ok) throw received.error;
      d.state = d.state.apply(event);
    }
  }
}
