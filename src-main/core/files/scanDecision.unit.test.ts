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

  it('an edit while a chmod from elsewhere has not reached the disk: content only, the chmod stays', () => {
    // Indexed 0644; the store has 0600 (another device's chmod, not applied here yet).
    const d = decidePresent(
      indexed(H1, { laptop: 1 }, 0o100644),
      view(content(H1), { laptop: 1, desktop: 1 }, { mode: 0o600 }),
      disk(H2, 0o644),
    );
    expect(d).toEqual({
      action: 'update',
      change: { content: content(H2), fields: { mtimeMs: 5 }, basis: { laptop: 1 } },
    });
  });

  it('an edit and a chmod here, the store having other bits: both recorded', () => {
    const d = decidePresent(
      indexed(H1, { laptop: 1 }, 0o100644),
      view(content(H1), { laptop: 1, desktop: 1 }, { mode: 0o600 }),
      disk(H2, 0o640),
    );
    expect(d).toEqual({
      action: 'update',
      change: { content: content(H2), fields: { mode: 0o640, mtimeMs: 5 }, basis: { laptop: 1 } },
    });
  });

  it('the store’s content written here before the materializer did, bits behind: nothing', () => {
    const d = decidePresent(
      indexed(H1, { laptop: 1 }, 0o100644),
      view(content(H2), { laptop: 1, desktop: 1 }, { mode: 0o600 }),
      disk(H2, 0o644),
    );
    expect(d).toEqual({ action: 'none', versionClock: { laptop: 1, desktop: 1 } });
  });

  it('a deleted file written again carries its bits, even as indexed', () => {
    const d = decidePresent(
      indexed(H1, { laptop: 1 }, 0o100644),
      view(null, { laptop: 1, desktop: 1 }, { mode: 0o644 }),
      disk(H2, 0o644),
    );
    expect(d).toEqual({
      action: 'create',
      change: { content: content(H2), fields: { mode: 0o644, mtimeMs: 5 }, basis: { laptop: 1 } },
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

describe('scan decisions for folders', () => {
  const folder = (mode: number): DiskContent => ({ content: DIRECTORY_CONTENT, mode, mtimeMs: 1 });
  const dirView = (fields: FileView['fields']) => view(DIRECTORY_CONTENT, { desktop: 1 }, fields);
  const dirIndexed = (mode: number) => indexed(null, { desktop: 1 }, 0o040000 | mode);

  it('a new folder: the directory marker and its bits, no mtime', () => {
    expect(decidePresent(undefined, undefined, folder(0o750))).toEqual({
      action: 'create',
      change: { content: DIRECTORY_CONTENT, fields: { folderMode: 0o750 } },
    });
  });

  it('a folder as the store has it, bits included: nothing', () => {
    expect(decidePresent(dirIndexed(0o755), dirView({ folderMode: 0o755 }), folder(0o755))).toEqual(
      {
        action: 'none',
        versionClock: { desktop: 1 },
      },
    );
  });

  it('a chmod of a folder: its bits alone, on the basis of the index', () => {
    expect(decidePresent(dirIndexed(0o755), dirView({ folderMode: 0o755 }), folder(0o700))).toEqual(
      {
        action: 'update',
        change: { fields: { folderMode: 0o700 }, basis: { desktop: 1 } },
      },
    );
  });

  it('a folder whose bits the store changed, not applied here yet: nothing (only behind)', () => {
    expect(decidePresent(dirIndexed(0o755), dirView({ folderMode: 0o555 }), folder(0o755))).toEqual(
      {
        action: 'none',
        versionClock: { desktop: 1 },
      },
    );
  });

  it('a folder the store has, never indexed here: its bits are the materializer’s to set', () => {
    // mkdir made it 0755 (the umask's), the store says 0700: no change recorded.
    expect(decidePresent(undefined, dirView({ folderMode: 0o700 }), folder(0o755))).toEqual({
      action: 'none',
      versionClock: { desktop: 1 },
    });
  });

  it('a file’s `mode` at the same path (a file it replaced, or lost to) says nothing of the folder', () => {
    const both = dirView({ mode: 0o644, folderMode: 0o755 });
    expect(decidePresent(dirIndexed(0o755), both, folder(0o755))).toEqual({
      action: 'none',
      versionClock: { desktop: 1 },
    });
    expect(decidePresent(dirIndexed(0o755), dirView({ mode: 0o644 }), folder(0o755))).toEqual({
      action: 'none',
      versionClock: { desktop: 1 },
    });
  });

  it('a folder from before folders’ modes synced (no mode): as indexed is nothing; a chmod is a change', () => {
    expect(decidePresent(dirIndexed(0o755), dirView({}), folder(0o755))).toEqual({
      action: 'none',
      versionClock: { desktop: 1 },
    });
    expect(decidePresent(undefined, dirView({}), folder(0o775))).toMatchObject({
      action: 'none',
    });
    expect(decidePresent(dirIndexed(0o755), dirView({}), folder(0o750))).toEqual({
      action: 'update',
      change: { fields: { folderMode: 0o750 }, basis: { desktop: 1 } },
    });
  });
});
