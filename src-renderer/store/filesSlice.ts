import type { FileRow, FileSortKey } from '../../src-shared/ipc/contract.js';
import { messageOf } from '../transport/remoteError.js';
import type { FilesSlice, GetStore, SetStore, SliceCreator } from './types.js';

export const DEFAULT_PAGE_SIZE = 500;
export const DEFAULT_SEARCH_DEBOUNCE_MS = 250;

/** Page indices covering rows start..end (inclusive). */
export const pagesFor = (start: number, end: number, pageSize: number): number[] => {
  const pages: number[] = [];
  for (let p = Math.floor(Math.max(0, start) / pageSize); p <= Math.floor(end / pageSize); p++)
    pages.push(p);
  return pages;
};

/** The row at `index` if its page is cached (else the list draws a placeholder). */
export const rowAt = (
  pages: Readonly<Record<number, readonly FileRow[]>>,
  index: number,
  pageSize = DEFAULT_PAGE_SIZE,
): FileRow | undefined => pages[Math.floor(index / pageSize)]?.[index % pageSize];

/** The order to ask for: nothing for the default (names from A), as the core's own default. */
const sortOf = ({ sort, descending }: { sort: FileSortKey; descending: boolean }) =>
  sort === 'name' && !descending ? {} : { sort, descending };

/**
 * A paged cache of files:list, one folder at a time (`folder`: its children, folders first; a
 * search looks under it), with back and forward like a file manager's. The list asks for the
 * rows on screen (showFileRange); missing
 * pages are fetched once. A new query starts a new generation: answers for an older query or an
 * older request of the same page are dropped, so a slow page never overwrites a newer one.
 * On files:changed only the pages on screen are refetched; the rest are forgotten.
 *
 * A page whose previous page is cached is asked for by key (the previous page's `next`), so
 * scrolling down a list of a million rows costs the same per page at its end as at its start;
 * a jump to a page nobody fetched before it is asked for by offset.
 */
export const createFilesSlice: SliceCreator<FilesSlice> = (deps, set, get) => {
  const pageSize = deps.pageSize ?? DEFAULT_PAGE_SIZE;
  const debounceMs = deps.searchDebounceMs ?? DEFAULT_SEARCH_DEBOUNCE_MS;
  let generation = 0;
  let requestSeq = 0;
  /** Latest request per page of this generation; also marks a page as in flight. */
  const latest = new Map<number, number>();
  const inFlight = new Set<number>();
  /** Each cached page's `next` in this generation: where the page after it starts. */
  const nextKeys = new Map<number, string | null>();
  let searchTimer: ReturnType<typeof setTimeout> | null = null;

  const fetchPage = async (page: number): Promise<void> => {
    const gen = generation;
    const seq = ++requestSeq;
    latest.set(page, seq);
    inFlight.add(page);
    const after = page > 0 ? nextKeys.get(page - 1) : undefined;
    try {
      const result = await deps.client.call('files:list', {
        query: get().files.query,
        folder: get().files.folder,
        offset: page * pageSize,
        limit: pageSize,
        ...sortOf(get().files),
        ...(typeof after === 'string' ? { after } : {}),
      });
      if (gen !== generation || latest.get(page) !== seq) return;
      nextKeys.set(page, result.next);
      set((s) => ({
        files: {
          ...s.files,
          total: result.total,
          error: null,
          pages: { ...s.files.pages, [page]: result.rows },
        },
      }));
    } catch (error) {
      if (gen !== generation || latest.get(page) !== seq) return;
      set((s) => ({ files: { ...s.files, error: messageOf(error) } }));
    } finally {
      if (latest.get(page) === seq) inFlight.delete(page);
    }
  };

  const visiblePages = (get: GetStore): number[] => {
    const { visible, total } = get().files;
    const last = total === null ? visible.end : Math.min(visible.end, Math.max(total - 1, 0));
    return pagesFor(visible.start, Math.max(last, visible.start), pageSize);
  };

  /** A new listing: `query` under `folder` (the current folder when not given). */
  const startQuery = (set: SetStore, query: string, folder?: string) => {
    generation += 1;
    latest.clear();
    inFlight.clear();
    nextKeys.clear();
    set((s) => ({
      files: {
        ...s.files,
        query,
        folder: folder ?? s.files.folder,
        total: null,
        pages: {},
        error: null,
        visible: { start: 0, end: 0 },
      },
    }));
    return fetchPage(0);
  };

  /** Shows `folder`'s children, the search box emptied; `history` says where back and forward go. */
  const show = (folder: string, history: { back: string[]; forward: string[] }) => {
    if (searchTimer !== null) clearTimeout(searchTimer);
    searchTimer = null;
    set((s) => ({ files: { ...s.files, input: '', selected: null, ...history } }));
    set((s) => ({ history: { ...s.history, path: null, entries: null, error: null } }));
    void startQuery(set, '', folder);
  };

  return {
    files: {
      input: '',
      query: '',
      total: null,
      pages: {},
      error: null,
      visible: { start: 0, end: 0 },
      selected: null,
      folder: '',
      back: [],
      forward: [],
      sort: 'name',
      descending: false,
    },

    sortFiles(by) {
      const { sort, descending, query } = get().files;
      // The same column again turns the order round; another starts where people look first:
      // names from A, the largest and the newest on top.
      const next = by === sort ? !descending : by !== 'name';
      set((s) => ({ files: { ...s.files, sort: by, descending: next } }));
      void startQuery(set, query);
    },

    browseFolder(folder) {
      const { folder: current, back, query } = get().files;
      if (folder === current && query === '') return;
      show(folder, { back: [...back, current], forward: [] });
    },

    goBack() {
      const { folder, back, forward } = get().files;
      const to = back.at(-1);
      if (to === undefined) return;
      show(to, { back: back.slice(0, -1), forward: [folder, ...forward] });
    },

    goForward() {
      const { folder, back, forward } = get().files;
      const to = forward[0];
      if (to === undefined) return;
      show(to, { back: [...back, folder], forward: forward.slice(1) });
    },

    setFileSearch(input) {
      set((s) => ({ files: { ...s.files, input } }));
      if (searchTimer !== null) clearTimeout(searchTimer);
      const run = () => {
        searchTimer = null;
        if (get().files.query !== input.trim() || get().files.total === null)
          void startQuery(set, input.trim());
      };
      if (debounceMs <= 0) run();
      else searchTimer = setTimeout(run, debounceMs);
    },

    showFileRange(start, end) {
      set((s) => ({ files: { ...s.files, visible: { start, end } } }));
      const { pages } = get().files;
      for (const page of visiblePages(get))
        if (pages[page] === undefined && !inFlight.has(page)) void fetchPage(page);
    },

    async refreshFiles() {
      const wanted = visiblePages(get);
      // Keys of the old rows may no longer end a page at its index: the pages go by offset.
      nextKeys.clear();
      // Keep the rows on screen (no flicker) and forget the rest: they may be stale.
      set((s) => ({
        files: {
          ...s.files,
          pages: Object.fromEntries(
            wanted.flatMap((p) => (s.files.pages[p] ? [[p, s.files.pages[p]]] : [])),
          ),
        },
      }));
      await Promise.all(wanted.map((page) => fetchPage(page)));
    },

    selectFile(row) {
      set((s) => ({ files: { ...s.files, selected: row && { path: row.path, kind: row.kind } } }));
      if (row?.kind === 'file') void get().loadHistory(row.path);
      else set((s) => ({ history: { ...s.history, path: null, entries: null, error: null } }));
    },
  };
};
