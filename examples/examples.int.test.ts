/**
 * The seed's five examples and the README's quick start, run in-process against the int tier's
 * PostgreSQL (a fresh database as the hub) with PGlite devices: what `npm run examples` prints
 * must also be true.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFreshDatabase, type FreshDatabase } from '../test/support/freshDatabase.js';
import { converged, runAll, summarize, type RunAllOutcome } from './run-all.js';

describe('npm run examples', () => {
  let db: FreshDatabase;
  let outcome: RunAllOutcome;
  const lines: string[] = [];

  beforeAll(async () => {
    db = await createFreshDatabase('examples');
    outcome = await runAll({ hubUrl: db.url, print: (line) => lines.push(line) });
    // Opening a PGlite store is seconds of CPU each (three here); a busy CI machine needs slack.
  }, 240_000);
  afterAll(() => db?.drop());

  it('1. basic operations: updates, then a delete that leaves a tombstone', () => {
    const b = outcome.basic;
    expect(b.fieldsAfterUpdate).toEqual({ mode: 0o644, tags: ['home', 'urgent'] });
    expect(b.contentHashAfterUpdate).toMatch(/^[0-9a-f]{64}$/);
    expect(b.existsAfterDelete).toBe(false);
    expect(b.tombstone).toBe(true);
    expect(b.updateAfterDeleteError).toBe('NotFound');
    expect(b.eventsInLog).toBe(4);
  });

  it("2. multi-device sync: the desktop sees the laptop's files and the laptop the desktop's edit", () => {
    const m = outcome.multiDevice;
    expect(m.laptopPushed).toBe(3);
    expect(m.desktopPulled).toBe(3);
    expect(m.desktopFiles).toEqual(['docs/plan.md', 'photos/cat.jpg', 'readme.txt']);
    expect(m.laptopSeesEdit).toEqual({ hash: m.desktopEditHash, lastChangeBy: 'desktop' });
  });

  it('3. conflict resolution: one winner everywhere, the loser kept as a conflict copy, then converged', () => {
    const c = outcome.conflict;
    expect(new Set([c.winner.nodeId, c.loser.nodeId])).toEqual(new Set(['laptop', 'desktop']));
    expect(c.conflictListByDevice).toEqual({ laptop: ['report.md'], desktop: ['report.md'] });
    // Both devices name the copy identically: report.conflict-<loser>-<yyyymmdd-hhmmss>-<hash8>.md
    expect(c.copyPathByDevice['laptop']).toBe(c.copyPathByDevice['desktop']);
    expect(c.copyPathByDevice['laptop']).toMatch(
      new RegExp(`^report\\.conflict-${c.loser.nodeId}-\\d{8}-\\d{6}-[0-9a-f]{8}\\.md$`),
    );
    expect(converged(c)).toBe(true);
    expect(c.afterResolve['laptop']?.copyHash).toBe(c.loser.hash);
    expect(c.afterResolve['laptop']?.fileHash).not.toBe(c.loser.hash);
  });

  it('4. event sourcing: the log has every event with its clocks, and rebuild equals the snapshot', () => {
    const e = outcome.eventSourcing;
    expect(e.log.map((x) => [x.type, x.nodeId, x.seq])).toEqual([
      ['file_created', 'laptop', 1],
      ['file_updated', 'laptop', 2],
      ['file_updated', 'desktop', 1],
      ['file_updated', 'laptop', 4],
    ]);
    expect(e.log.at(-1)?.vectorClock).toEqual({ laptop: 3, desktop: 1 });
    expect(e.rebuildEqualsSnapshot).toBe(true);
    expect(e.reverseReplayEqual).toBe(true);
    expect(e.fullRebuildEqualsSnapshots).toBe(true);
  });

  it('5. status monitoring: pending and last sync move, an event from a clock 10 min ahead is held, then applied', () => {
    const s = outcome.status;
    expect(s.before).toMatchObject({ lastSync: null, pendingPush: 0, quarantined: 0, files: 0 });
    expect(s.afterLocalWrites).toMatchObject({ lastSync: null, pendingPush: 2, files: 2 });
    expect(s.afterSync.lastSync).not.toBeNull();
    expect(s.afterSync.pendingPush).toBe(0);
    expect(s.quarantineCode).toBe('ClockAhead');
    expect(s.afterClockAheadEvent).toMatchObject({ quarantined: 1, files: 2, conflicts: 0 });
    expect(s.desktopFileWhileHeld).toBe(false);
    expect(s.afterRetry).toMatchObject({ quarantined: 0, files: 3 });
    expect(s.desktopFileAfterRetry).toBe(true);
  });

  it('runs the quick start and prints a summary', () => {
    expect(outcome.quickstartFiles).toBe(1);
    expect(lines).toContain('== 5. Status monitoring ==');
    expect(summarize(outcome)).toHaveLength(7);
  });
});
