/**
 * Smoke test of the folder-sync benchmark at tiny sizes against the int tier's PostgreSQL server:
 * every scenario runs end to end on real folders, devices on their own PostgreSQL servers and on
 * PGlite (before and after), through the hub's sync service and through direct SQL (the
 * baseline); the daemons of (a), (e) and (f) and the hub (`hub start`) as child processes, (f) on
 * a hub process stopped and started again. B's tree is identical to A's, and the results are well
 * formed. Timings are never asserted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgAdminUrl } from '../../test/support/freshDatabase.js';
import { makeTempDir } from '../../test/support/tempDir.js';
import { serverFromUrl, type PgServer } from '../support/postgres.js';
import {
  BEFORE_AFTER_HEADER,
  hubProcessFigures,
  beforeAfterRows,
  folderMarkdown,
  folderRows,
  folderText,
} from './folderReport.js';
import { HUB_COMPARISON_HEADER, hubComparisonRows } from './hubComparison.js';
import { runFolderSuite, type FolderResults, type FolderSizes } from './folderSuite.js';
import { treeDigest, writeTree } from './tree.js';

const TINY: FolderSizes = {
  tree: { smallFiles: 50, dirs: 5, bigFiles: 1, bigBytes: 3 * 1024 * 1024 },
  latencyRuns: 3,
  latencyWarmupRuns: 1,
  rescanRuns: 2,
  deltaFileBytes: 4 * 1024 * 1024,
  daemon: true,
  before: true,
  recovery: { files: 5, runs: 2, outageMs: 1_500 },
};

const positive = (n: number) => {
  expect(Number.isFinite(n)).toBe(true);
  expect(n).toBeGreaterThan(0);
};

describe('folder-sync benchmark (tiny sizes)', () => {
  let server: PgServer;
  let results: FolderResults;

  beforeAll(async () => {
    server = serverFromUrl(pgAdminUrl());
    results = await runFolderSuite({ server, sizes: TINY });
    // Two PGlite stores, seven device servers and an embedded hub on a loaded 2-core machine.
  }, 600_000);

  afterAll(async () => {
    await server.stop();
  });

  it('builds the same tree from the same seed, of the requested shape', async () => {
    const one = await makeTempDir('ng-bench-tree-');
    const two = await makeTempDir('ng-bench-tree-');
    try {
      const shape = { smallFiles: 30, dirs: 4, bigFiles: 1, bigBytes: 64 * 1024 };
      const stats = await writeTree(one.path, shape, 'seed-1');
      await writeTree(two.path, shape, 'seed-1');
      const [a, b] = [await treeDigest(one.path), await treeDigest(two.path)];
      expect(a).toEqual(b);
      expect(a.files).toBe(31);
      expect(stats).toEqual({ files: a.files, bytes: a.bytes });
      expect(a.bytes).toBeGreaterThanOrEqual(30 * 1024 + 64 * 1024);
      expect(a.bytes).toBeLessThanOrEqual(30 * 4096 + 64 * 1024);
    } finally {
      await one.cleanup();
      await two.cleanup();
    }
  });

  it("(a) syncs A's whole tree to B, identical, and times each step, on every pair", () => {
    expect([results.service.store, results.service.hub]).toEqual(['deviceServer', 'service']);
    expect([results.direct.store, results.direct.hub]).toEqual(['deviceServer', 'direct']);
    expect([results.pglite?.store, results.pglite?.hub]).toEqual(['pglite', 'direct']);
    for (const run of [results.service, results.direct, results.pglite]) {
      const a = run?.initialSync;
      if (!a) throw new Error('an in-process pair did not run');
      expect(a.identical).toBe(true);
      expect(a.files).toBe(TINY.tree.smallFiles + TINY.tree.bigFiles);
      // One event per file and per folder (small/, big/, small/dNNN).
      expect(a.eventsPushed).toBe(a.files + TINY.tree.dirs + 2);
      expect(a.eventsPulled).toBe(a.eventsPushed);
      expect(a.bytesUploaded).toBe(a.bytes);
      for (const ms of [a.scanMs, a.pushMs, a.pullMs, a.totalMs, a.cpMs]) positive(ms);
      expect(a.totalMs).toBeCloseTo(a.scanMs + a.pushMs + a.pullMs, 6);
    }
  });

  it('(b), (c) and (d) report well-formed figures', () => {
    for (const run of [results.service, results.direct, results.pglite]) {
      if (!run) throw new Error('an in-process pair did not run');
      expect(run.latency.samplesMs).toHaveLength(TINY.latencyRuns);
      for (const ms of run.latency.samplesMs) positive(ms);
      expect(run.rescan.filesScanned).toBe(run.initialSync.files);
      positive(run.rescan.medianMs);
    }
    expect(results.pglite?.delta).toBeNull();
    for (const run of [results.service, results.direct]) {
      const d = run.delta;
      if (!d) throw new Error(`(d) did not run through ${run.hub}`);
      expect(d.fileBytes).toBe(TINY.deltaFileBytes);
      positive(d.uploadedBytes);
      // Content-defined chunks: the insert re-sends a few chunks, far from the whole file.
      expect(d.uploadedBytes).toBeLessThan(d.fileBytes / 2);
      // What A uploaded is exactly what the hub's chunk table gained.
      expect(d.hubBytes).toBe(d.uploadedBytes);
      expect(d.fraction).toBeCloseTo(d.uploadedBytes / d.fileBytes, 12);
      expect(d.firstSyncChunks).toBeGreaterThan(1);
    }
    // The same bytes cut the same way: both hubs received the same chunks for the insert.
    expect(results.service.delta?.uploadedBytes).toBe(results.direct.delta?.uploadedBytes);
  });

  it('(a) and (e) with two daemons through a `hub start` process: B gets the tree A was started on, all exit 0', () => {
    const e = results.daemon;
    if (!e) throw new Error('(a) with daemons did not run');
    expect(e.identical).toBe(true);
    expect(e.files).toBe(results.service.initialSync.files);
    expect(e.exitCodes).toEqual({ a: 0, b: 0 });
    expect(e.idle?.exitCode).toBe(0);
    expect(e.hubExitCode).toBe(0);
    const idle = e.idle?.memory;
    if (!idle) throw new Error('the idle daemon did not run');
    for (const m of [idle, e.a, e.b]) {
      positive(m.daemon.rss);
      positive(m.daemon.pss);
      expect(m.daemon.peakRss).toBeGreaterThanOrEqual(m.daemon.rss);
      // The postmaster and at least its checkpointer, writer and the daemon's backends.
      positive(m.server.pss);
      expect(m.server.processes).toBeGreaterThan(2);
    }
    // Each daemon runs its own server.
    expect(new Set([idle, e.a, e.b].map((m) => m.server.postmasterPid)).size).toBe(3);
    positive(e.syncMs);
    // A's daemon said it was watching (its first scan and push done).
    expect(e.aPushedMs).not.toBeNull();
  });

  it("(e) reads the hub process's own memory and CPU over the daemons' sync", () => {
    const hub = results.daemon?.hub;
    if (!hub) throw new Error('the hub process was not measured');
    positive(hub.atStart.memory.rss);
    expect(hub.atEnd.memory.peakRss).toBeGreaterThanOrEqual(hub.atEnd.memory.rss);
    // VmHWM never falls, and CPU time only grows: passing the tree took the hub some CPU.
    expect(hub.atEnd.memory.peakRss).toBeGreaterThanOrEqual(hub.atStart.memory.peakRss);
    expect(hub.atEnd.cpuSeconds).toBeGreaterThan(hub.atStart.cpuSeconds);
    const figures = results.daemon ? hubProcessFigures(results.daemon) : null;
    positive(figures?.cpuPerGiB ?? 0);
  });

  it('(a) with two daemons through direct SQL too (the baseline): B gets the tree, all exit 0', () => {
    const d = results.daemonDirect;
    if (!d) throw new Error('(a) with daemons through direct SQL did not run');
    expect(d.identical).toBe(true);
    expect(d.files).toBe(results.direct.initialSync.files);
    expect(d.exitCodes).toEqual({ a: 0, b: 0 });
    expect(d.hub).toBeNull();
    expect(d.idle).toBeNull();
    positive(d.syncMs);
  });

  it('(f) propagates a change after the hub came back, without restarting a daemon', () => {
    const f = results.recovery;
    if (!f) throw new Error('(f) did not run');
    expect(f.files).toBe(TINY.recovery?.files);
    expect(f.baseline.samplesMs).toHaveLength(TINY.recovery?.runs ?? 0);
    expect(f.settled.samplesMs).toHaveLength(TINY.recovery?.runs ?? 0);
    for (const ms of [
      ...f.baseline.samplesMs,
      ...f.settled.samplesMs,
      f.firstChangeMs,
      f.restartMs,
      f.reconnectMs.a,
      f.reconnectMs.b,
      f.lossSeenMs.a,
      f.lossSeenMs.b,
    ])
      positive(ms);
    expect(f.outageMs).toBeGreaterThanOrEqual(TINY.recovery?.outageMs ?? 0);
    expect(f.exitCodes).toEqual({ a: 0, b: 0 });
  });

  it('renders the section with every figure and its target, service vs direct, before and after', () => {
    const rows = folderRows(results);
    expect(rows).toHaveLength(16);
    expect(rows.filter((r) => r.met !== null)).toHaveLength(6);
    const comparison = hubComparisonRows(results);
    expect(comparison).toHaveLength(14);
    for (const row of comparison) expect(row).toHaveLength(HUB_COMPARISON_HEADER.length);
    // Every figure has its ratio against direct SQL.
    for (const row of comparison) expect(row[3]).toMatch(/^\d+\.\d\d×$/);
    const beforeAfter = beforeAfterRows(results);
    expect(beforeAfter).toHaveLength(6);
    for (const row of beforeAfter) expect(row).toHaveLength(BEFORE_AFTER_HEADER.length);
    const text = folderText(results);
    for (const tag of ['(a)', '(b)', '(c)', '(d)', '(e)', '(f)']) expect(text).toContain(tag);
    expect(text).toContain('before and after');
    expect(text).toContain('hub service vs direct SQL');
    const md = folderMarkdown(results);
    expect(md).toMatch(/^## Folder sync/);
    expect(md).toContain('| metric | ours |');
    expect(md).toContain('### Before and after');
    expect(md).toContain('### The hub service against direct SQL');
  });
});
