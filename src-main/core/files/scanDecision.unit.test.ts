import { describe, expect, it } from 'vitest';
import type { FileView, FileVersion } from '../../../src-shared/crdt/fileEntity.js';
import type { ContentRef } from '../../../src-shared/events/event.js';
import { DIRECTORY_CONTENT } from '../../../src-shared/fileKinds.js';
import type { IndexEntry } from './fileIndex.js';
import { basisFor, decideGone, decidePresent, type DiskContent } from './scanDecision.js';

const H1 = '1'.repeat(64);
const H2 = '2'.repeat(64);
const content = (hash: string, size = 3): ContentRef => ({ hash, size, chunks: [{ hash, size }] });

function version(value: ContentRef | null, clock: Record<string, number>): FileVersion {
  return {
    id: `e-${JSON.stringify(clock)}`,
    nodeId: 'desktop',
    hlc: 'h',
    timestamp: 't',
    clock,
    value,
  };
}

function view(
  value: ContentRef | null,
  clock: Record<string, number>,
  fields: FileView['fields'] = {},
): FileView {
  const v = version(value, clock);
  return {
    entityId: 'f.txt',
    exists: value !== null,
    winner: v,
    content: value,
    conflicts: [],
    lostDeletes: [],
    fields,
    clock,
    lastChange: null,
  };
}

function indexed(
  hash: string | null,
  clock: Record<string, number> | null,
  mode = 0o100644,
): IndexEntry {
  return {
    path: 'f.txt',
    kind: hash === null ? 'dir' : 'file',
    size: 3,
    mtimeMs: 1,
    ino: '1',
    mode,
    hash,
    chunks: null,
    versionClock: clock,
  };
}

const disk = (hash: string, mode = 0o644): DiskContent => ({
  content: content(hash),
  mode,
  mtimeMs: 5,
});

describe('scan decisions', () => {
  it('records nothing when the store already says what the disk says (own writes never echo)', () => {
    const d = decidePresent(
      undefined,
      view(content(H1), { desktop: 2 }, { mode: 0o644 }),
      disk(H1),
    );
    expect(d).toEqual({ action: 'none', versionClock: { desktop: 2 } });
  });

  it('records nothing when the disk is as indexed, even if the store moved on (not materialized yet)', () => {
    const d = decidePresent(
      indexed(H1, { laptop: 1 }),
      view(content(H2), { laptop: 1, desktop: 1 }),
      disk(H1),
    );
    expect(d).toEqual({ action: 'none', versionClock: { laptop: 1 } });
  });

  it('creates a new file with content, mode and mtime, on the default basis', () => {
    expect(decidePresent(undefined, undefined, disk(H1, 0o755))).toEqual({
      action: 'create',
      change: { content: content(H1), fields: { mode: 0o755, mtimeMs: 5 } },
    });
  });

  it('an edit is recorded on the basis of the version the disk came from, without the mode it did not change', () => {
    const d = decidePresent(
      indexed(H1, { laptop: 1 }),
      view(content(H2), { laptop: 1, desktop: 1 }, { mode: 0o644 }),
      disk('3'.repeat(64)),
    );
    expect(d).toEqual({
      action: 'update',
      change: {
        content: content('3'.repeat(64)),
        fields: { mtimeMs: 5 },
        basis: { laptop: 1 },
      },
    });
  });

  it('a chmod on the same content is metadata only: the whole mode, no mtime', () => {
    for (const [before, after] of [
      [0o644, 0o755],
      [0o644, 0o640],
      [0o755, 0o700],
    ] as const) {
      const d = decidePresent(
        indexed(H1, { laptop: 1 }, 0o100000 | before),
        view(content(H1), { laptop: 1 }, { mode: before }),
        disk(H1, after),
      );
      expect(d).toEqual({
        action: 'update',
        change: { fields: { mode: after }, basis: { laptop: 1 } },
      });
    }
  });

  it('a file an older event described (exec only): x as it says is no change; another chmod is', () => {
    const old = view(content(H1), { laptop: 1 }, { exec: true });
    expect(decidePresent(indexed(H1, { laptop: 1 }, 0o100755), old, disk(H1, 0o755))).toEqual({
      action: 'none',
      versionClock: { laptop: 1 },
    });
    expect(decidePresent(indexed(H1, { laptop: 1 }, 0o100755), old, disk(H1, 0o750))).toEqual({
      action: 'update',
      change: { fields: { mode: 0o750 }, basis: { laptop: 1 } },
    });
  });

  it('a file never indexed here, at a path that exists with other content, forks: empty basis', () => {
    const d = decidePresent(undefined, view(content(H2), { desktop: 1 }), disk(H1));
    expect(d).toMatchObject({ action: 'update', change: { basis: {} } });
  });

  it('an edit of a file deleted remotely (not yet trashed here) re-creates it concurrently', () => {
    const d = decidePresent(
      indexed(H1, { laptop: 1 }),
      view(null, { laptop: 1, desktop: 1 }),
      disk(H2),
    );
    expect(d).toMatchObject({ action: 'create', change: { basis: { laptop: 1 } } });
  });

  it('folders: recorded once, as the directory marker, without file fields', () => {
    const dir: DiskContent = { content: DIRECTORY_CONTENT, mode: 0o755, mtimeMs: 1 };
    expect(decidePresent(undefined, undefined, dir)).toEqual({
      action: 'create',
      change: { content: DIRECTORY_CONTENT },
    });
    expect(decidePresent(undefined, view(DIRECTORY_CONTENT, { desktop: 1 }), dir)).toMatchObject({
      action: 'none',
    });
  });

  it('gone: a delete on the indexed basis, or nothing if the store has it gone already', () => {
    expect(decideGone(indexed(H1, { laptop: 2 }), view(content(H1), { laptop: 2 }))).toEqual({
      action: 'delete',
      basis: { laptop: 2 },
    });
    expect(decideGone(indexed(H1, { laptop: 2 }), view(null, { laptop: 3 }))).toEqual({
      action: 'forget',
    });
    expect(decideGone(indexed(H1, { laptop: 2 }), undefined)).toEqual({ action: 'forget' });
  });

  it('basis: index first; none for an unindexed new path; empty against someone else’s file', () => {
    expect(basisFor(indexed(H1, { a: 1 }), undefined)).toEqual({ a: 1 });
    expect(basisFor(indexed(H1, null), view(content(H1), { a: 1 }))).toBeUndefined();
    expect(basisFor(undefined, undefined)).toBeUndefined();
    expect(basisFor(undefined, view(null, { a: 1 }))).toBeUndefined();
    expect(basisFor(undefined, view(content(H1), { a: 1 }))).toEqual({});
  });
});
