// @vitest-environment jsdom
import { describe, expect, it, vi } from 'vitest';
import { createFakeCore, fakeTransport } from '../testing/fakeCore.js';
import { appState } from '../testing/fakeData.js';
import { connectStore } from './connectStore.js';
import { createAppStore } from './createAppStore.js';
import { rowAt } from './filesSlice.js';
import { INFO_NOTICE_MS } from './statusSlice.js';

/** One folder of `files` files at the top (`flat`): pages of 500 rows to cache. */
const setup = (files = 1_300) => {
  const core = createFakeCore({ files, flat: true });
  const transport = fakeTransport(core);
  const store = createAppStore({
    client: core,
    upload: transport.upload,
    pageSize: 500,
    searchDebounceMs: 200,
  });
  const disconnect = connectStore(store, transport);
  return { core, transport, store, disconnect };
};

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('pushes', () => {
  it('mirrors state pushes and re-broadcasts them as a DOM event for e2e waits', async () => {
    const { core, store } = setup();
    await settle();
    expect(store.getState().status.app?.phase).toBe('synced');
    const seen: unknown[] = [];
    window.addEventListener('netguardian:state', (e) => seen.push((e as CustomEvent).detail));
    const syncing = appState({ phase: 'syncing' });
    core.push({ channel: 'state', payload: syncing });
    expect(store.getState().status.app).toEqual(syncing);
    expect(seen).toEqual([syncing]);
  });

  it('puts pushed activity first, before what activity:list returned', async () => {
    const { core, store } = setup();
    await settle();
    core.push({
      channel: 'activity',
      payload: { id: 9, at: 1, kind: 'upload', message: 'a.txt uploaded' },
    });
    expect(store.getState().activity.items?.[0]?.message).toBe('a.txt uploaded');
    expect(store.getState().activity.items).toHaveLength(4);
  });

  it('refetches the conflict list on conflicts:changed', async () => {
    const { core, store } = setup();
    await settle();
    expect(store.getState().conflicts.list).toHaveLength(2);
    core.conflicts = core.conflicts.slice(1);
    core.push({ channel: 'conflicts:changed', payload: { count: 1 } });
    await settle();
    expect(store.getState().conflicts.list?.map((c) => c.path)).toEqual(['Photos/2024/beach.png']);
  });

  it('mirrors import progress', () => {
    const { core, store } = setup();
    const progress = { done: 2, total: 5, bytes: 100, totalBytes: 400 };
    core.push({ channel: 'import:progress', payload: progress });
    expect(store.getState().upload.progress).toEqual(progress);
  });

  it('reads everything again when the connection comes back (pushes were missed)', async () => {
    const { core, transport } = setup();
    await settle();
    transport.setConnection('offline');
    const before = core.calls.length;
    transport.setConnection('online');
    await settle();
    const channels = core.calls.slice(before).map((c) => c.channel);
    expect(channels).toEqual(
      expect.arrayContaining(['state:get', 'activity:list', 'conflicts:list']),
    );
  });
});

