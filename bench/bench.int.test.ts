/**
 * Smoke test of the benchmark code with tiny sizes against the int tier's PostgreSQL server,
 * PGlite and device servers: every scenario runs end to end and reports well-formed results
 * (positive numbers, the expected row counts); the command-line section times each command with
 * a real daemon. Timings are never asserted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEvent, toWire } from '../src-shared/events/eventSchema.js';
import { pgAdminUrl } from '../test/support/freshDatabase.js';
import { CLI_HEADER, cliMarkdown, cliRows, cliText } from './cli/cliReport.js';
import { CLI_COMMANDS, runCliSuite, type CliResults, type CliSizes } from './cli/cliSuite.js';
import { buildCli } from './folder/daemon.js';
import { HubProcess } from './folder/hubProcess.js';
import { ScratchDirs } from './folder/scratchDirs.js';
import { describeMachine } from './machine.js';
import {
  BEFORE_AFTER_HEADER,
  beforeAfterRows,
  beforeAfterText,
  markdown,
  resultRows,
  textTable,
} from './report.js';
import { runSuite, type Sizes, type SuiteResults } from './suite.js';
import { EventFactory } from './support/events.js';
import { runListingSection } from './listing/section.js';
import { runChurnSection } from './churn/section.js';
import { serverFromUrl, type BenchDatabase, type PgServer } from './support/postgres.js';

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
    // Mostly PGlite start-up, device servers' initdb and migrations, which take long on a loaded
    // 2-core machine.
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

  it('measures every store kind with positive figures and the expected row counts', () => {
    expect(results.kinds.map((k) => k.kind)).toEqual(['pglite', 'deviceServer', 'postgres']);
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

  it('runs the device server with fsync on', () => {
    const deviceServer = results.kinds.find((k) => k.kind === 'deviceServer');
    expect(deviceServer?.settings['fsync']).toBe('on');
  });

  it('renders the table and BENCHMARKS.md with every metric for every store', async () => {
    const rows = resultRows(results);
    expect(rows).toHaveLength(30);
    expect(rows.filter((r) => r.met !== null)).toHaveLength(21);
    const text = textTable(rows);
    expect(text.split('\n')).toHaveLength(rows.length + 2);
    const beforeAfter = beforeAfterRows(results);
    expect(beforeAfter).toHaveLength(10);
    for (const row of beforeAfter) expect(row).toHaveLength(BEFORE_AFTER_HEADER.length);
    expect(beforeAfterText(results).split('\n')).toHaveLength(beforeAfter.length + 3);
    const md = markdown(results, await describeMachine(server));
    for (const heading of ['## Results', '### Before and after', '## Method', '## Machine'])
      expect(md).toContain(heading);
    expect(md).toMatch(/PostgreSQL server: \d+/);
    expect(md).toMatch(/PGlite: \d+\.\d+\.\d+ \(PostgreSQL \d+/);
    expect(md).toMatch(/Device server: PostgreSQL \d+/);
  });
});

const TINY_CLI: CliSizes = { runs: 2, warmupRuns: 0, files: 5 };

describe('command-line timings (tiny sizes)', () => {
  let server: PgServer;
  let db: BenchDatabase | undefined;
  let hub: HubProcess | undefined;
  const scratch = new ScratchDirs();
  let results: CliResults;

  beforeAll(async () => {
    server = serverFromUrl(pgAdminUrl());
    // As the section runs it: devices join a `hub start` process by invite.
    await buildCli();
    db = await server.createDatabase('ng_bench_cli_hub');
    hub = await HubProcess.start({
      dir: await scratch.make('ng-bench-cli-hub-'),
      databaseUrl: db.url,
    });
    results = await runCliSuite({ hub, spaceId: 'bench-cli-tiny', sizes: TINY_CLI, scratch });
    // A hub process, two `init`s and a daemon (each a device server), then 8 commands.
  }, 300_000);

  afterAll(async () => {
    await hub?.close();
    await db?.drop();
    await scratch.removeAll();
    await server.stop();
  });

  it('times every command, the daemon answering one status and the command the other', () => {
    for (const id of CLI_COMMANDS) {
      expect(results.timings[id].samplesMs).toHaveLength(TINY_CLI.runs);
      for (const ms of results.timings[id].samplesMs) expect(ms).toBeGreaterThan(0);
    }
    expect(results.daemonExit).toBe(0);
  });

  it('renders the section with the baseline and the target', () => {
    const rows = cliRows(results);
    expect(rows).toHaveLength(CLI_COMMANDS.length);
    for (const row of rows) expect(row).toHaveLength(CLI_HEADER.length);
    expect(rows[0]?.[4]).toBe('1.00×');
    expect(cliText(results)).toContain('netguardian --help');
    expect(cliMarkdown(results)).toMatch(/^## Command line/);
  });
});

describe('listing section (quick sizes)', () => {
  it('lists the filled store: every page holds the rows the tree gives, with its total', async () => {
    const server = serverFromUrl(pgAdminUrl());
    const section = await runListingSection({ server, quick: true, log: () => undefined });
    const { results } = section;
    // 3 top folders × 100 subfolders × 100 files, and 2,000 files in flat/.
    expect(results).toMatchObject({ files: 32_000, folders: 304 });
    const byLabel = new Map(results.cases.map((c) => [c.label, c]));
    expect(byLabel.get('the top folder, first page')).toMatchObject({ rows: 4, total: 4 });
    expect(byLabel.get('a folder of 2,000 files, first page')).toMatchObject({
      rows: 200,
      total: 2_000,
    });
    expect(byLabel.get('the same folder, its last page by key')).toMatchObject({ rows: 200 });
    expect(byLabel.get('every path, first page')).toMatchObject({ rows: 200, total: 32_304 });
    for (const c of results.cases) expect(c.medianMs).toBeGreaterThan(0);
    expect(section.markdown).toMatch(/^## Listing a million files/);
  }, 300_000);
});

describe('churn section (quick sizes)', () => {
  it('keeps 62 of each file’s 100 edits by the end, against all 100 never compacted', async () => {
    const server = serverFromUrl(pgAdminUrl());
    const section = await runChurnSection({ server, quick: true, log: () => undefined });
    const { results } = section;
    // 100 files: by day 49.5 edits of days 0–19 are old, the newest of them stays (by hand).
    const last = results.points[results.points.length - 1];
    expect(results.expectedKept).toBe(6_200);
    expect(last?.events).toEqual({ baseline: 10_000, compacted: 6_200 });
    // Before the window first passed (day 9.5), nothing was old enough.
    expect(results.points[0]?.events).toEqual({ baseline: 2_000, compacted: 2_000 });
    expect(section.markdown).toMatch(/^## Churn: 1,000 files edited 100 times/);
  }, 300_000);
});
