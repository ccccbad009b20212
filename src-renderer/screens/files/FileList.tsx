import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useNow } from '../../components/useNow.js';
import { rowAt } from '../../store/filesSlice.js';
import { useAppStore } from '../../store/StoreContext.js';
import { FileRowView, ROW_HEIGHT, rowId } from './FileRowView.js';
import { announceFilesRendered } from './filesRendered.js';
import { focusOwedToList, takeOwedFocus } from './listFocus.js';

const OVERSCAN = 12;

/**
 * The folder as one virtual list: only the rows on screen (plus overscan) exist in the DOM, and
 * the store fetches just their pages, so 100,000 files scroll like 100. Keyboard: the list is one
 * tab stop; arrows, Page Up/Down, Home/End move, Enter opens a folder or a file's versions,
 * Space selects (aria-activedescendant), F2 renames, Delete moves to the trash; a double-click
 * opens a folder.
 */
export function FileList() {
  const total = useAppStore((s) => s.files.total) ?? 0;
  const pages = useAppStore((s) => s.files.pages);
  const query = useAppStore((s) => s.files.query);
  const selectedPath = useAppStore((s) => s.files.selected?.path ?? null);
  const showFileRange = useAppStore((s) => s.showFileRange);
  const selectFile = useAppStore((s) => s.selectFile);
  const browseFolder = useAppStore((s) => s.browseFolder);
  const startRename = useAppStore((s) => s.startRename);
  const trashFiles = useAppStore((s) => s.trashFiles);
  const folder = useAppStore((s) => s.files.folder);
  const now = useNow();
  const scrollRef = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState(0);

  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: OVERSCAN,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items.at(-1)?.index ?? Math.min(total, 50);

  useEffect(() => showFileRange(first, last), [first, last, showFileRange]);

  // A new query, or another folder, starts at the top.
  useEffect(() => {
    scrollRef.current?.scrollTo?.({ top: 0 });
    setActive(0);
  }, [query, folder]);

  // Opened by the keyboard from the folder before: the focus comes back here.
  useEffect(() => takeOwedFocus(scrollRef.current), []);

  // Rows gone (moved to the trash, a shorter listing): the active row stays a row that exists.
  useEffect(() => {
    if (total > 0 && active > total - 1) setActive(total - 1);
  }, [total, active]);

  // For e2e: "page load to list" ends when the first real rows are drawn.
  const firstRowReady = rowAt(pages, first) !== undefined;
  useEffect(() => {
    if (firstRowReady) announceFilesRendered(total);
  }, [firstRowReady, total]);

  const select = (index: number) => {
    setActive(index);
    const row = rowAt(pages, index);
    if (row) selectFile(row);
  };

  /** A folder opens; a file shows its versions. */
  const open = (index: number) => {
    const row = rowAt(pages, index);
    if (row?.kind === 'dir') {
      if (scrollRef.current !== null && document.activeElement === scrollRef.current)
        focusOwedToList();
      browseFolder(row.path);
    } else select(index);
  };

  const onKeyDown = (event: KeyboardEvent) => {
    const pageRows = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 400) / ROW_HEIGHT));
    const moves: Record<string, number> = {
      ArrowDown: active + 1,
      ArrowUp: active - 1,
      PageDown: active + pageRows,
      PageUp: active - pageRows,
      Home: 0,
      End: total - 1,
    };
    if (event.key in moves) {
      event.preventDefault();
      const next = Math.max(0, Math.min(total - 1, moves[event.key] ?? 0));
      setActive(next);
      virtualizer.scrollToIndex(next);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      open(active);
    } else if (event.key === ' ') {
      event.preventDefault();
      select(active);
    } else if (event.key === 'F2' || event.key === 'Delete') {
      // As in the file managers: F2 renames the row, Delete moves it to the trash (with Undo).
      const row = rowAt(pages, active);
      if (!row) return;
      event.preventDefault();
      select(active);
      if (event.key === 'F2') startRename(row.path);
      else void trashFiles([row.path]);
    }
  };

  return (
    <div
      ref={scrollRef}
      className="file-list"
      role="listbox"
      aria-label={folder === '' ? 'Files in the synced folder' : `Files in ${folder}`}
      tabIndex={0}
      aria-activedescendant={total > 0 ? rowId(active) : undefined}
      onKeyDown={onKeyDown}
      data-testid="file-list"
    >
      <div className="file-list-inner" style={{ height: virtualizer.getTotalSize() }}>
        {items.map((item) => {
          const row = rowAt(pages, item.index);
          return (
            <FileRowView
              key={item.key}
              row={row}
              index={item.index}
              total={total}
              top={item.start}
              selected={row !== undefined && row.path === selectedPath}
              active={item.index === active}
              now={now}
              showFolder={query !== ''}
              onSelect={select}
              onOpen={open}
            />
          );
        })}
      </div>
    </div>
  );
}
