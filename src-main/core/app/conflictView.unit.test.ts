import { describe, expect, it } from 'vitest';
import type { FileVersion, FileView } from '../../../src-shared/crdt/fileEntity.js';
import { conflictInfoOf } from './conflictView.js';
import { nameFromNodeId } from './deviceNames.js';

const ctx = { thisNode: 'laptop-1a2b3c4d', nameOf: nameFromNodeId };

/** A version recorded at `recordedAt` (its HLC's wall time), of a file last modified at `mtimeMs`. */
const version = (
  id: string,
  nodeId: string,
  recordedAt: string,
  mtimeMs?: number,
): FileVersion => ({
  id,
  nodeId,
  hlc: `${String(Date.parse(recordedAt)).padStart(15, '0')}-000000-${nodeId}`,
  timestamp: recordedAt,
  clock: {},
  ...(mtimeMs === undefined ? {} : { mtimeMs }),
  value: { hash: id, size: 5 },
});

const viewOf = (winner: FileVersion, loser: FileVersion): FileView => ({
  entityId: 'docs/plan.txt',
  exists: true,
  winner,
  content: winner.value,
  conflicts: [loser],
  lostDeletes: [],
  fields: {},
  clock: {},
  lastChange: null,
});

describe('conflict versions’ edit times', () => {
  it('are the files’ modification times, not when the scans recorded them', () => {
    // Both edits were found by scans a second apart, long after they were made.
    const info = conflictInfoOf(
      viewOf(
        version(
          'e2',
          'desktop-00ff00ff',
          '2026-03-01T10:00:01.000Z',
          Date.parse('2026-03-01T09:15:00.000Z'),
        ),
        version(
          'e1',
          ctx.thisNode,
          '2026-03-01T10:00:00.000Z',
          Date.parse('2026-03-01T09:02:30.000Z'),
        ),
      ),
      ctx,
    );
    expect(info.versions.map((v) => [v.device, v.changedAt])).toEqual([
      ['desktop', Date.parse('2026-03-01T09:15:00.000Z')],
      ['laptop', Date.parse('2026-03-01T09:02:30.000Z')],
    ]);
  });

  it('are when the change was recorded for a version with no modification time', () => {
    const info = conflictInfoOf(
      viewOf(
        version('e2', 'desktop-00ff00ff', '2026-03-01T10:00:01.000Z'),
        version(
          'e1',
          ctx.thisNode,
          '2026-03-01T10:00:00.000Z',
          Date.parse('2026-03-01T09:00:00.000Z'),
        ),
      ),
      ctx,
    );
    expect(info.versions.map((v) => v.changedAt)).toEqual([
      Date.parse('2026-03-01T10:00:01.000Z'),
      Date.parse('2026-03-01T09:00:00.000Z'),
    ]);
  });

  it('hold a modification time far ahead of the writer’s clock to that clock', () => {
    // Ten minutes ahead of the desktop's clock when it recorded the edit: past the 5 minutes allowed.
    const info = conflictInfoOf(
      viewOf(
        version(
          'e2',
          'desktop-00ff00ff',
          '2026-03-01T10:00:00.000Z',
          Date.parse('2026-03-01T10:10:00.000Z'),
        ),
        version(
          'e1',
          ctx.thisNode,
          '2026-03-01T09:59:00.000Z',
          Date.parse('2026-03-01T09:58:00.000Z'),
        ),
      ),
      ctx,
    );
    expect(info.versions[0]?.changedAt).toBe(Date.parse('2026-03-01T10:00:00.000Z'));
  });
});