describe('paged file cache', () => {
  it('fetches only the pages the viewport needs, once', async () => {
    const { core, store } = setup();
    store.getState().showFileRange(0, 40);
    store.getState().showFileRange(0, 45); // same page, still in flight
    await settle();
    expect(core.callsOf('files:list')).toEqual([{ query: '', folder: '', offset: 0, limit: 500 }]);
    expect(store.getState().files.total).toBe(1_300);

    store.getState().showFileRange(480, 530); // straddles pages 0 and 1
    await settle();
    expect(core.callsOf('files:list').map((c) => c.offset)).toEqual([0, 500]);
    // Page 1 follows the cached page 0: asked for by page 0's key, not by walking 500 rows.
    expect(core.callsOf('files:list')[1]).toMatchObject({ after: `f1:${core.files[499]?.path}` });
    const { pages } = store.getState().files;
    expect(rowAt(pages, 520)?.path).toBe(core.files[520]?.path);
  });

  it('jumps to a page whose previous page is not cached by offset', async () => {
    const { core, store } = setup();
    store.getState().showFileRange(0, 40);
    await settle();
    store.getState().showFileRange(1_200, 1_210);
    await settle();
    expect(core.callsOf('files:list')[1]).toEqual({
      query: '',
      folder: '',
      offset: 1_000,
      limit: 500,
    });
    expect(rowAt(store.getState().files.pages, 1_205)?.path).toBe(core.files[1_205]?.path);
  });

  it('on files:changed refetches the visible pages and forgets the others', async () => {
    const { core, store } = setup();
    store.getState().showFileRange(0, 40);
    await settle();
    store.getState().showFileRange(900, 940);
    await settle();
    expect(Object.keys(store.getState().files.pages)).toEqual(['0', '1']);
    core.files = core.files.map((f, i) => (i === 910 ? { ...f, state: 'conflict' } : f));
    core.push({ channel: 'files:changed', payload: { paths: [core.files[910]!.path] } });
    await settle();
    expect(core.callsOf('files:list').map((c) => c.offset)).toEqual([0, 500, 500]);
    expect(Object.keys(store.getState().files.pages)).toEqual(['1']);
    expect(rowAt(store.getState().files.pages, 910)?.state).toBe('conflict');
  });

  it('debounces search and drops pages of the old query', async () => {
    vi.useFakeTimers();
    try {
      const { core, store } = setup();
      store.getState().showFileRange(0, 40);
      await vi.runAllTimersAsync();
      store.getState().setFileSearch('t');
      store.getState().setFileSearch('ta');
      store.getState().setFileSearch('taxes');
      expect(store.getState().files.input).toBe('taxes');
      await vi.advanceTimersByTimeAsync(199);
      expect(core.callsOf('files:list')).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(1);
      await vi.runAllTimersAsync();
      expect(core.callsOf('files:list').at(-1)).toEqual({
        query: 'taxes',
        folder: '',
        offset: 0,
        limit: 500,
      });
      const { total, pages } = store.getState().files;
      expect(total).toBe(core.files.filter((f) => f.path.toLowerCase().includes('taxes')).length);
      expect(rowAt(pages, 0)?.path).toContain('Taxes');
    } finally {
      vi.useRealTimers();
    }
  });

  it('ignores an answer for a query that was replaced meanwhile', async () => {
    const core = createFakeCore({ files: 1_300 });
    let release!: () => void;
    const slow = new Promise<void>((resolve) => (release = resolve));
    core.gate = (_channel, payload) =>
      (payload as { query?: string }).query === 'photos' ? slow : Promise.resolve();
    const s = createAppStore({
      client: core,
      upload: () => Promise.resolve({ files: 0, folders: 0, bytes: 0 }),
      searchDebounceMs: 0,
    });
    s.getState().setFileSearch('photos');
    s.getState().setFileSearch('music');
    await settle();
    release();
    await settle();
    expect(s.getState().files.query).toBe('music');
    expect(rowAt(s.getState().files.pages, 0)?.path).toContain('Music');
  });

  it('shows the error of a failed page in plain words', async () => {
    const { core, store } = setup();
    core.failing['files:list'] = { code: 'StoreError', message: 'The local database is busy.' };
    store.getState().showFileRange(0, 10);
    await settle();
    expect(store.getState().files.error).toBe('The local database is busy.');
  });
});

describe('actions', () => {
  it('reports the outcome of Sync now and Pause', async () => {
    const { core, store } = setup();
    await store.getState().syncNow();
    expect(store.getState().notice).toEqual({ kind: 'info', text: 'Sync started.' });
    core.failing['sync:pause'] = { code: 'StoreError', message: 'The core is shutting down.' };
    await store.getState().setPaused(true);
    expect(store.getState().notice).toEqual({ kind: 'error', text: 'The core is shutting down.' });
  });

  it('resolves many conflicts in one call and keeps failures actionable', async () => {
    const { core, store } = setup();
    await settle();
    await store.getState().resolveConflicts([
      { path: 'Documents/notes.md', keep: 'mine' },
      { path: 'gone.txt', keep: 'theirs' },
    ]);
    expect(core.callsOf('conflicts:resolve')).toHaveLength(1);
    const c = store.getState().conflicts;
    expect(c.results?.map((r) => r.ok)).toEqual([true, false]);
    expect(c.resolving).toEqual(['Documents/notes.md']);
  });
});

describe('notices', () => {
  it('an informing notice goes away by itself; an error stays until dismissed', async () => {
    vi.useFakeTimers();
    try {
      const { store } = setup();
      store.getState().notify('info', 'Sync started.');
      await vi.advanceTimersByTimeAsync(INFO_NOTICE_MS - 1);
      expect(store.getState().notice?.text).toBe('Sync started.');
      await vi.advanceTimersByTimeAsync(1);
      expect(store.getState().notice).toBeNull();

      store.getState().notify('error', 'The hub refused the change.');
      await vi.advanceTimersByTimeAsync(INFO_NOTICE_MS * 3);
      expect(store.getState().notice?.text).toBe('The hub refused the change.');

      // A newer notice is not cut short by an older one's time.
      store.getState().notify('info', 'First.');
      await vi.advanceTimersByTimeAsync(INFO_NOTICE_MS - 100);
      store.getState().notify('info', 'Second.');
      await vi.advanceTimersByTimeAsync(200);
      expect(store.getState().notice?.text).toBe('Second.');
    } finally {
      vi.useRealTimers();
    }
  });
});
