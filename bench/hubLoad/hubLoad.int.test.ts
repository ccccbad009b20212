/**
 * The hub load test at a tiny size: 4 devices in 2 spaces against one hub process and then two
 * (`netguardian hub start` children on the int tier's PostgreSQL server), one short level each.
 * Asserts what the load test's figures rest on: every change a device pushed reached every other
 * device of its space and no device of another space, every pulled chunk matched its hash, every
 * pulled row was a valid event, no request failed, and the counts add up. Timings are never
 * asserted (the level may or may not "hold" on a busy machine).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { pgAdminUrl } from '../../test/support/freshDatabase.js';
import { ScratchDirs } from '../folder/scratchDirs.js';
import { serverFromUrl } from '../support/postgres.js';
import { hubLoadMarkdown, hubLoadText, HUB_LOAD_HEADING } from './hubLoadReport.js';
import { FULL_HUB_LOAD, runHubLoadSuite, type HubLoadResults } from './hubLoadSuite.js';

const scratch = new ScratchDirs();
afterAll(() => scratch.removeAll());

describe('hub load test, tiny', () => {
  let results: HubLoadResults;

  it('runs 4 devices in 2 spaces against one hub process, then two', async () => {
    results = await runHubLoadSuite({
      sizes: {
        ...FULL_HUB_LOAD,
        spaces: 2,
        devicesPerSpace: 2,
        firstRate: 8,
        maxLevels: 1,
        refineSteps: 0,
        measureMs: 2_500,
        // Long enough for the devices' own periodic pull (5 s) to catch a missed notice.
        drainMs: 15_000,
        processCounts: [1, 2],
        phaseBudgetMs: 60_000,
        quietWaitMs: 0,
        // Large files often enough that a few-second run sends some (3 MiB: two chunks).
        mix: { ...FULL_HUB_LOAD.mix, largeShare: 0.1 },
      },
      scratch,
      server: serverFromUrl(pgAdminUrl()),
    });
    expect(results.phases.map((p) => [p.processes, p.devices, p.spaces, p.levels.length])).toEqual([
      [1, 4, 2, 1],
      [2, 4, 2, 1],
    ]);
    for (const phase of results.phases) {
      const level = phase.levels[0];
      if (!level) throw new Error('no level ran');
      expect(level.failures).toEqual([]);
      expect(level.badChunks).toBe(0);
      expect(level.badEvents).toBe(0);
      expect(level.strayArrivals).toBe(0);
      expect(level.missingArrivals).toBe(0);
      // 2 devices per space: each change is expected at exactly one other device.
      expect(level.changes).toBeGreaterThan(0);
      expect(level.expectedArrivals).toBe(level.changes);
      // Who saw what, by hand: the other device of the sender's space, once.
      const other: Record<string, string> = {
        'node-1-1': 'node-1-2',
        'node-1-2': 'node-1-1',
        'node-2-1': 'node-2-2',
        'node-2-2': 'node-2-1',
      };
      for (const change of level.recorder.pushed.values()) {
        const seenBy = (level.recorder.arrivals.get(change.eventId) ?? []).map((a) => a.device);
        expect(seenBy).toEqual([other[change.origin]]);
        expect(change.spaceId).toBe(
          change.origin.startsWith('node-1-') ? 'load-space-01' : 'load-space-02',
        );
      }
      // Every byte pushed was pulled once (one receiver per change), each chunk checked.
      let pushedBytes = 0;
      for (const c of level.recorder.pushed.values()) pushedBytes += c.bytes;
      expect(level.recorder.pulledBytes).toBe(pushedBytes);
      expect(phase.hubPeakRssBytes).toHaveLength(phase.processes);
      for (const rss of phase.hubPeakRssBytes) expect(rss).toBeGreaterThan(0);
    }
  });

  it('reports both process counts in its section', () => {
    const markdown = hubLoadMarkdown(results);
    expect(markdown.startsWith(`${HUB_LOAD_HEADING}\n`)).toBe(true);
    expect(markdown).toContain('| 1 ');
    expect(markdown).toContain('| 2 ');
    expect(hubLoadText(results)).toContain('The hub under many devices');
  });
});
