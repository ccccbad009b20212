import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFakeCore } from '../testing/fakeCore.js';
import { UNDO_MS } from './conflictsSlice.js';
import { createAppStore } from './createAppStore.js';

const NOTES = 'Documents/notes.md';
const BEACH = 'Photos/2024/beach.png';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

async function setup() {
  const core = createFakeCore();
  const store = createAppStore({
    client: core,
    upload: () => Promise.resolve({ files: 0, folders: 0, bytes: 0 }),
  });
  await store.getState().loadConflicts();
  return { core, store };
}

describe('the undo window of conflict choices', () => {
  it('restarts with each choice, then sends every waiting choice in one call', async () => {
    const { core, store } = await setup();
    store.getState().chooseResolutions([{ path: NOTES, keep: 'theirs' }]);
    await vi.advanceTimersByTimeAsync(UNDO_MS - 1_000);
    store.getState().chooseResolutions([{ path: BEACH, keep: 'mine' }]);
    // The first choice's own 6 s have passed, but the window runs from the latest choice.
    await vi.advanceTimersByTimeAsync(UNDO_MS - 1);
    expect(core.callsOf('conflicts:resolve')).toEqual([]);
    expect(store.getState().conflicts.waiting).toEqual([NOTES, BEACH]);

    await vi.advanceTimersByTimeAsync(1);
    expect(core.callsOf('conflicts:resolve')).toEqual([
      {
        items: [
          { path: NOTES, keep: 'theirs' },
          { path: BEACH, keep: 'mine' },
        ],
      },
    ]);
    expect(store.getState().conflicts.waiting).toEqual([]);
    expect(store.getState().conflicts.resolving).toEqual([NOTES, BEACH]);
  });

  it('sends the latest choice for a path chosen twice', async () => {
    const { core, store } = await setup();
    store.getState().chooseResolutions([{ path: NOTES, keep: 'theirs' }]);
    store.getState().chooseResolutions([{ path: NOTES, keep: 'both' }]);
    await vi.advanceTimersByTimeAsync(UNDO_MS);
    expect(core.callsOf('conflicts:resolve')).toEqual([{ items: [{ path: NOTES, keep: 'both' }] }]);
  });

  it('undoes one choice and sends the others; undoing the last stops the window', async () => {
    const { core, store } = await setup();
    store.getState().chooseResolutions([
      { path: NOTES, keep: 'theirs' },
      { path: BEACH, keep: 'both' },
    ]);
    store.getState().undoResolution(NOTES);
    await vi.advanceTimersByTimeAsync(UNDO_MS);
    expect(core.callsOf('conflicts:resolve')).toEqual([{ items: [{ path: BEACH, keep: 'both' }] }]);

    store.getState().chooseResolutions([{ path: NOTES, keep: 'mine' }]);
    store.getState().undoResolution();
    expect(vi.getTimerCount()).toBe(0);
    await store.getState().flushResolutions();
    expect(core.callsOf('conflicts:resolve')).toHaveLength(1);
  });

  it('says on each path that the call failed, and makes it choosable again', async () => {
    const { core, store } = await setup();
    core.failing['conflicts:resolve'] = {
      code: 'StoreError',
      message: 'The store could not record the choice.',
    };
    store.getState().chooseResolutions([{ path: NOTES, keep: 'theirs' }]);
    await store.getState().flushResolutions();
    const c = store.getState().conflicts;
    expect(c.resolving).toEqual([]);
    expect(c.waiting).toEqual([]);
    expect(c.results).toEqual([
      { path: NOTES, ok: false, error: 'The store could not record the choice.' },
    ]);
  });
});
