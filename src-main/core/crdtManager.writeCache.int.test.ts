import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VectorClock } from '../../src-shared/crdt/vectorClock.js';
import type { ContentRef } from '../../src-shared/events/event.js';
import { CRDTManager } from './crdtManager.js';
import { EventStore } from './store/eventStore.js';
import { openPgliteClient } from './store/pgliteClient.js';

/**
 * CRDTManager's local writes start from the snapshot its own last write left (a write cache) and
 * append with one statement guarded by the snapshot row's version. These tests change a file
 * behind a manager's back, as another writer of the same store would (a peer pushing into this
 * device's store, a second manager), and check that no write is built on the stale state: nothing
 * lost, no false conflict, no wrong refusal, and the snapshot always the fold of the log.
 */

const BASE_MS = Date.UTC(2026, 2, 1, 9, 0, 0);
const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const body = (text: string): ContentRef => ({ hash: sha(text), size: text.length });

let store: EventStore;
beforeAll(async () => {
  store = await EventStore.open(await openPgliteClient());
});
afterAll(async () => {
  await store?.close();
});

/** Two managers of one store and space (as two writers of one store would be). */
async function twoWriters() {
  const spaceId = `sp-${randomUUID().slice(0, 8)}`;
  let ms = BASE_MS;
  const now = () => (ms += 10);
  const open = (nodeId: string) => CRDTManager.open({ store, spaceId, nodeId, now });
  return { spaceId, mine: await open('dev-mine'), other: await open('dev-other') };
}

function unwrap<T>(r: { ok: true; value: T } | { ok: false; error: Error }): T {
  if (!r.ok) throw r.error;
  return r.value;
}

/** The snapshot equals a rebuild of the file from the log alone. */
async function expectSnapshotIsFold(manager: CRDTManager, path: string): Promise<void> {
  const live = await manager.getFileState(path);
  expect((await manager.rebuildStateFromEvents(path)).get(path)).toEqual(live);
}

describe('CRDTManager write cache', () => {
  it('builds on the change another writer made behind its back: nothing lost, no false conflict', async () => {
    const { mine, other } = await twoWriters();
    unwrap(await mine.createFileState('a.txt', { content: body('1') }));
    unwrap(await mine.updateFileState('a.txt', { content: body('2') })); // cached by now
    unwrap(await other.updateFileState('a.txt', { content: body('3') }));
    const after = unwrap(await mine.updateFileState('a.txt', { content: body('4') }));
    // Our write saw the other one (its clock dominates), so it replaced it instead of conflicting.
    expect(after.content).toEqual(body('4'));
    expect(after.conflicts).toEqual([]);
    expect(VectorClock.from(after.clock).toJSON()).toEqual({ 'dev-mine': 3, 'dev-other': 1 });
    await expectSnapshotIsFold(mine, 'a.txt');
    const events = await store.eventsForEntity(mine.spaceId, 'a.txt');
    expect(events.map((e) => `${e.nodeId}:${e.seq}`)).toEqual([
      'dev-mine:1',
      'dev-mine:2',
      'dev-other:1',
      'dev-mine:3',
    ]);
  });

  it('re-checks a refusal against the store: a file re-created behind its back can be updated', async () => {
    const { mine, other } = await twoWriters();
    unwrap(await mine.createFileState('b.txt', { content: body('1') }));
    unwrap(await mine.deleteFileState('b.txt')); // cached: deleted
    unwrap(await other.createFileState('b.txt', { content: body('2') }));
    const updated = unwrap(await mine.updateFileState('b.txt', { content: body('3') }));
    expect(updated.exists).toBe(true);
    expect(updated.content).toEqual(body('3'));
    await expectSnapshotIsFold(mine, 'b.txt');
  });

  it('refuses what the store refuses, even when the cache does not know the file', async () => {
    const { mine, other } = await twoWriters();
    unwrap(await other.createFileState('c.txt', { content: body('1') }));
    // Unknown to `mine`: guessed new, and the guess is checked before anything is written.
    const again = await mine.createFileState('c.txt', { content: body('2') });
    expect(again.ok ? 'ok' : again.error.code).toBe('InvalidArgument');
    const missing = await mine.updateFileState('nope.txt', { content: body('x') });
    expect(missing.ok ? 'ok' : missing.error.code).toBe('NotFound');
    expect(await store.countEvents(mine.spaceId)).toBe(1);
    // And updates a file it never wrote.
    unwrap(await mine.updateFileState('c.txt', { content: body('3') }));
    await expectSnapshotIsFold(mine, 'c.txt');
  });

  it('keeps seqs gap-free and snapshots in step through interleaved writers and a rebuild', async () => {
    const { mine, other, spaceId } = await twoWriters();
    for (let i = 0; i < 12; i++) {
      const path = `f${i % 3}.txt`;
      const writer = i % 4 === 1 ? other : mine;
      const state = await writer.getFileState(path);
      unwrap(
        state?.exists
          ? await writer.updateFileState(path, { content: body(`${i}`) })
          : await writer.createFileState(path, { content: body(`${i}`) }),
      );
      if (i === 6) await mine.rebuildStateFromEvents();
    }
    expect(await store.getFrontier(spaceId)).toEqual({ 'dev-mine': 9, 'dev-other': 3 });
    for (const path of ['f0.txt', 'f1.txt', 'f2.txt']) await expectSnapshotIsFold(mine, path);
    const rebuilt = await mine.rebuildStateFromEvents();
    for (const [path, view] of rebuilt) expect(await mine.getFileState(path)).toEqual(view);
  });
});
