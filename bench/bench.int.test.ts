/**
 * Smoke test of the benchmark code with tiny sizes against the int tier's PostgreSQL server and
 * PGlite: every scenario runs end to end and reports well-formed results (positive numbers,
 * the expected row counts). Timings are never asserted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEvent, toWire } from '../src-shared/events/eventSchema.js';
import { pgAdminUrl } from '../test/support/freshDatabase.js';
import { describeMachine } from './machine.js';
import { markdown, resultRows, textTable } from './report.js';
import { runSuite, type Sizes, type SuiteResults } from './suite.js';
import { EventFactory } from './support/events.js';
import { serverFromUrl, type PgServer } from './support/postgres.js';

const TINY: Sizes = {
  writeOps: 10,
  writeWarmupOps: 2,
  smallSyncEvents: 20,
  smallSyncRuns: 2,
  smallRebuildEvents: 50,
  smallRebuildEntities: 5,
  smallRebuildRuns: 2,
  bigSyncEvents: 50,
  bigSyncRuns: 2,
  bigRebuildEvents: 120,
  bigRebuildEntities: 12,
  bigRebuildRuns: 1,
};

describe('benchmark suite (tiny sizes)', () => {
  let server: PgServer;
  let results: SuiteResults;

  beforeAll(async () => {
    server = serverFromUrl(pgAdminUrl());
    results = await runSuite({ server, sizes: TINY });
    // Mostly PGlite start-up and migrations, which take long on a loaded 2-core machine.
  }, 300_000);

  afterAll(async () => {
    await server.stop();
  });

  it('generates events that pass the event schema, with gap-free seqs', () => {
    const events = new EventFactory({ spaceId: 'space-1', nodeId: 'node-1', entities: 3 }).next(9);
    for (const e of events) expect(parseEvent(toWire(e))).toMatchObject({ ok: true });
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(events.filter((e) => e.kind === 'FileCreated')).toHaveLength(3);
  });

  it('measures both store kinds with positive figures and the expected row counts', () => {
    expect(results.kinds.map((k) => k.kind)).toEqual(['pglite', 'postgres']);
    for (const k of results.kinds) {
      for (const ms of [
        k.writes.createMedianMs,
        k.writes.updateMedianMs,
        k.smallSync.pushMs,
        k.smallSync.pullMs,
        k.smallRebuild.medianMs,
        k.smallRebuildOneFile.medianMs,
        k.rawInsert.medianMs,
        k.bigSync.totalMs,
        k.bigRebuild.medianMs,
      ]) {
        expect(ms).toBeGreaterThan(0);
        expect(Number.isFinite(ms)).toBe(true);
      }
      // create/update: one event per call, warm-up included; every file exists.
      expect(k.writes.events).toBe(2 * (TINY.writeOps + TINY.writeWarmupOps));
      expect(k.writes.files).toBe(TINY.writeOps + TINY.writeWarmupOps);
      // Sync: every run's events reached the hub and device B (plus the warm-up run).
      const small = TINY.smallSyncEvents * (TINY.smallSyncRuns + 1);
      expect([k.smallSync.deviceAEvents, k.smallSync.hubEvents, k.smallSync.deviceBEvents]).toEqual(
        [small, small, small],
      );
      const big = TINY.bigSyncEvents * TINY.bigSyncRuns;
      expect([k.bigSync.deviceAEvents, k.bigSync.hubEvents, k.bigSync.deviceBEvents]).toEqual([
        big,
        big,
        big,
      ]);
      expect(k.smallRebuild.rebuiltEntities).toBe(TINY.smallRebuildEntities);
      expect(k.smallRebuild.snapshots).toBe(TINY.smallRebuildEntities);
      expect([k.smallRebuildOneFile.rebuiltEntities, k.smallRebuildOneFile.snapshots]).toEqual([
        1, 1,
      ]);
      expect(k.bigRebuild.rebuiltEntities).toBe(TINY.bigRebuildEntities);
      expect(k.rawInsert.storedRows).toBe(
        TINY.smallSyncEvents + TINY.bigSyncEvents * TINY.bigSyncRuns,
      );
      expect(k.settings['server_version']).toMatch(/^\d+/);
    }
  });

  it('renders the table and BENCHMARKS.md with every metric for both stores', async () => {
    const rows = resultRows(results);
    expect(rows).toHaveLength(20);
    expect(rows.filter((r) => r.met !== null)).toHaveLength(14);
    const text = textTable(rows);
    expect(text.split('\n')).toHaveLength(rows.length + 2);
    const md = markdown(results, await describeMachine(server));
    for (const heading of ['## Results', '## Method', '## Machine']) expect(md).toContain(heading);
    expect(md).toMatch(/PostgreSQL server: \d+/);
    expect(md).toMatch(/PGlite: \d+\.\d+\.\d+ \(PostgreSQL \d+/);
  });
});
