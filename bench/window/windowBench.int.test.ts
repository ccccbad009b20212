/**
 * Smoke test of the "Window closed / open" bench at tiny sizes: a real `netguardian serve`, the
 * built renderer in Debian's Chromium, the three phases read from /proc. Memory figures are
 * never compared with numbers (they depend on the machine); what the spec says is: the page's
 * renderer is a process of its own that ends when the page closes, and each phase is reported
 * against the no-page phase.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import buildRenderer from '../../e2e/support/buildRenderer.js';
import { makeServerEnterable } from '../support/serverDirs.js';
import { windowReport, WINDOW_HEADING } from './section.js';
import { runWindowSuite, type WindowResults, type WindowSizes } from './windowSuite.js';

const TINY: WindowSizes = {
  tree: { smallFiles: 30, dirs: 3, bigFiles: 0, bigBytes: 0 },
  settleMs: 500,
  readings: 2,
  maxQuietWaitMs: 0,
};

describe('window closed / open bench (tiny sizes)', () => {
  let workDir: string;
  let results: WindowResults;

  beforeAll(async () => {
    buildRenderer();
    workDir = await mkdtemp(path.join(tmpdir(), 'ng-window-bench-'));
    await makeServerEnterable(workDir);
    results = await runWindowSuite({ workDir, sizes: TINY, log: () => undefined });
  }, 300_000);

  afterAll(async () => {
    await rm(workDir, { recursive: true, force: true, maxRetries: 3 });
  });

  it('reads the core in every phase and the page renderer while it is open, then gone', () => {
    expect(results.files).toBe(30);
    for (const phase of [results.noPage, results.pageOpen, results.pageClosed]) {
      expect(phase.serve.rss).toBeGreaterThan(0);
      expect(phase.serve.pss).toBeGreaterThan(0);
      expect(phase.serverPss).toBeGreaterThan(0);
    }
    expect(results.noPage.renderer).toBeUndefined();
    expect(results.pageOpen.renderer.pss).toBeGreaterThan(0);
    expect(results.pageClosed.renderer).toBeUndefined();
    expect(results.rendererEnded).toBe(true);
  });

  it('reports the three phases against the no-page one', () => {
    const { text, markdown } = windowReport(results, TINY);
    expect(markdown.startsWith(`${WINDOW_HEADING}\n`)).toBe(true);
    expect(markdown).toContain('a smaller tree than the standard one: 30 files');
    const phases = markdown.split('\n').filter((l) => /^\| (no page|a page|the page)/.test(l));
    expect(phases).toHaveLength(3);
    // The baseline against itself.
    expect(phases[0]).toMatch(/^\| no page \(window closed\) .*\| 1\.00× +\|/);
    expect(text).toContain('Window closed / open (30 files)');
  });
});
