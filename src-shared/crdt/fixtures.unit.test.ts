import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { entityProblems, referenceEntity, sameJson } from '../../test/support/crdtReference.js';
import { prng, shuffle } from '../../test/support/crdtSimulation.js';
import type { CrdtEvent } from '../events/event.js';
import { parseEvent } from '../events/eventSchema.js';
import { FileEntity } from './fileEntity.js';

/**
 * Replays every case in ./fixtures forever (automerge keeps its fuzz crashers
 * the same way). A fixture is a list of wire-form events for one file, plus
 * what the file must look like once they are all applied:
 *
 *   { "description": "...", "events": [EventWire...],
 *     "expect": { "exists", "content" (hash or null), "conflicts" (hashes),
 *                 "lostDeletes" (event ids), "siblings" (event ids, in order),
 *                 "fields", "lastChange" (event id) } }
 *
 * To keep a failing property case: run `simulate(config)` on the config the
 * report printed, take the events of the failing file through `toWire`, and
 * save them here with the outcome DESIGN.md §3 asks for.
 */

interface Fixture {
  readonly description: string;
  readonly events: readonly unknown[];
  readonly expect: {
    readonly exists: boolean;
    readonly content: string | null;
    readonly conflicts: readonly string[];
    readonly lostDeletes: readonly string[];
    readonly siblings: readonly string[];
    readonly fields: Readonly<Record<string, unknown>>;
    readonly lastChange: string;
  };
}

const dir = new URL('./fixtures/', import.meta.url);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

describe('CRDT fixtures', () => {
  it('has fixtures to replay', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  describe.each(files)('%s', (file) => {
    const fixture = JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as Fixture;
    const events: CrdtEvent[] = fixture.events.map((wire) => {
      const r = parseEvent(wire);
      if (!r.ok) throw new Error(`${file}: ${r.error.message}`);
      return r.value;
    });
    const entityId = events[0]?.entityId ?? '';
    const expected = FileEntity.fromEvents(entityId, events);

    it('gives the expected file', () => {
      const view = expected.get();
      expect({
        exists: view.exists,
        content: view.content?.hash ?? null,
        conflicts: view.conflicts.map((v) => v.value?.hash),
        lostDeletes: view.lostDeletes.map((v) => v.id),
        siblings: expected.register.versions.map((v) => v.id),
        fields: view.fields,
        lastChange: view.lastChange?.eventId,
      }).toEqual(fixture.expect);
      expect(sameJson(expected.toJSON(), referenceEntity(entityId, events))).toBe(true);
      expect(entityProblems(expected, events)).toEqual([]);
    });

    it('gives the same state for every delivery order, with duplicates', () => {
      const orders = events.length <= 7 ? permutations(events) : [];
      const random = prng(events.length);
      for (let i = 0; i < 500; i++)
        orders.push(shuffle([...events, ...events.filter(() => random() < 0.3)], random));
      for (const order of orders) {
        const state = FileEntity.fromEvents(entityId, order);
        if (!state.equals(expected)) expect(state.toJSON()).toEqual(expected.toJSON());
      }
    });

    it('gives the same state when replicas holding any split of the events merge', () => {
      const random = prng(7);
      for (let i = 0; i < 500; i++) {
        const parts = 2 + Math.floor(random() * 3);
        const replicas = Array.from({ length: parts }, () => FileEntity.empty(entityId));
        for (const e of events) {
          // Every event lands on one replica at least, sometimes on several.
          const home = Math.floor(random() * parts);
          replicas.forEach((r, j) => {
            if (j === home || random() < 0.3) replicas[j] = r.apply(e);
          });
        }
        const merged = shuffle(replicas, random).reduce((acc, r) => acc.merge(r));
        if (!merged.equals(expected)) expect(merged.toJSON()).toEqual(expected.toJSON());
      }
    });
  });
});
