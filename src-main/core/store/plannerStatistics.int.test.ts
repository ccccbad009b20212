import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CRDTManager } from '../crdtManager.js';
import { EventStore } from './eventStore.js';
import { openPgliteClient } from './pgliteClient.js';
import { PlannerStatistics } from './plannerStatistics.js';

let store: EventStore;

beforeAll(async () => {
  store = await EventStore.open(await openPgliteClient());
});
afterAll(() => store?.close());

/** What the planner believes the table holds (-1: never analyzed since it was created). */
async function plannedRows(): Promise<number> {
  const rows = await store.client.query<{ n: number }>(
    `SELECT reltuples::float8 AS n FROM pg_class WHERE relname = 'crdt_snapshots'`,
  );
  return rows[0]?.n ?? NaN;
}

const content = (i: number) => ({
  hash: createHash('sha256').update(String(i)).digest('hex'),
  size: String(i).length,
});

describe('planner statistics on PGlite', () => {
  it('re-analyzes once enough rows changed, not before', async () => {
    const manager = await CRDTManager.open({ store, spaceId: 'stats', deviceName: 'laptop' });
    const statistics = new PlannerStatistics(store.client);
    const write = (from: number, to: number) =>
      manager.writeBatch(
        Array.from({ length: to - from }, (_, k) => ({
          op: 'create' as const,
          path: `d/f${from + k}.txt`,
          change: { content: content(from + k) },
        })),
      );

    await write(0, 600);
    expect(await statistics.noteChanges(600)).toBe(false);
    const before = await plannedRows();
    expect(before).toBeLessThan(600);

    await write(600, 1_200);
    expect(await statistics.noteChanges(600)).toBe(true);
    expect(await plannedRows()).toBe(1_200);

    // Next when as many rows changed as the table held: 1,199 more changes are not enough.
    expect(await statistics.noteChanges(1_199)).toBe(false);
    expect(await statistics.noteChanges(1)).toBe(true);

    // Small tables: at least the 1,000-row floor, even right after an analyze of fewer rows.
    const small = new PlannerStatistics(store.client, 10);
    expect(await small.noteChanges(999)).toBe(false);
    expect(await small.noteChanges(1)).toBe(true);
  });
});
