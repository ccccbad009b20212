import { describe, expect, it } from 'vitest';
import { FileEntity } from '../../../src-shared/crdt/fileEntity.js';
import type { CrdtEvent } from '../../../src-shared/events/event.js';
import { planResolution } from './conflictChoice.js';

/**
 * A conflict on docs/plan.md: this device (laptop) edited at 20:46:30 while off and recorded it at
 * 20:50:00; desktop edited at 20:46:35 and recorded it at once. Desktop's is the newer edit, so
 * it is the file, and laptop's is the conflict copy. Copy names are written out by hand.
 */
const at = (hhmmss: string) => Date.parse(`2026-11-26T${hhmmss}.000Z`);
const MINE_HASH = 'a'.repeat(64);
const THEIRS_HASH = 'b'.repeat(64);
const MINE_COPY = 'docs/plan.conflict-laptop-20261126-205000-aaaaaaaa.md';
const THEIRS_COPY = 'docs/plan.conflict-desktop-20261126-204636-bbbbbbbb.md';
/** The names copies had before they were unique per version, still in users' folders. */
const OLD_MINE_COPY = 'docs/plan.conflict-laptop-20261126-205000.md';
const OLD_THEIRS_COPY = 'docs/plan.conflict-desktop-20261126-204636.md';
const oldCopies = [
  { path: OLD_THEIRS_COPY, hash: THEIRS_HASH },
  { path: OLD_MINE_COPY, hash: MINE_HASH },
];

function edit(node: string, recorded: number, mtimeMs: number, hash: string): CrdtEvent {
  return {
    eventId: `${node}:1`,
    spaceId: 's',
    entityId: 'docs/plan.md',
    kind: 'FileCreated',
    data: { content: { hash, size: 3 }, fields: { mtimeMs } },
    timestamp: new Date(recorded).toISOString(),
    hlc: `${String(recorded).padStart(15, '0')}-000000-${node}`,
    nodeId: node,
    seq: 1,
    vectorClock: { [node]: 1 },
  };
}

const mine = edit('laptop', at('20:50:00'), at('20:46:30'), MINE_HASH);
const theirs = edit('desktop', at('20:46:36'), at('20:46:35'), THEIRS_HASH);
const view = FileEntity.fromEvents('docs/plan.md', [mine, theirs]).get();

describe('planResolution', () => {
  it('the newer edit is the file, the other the conflict', () => {
    expect(view.winner?.id).toBe('desktop:1');
    expect(view.conflicts.map((v) => v.id)).toEqual(['laptop:1']);
  });

  it('keep mine: my content with its modification time, and no copy left', () => {
    const plan = planResolution(view, 'docs/plan.md', 'mine', 'laptop');
    if (!plan.ok) throw plan.error;
    expect(plan.value.event).toEqual({
      kind: 'ConflictResolved',
      data: {
        content: { hash: MINE_HASH, size: 3 },
        resolves: ['desktop:1', 'laptop:1'],
        fields: { mtimeMs: at('20:46:30') },
      },
    });
    expect(plan.value.copies).toEqual([]);
    // Mine was the copy: it goes too, its content is at the path now.
    expect(plan.value.discarded).toEqual([
      { path: THEIRS_COPY, hash: THEIRS_HASH },
      { path: MINE_COPY, hash: MINE_HASH },
      ...oldCopies,
    ]);
  });

  it('keep theirs: their content, and no copy left', () => {
    const plan = planResolution(view, 'docs/plan.md', 'theirs', 'laptop');
    if (!plan.ok) throw plan.error;
    expect(plan.value.event.data.content).toEqual({ hash: THEIRS_HASH, size: 3 });
    expect(plan.value.event.data.fields).toEqual({ mtimeMs: at('20:46:35') });
    expect(plan.value.copies).toEqual([]);
    expect(plan.value.discarded).toEqual([
      { path: THEIRS_COPY, hash: THEIRS_HASH },
      { path: MINE_COPY, hash: MINE_HASH },
      ...oldCopies,
    ]);
  });

  it('keep both: the file stays, the other version stays as its copy', () => {
    const plan = planResolution(view, 'docs/plan.md', 'both', 'desktop');
    if (!plan.ok) throw plan.error;
    expect(plan.value.event.data.content).toEqual({ hash: THEIRS_HASH, size: 3 });
    // The copy carries its version's modification time: every device gives it the same one.
    expect(plan.value.copies).toEqual([
      { path: MINE_COPY, content: { hash: MINE_HASH, size: 3 }, mtimeMs: at('20:46:30') },
    ]);
    // Only duplicates go: a copy of the file's own version (left from when it lost), and
    // copies under the old names.
    expect(plan.value.discarded).toEqual([{ path: THEIRS_COPY, hash: THEIRS_HASH }, ...oldCopies]);
  });

  it('keep one version by its event id', () => {
    const plan = planResolution(view, 'docs/plan.md', { eventId: 'laptop:1' }, 'desktop');
    if (!plan.ok) throw plan.error;
    expect(plan.value.event.data.content).toEqual({ hash: MINE_HASH, size: 3 });
    expect(plan.value.discarded.map((d) => d.path)).toEqual([
      THEIRS_COPY,
      MINE_COPY,
      OLD_THEIRS_COPY,
      OLD_MINE_COPY,
    ]);
    const missing = planResolution(view, 'docs/plan.md', { eventId: 'nope' }, 'desktop');
    expect(missing.ok ? 'ok' : missing.error.code).toBe('NotFound');
  });

  it('refuses a file with no conflict', () => {
    const single = FileEntity.fromEvents('docs/plan.md', [mine]).get();
    const plan = planResolution(single, 'docs/plan.md', 'mine', 'laptop');
    expect(plan.ok ? 'ok' : plan.error.code).toBe('NoConflict');
  });
});
