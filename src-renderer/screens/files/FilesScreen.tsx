import { useEffect, useRef } from 'react';
import { dropTargetDir } from '../../components/dropTarget.js';
import { Empty, ErrorState, Loading } from '../../components/States.js';
import { useAppStore } from '../../store/StoreContext.js';
import { FileActions } from './FileActions.js';
import { FileList } from './FileList.js';
import { FileListHeader } from './FileListHeader.js';
import { FolderPath } from './FolderPath.js';
import { announceFilesRendered } from './filesRendered.js';
import { HistoryPanel } from './HistoryPanel.js';
import { RestoreDeletedButton } from './RestoreDeletedFiles.js';

/** The synced folder: search, the virtual list, and the selected file's versions. */
export function FilesScreen() {
  const input = useAppStore((s) => s.files.input);
  const query = useAppStore((s) => s.files.query);
  const total = useAppStore((s) => s.files.total);
  const folder = useAppStore((s) => s.files.folder);
  const error = useAppStore((s) => s.files.error);
  const target = useAppStore((s) => dropTargetDir(s.files));
  const setFileSearch = useAppStore((s) => s.setFileSearch);
  const showFileRange = useAppStore((s) => s.showFileRange);
  const refreshFiles = useAppStore((s) => s.refreshFiles);
  const startUpload = useAppStore((s) => s.startUpload);
  const startPick = useAppStore((s) => s.startPick);
  const desktop = useAppStore((s) => s.fileActions.desktop);
  const filePicker = useRef<HTMLInputElement>(null);
  const folderPicker = useRef<HTMLInputElement>(null);

  // The list asks for its rows once it has a height; the first page is needed to know that.
  useEffect(() => {
    if (total === null) showFileRange(0, 50);
  }, [total, showFileRange]);

  useEffect(() => {
    if (total === 0 && query === '' && folder === '') announceFilesRendered(0);
  }, [total, query, folder]);

  let body;
  if (total === null && error !== null)
    body = <ErrorState message={error} onRetry={() => void refreshFiles()} />;
  else if (total === null) body = <Loading what="files" />;
  else if (total === 0)
    body =
      query === '' ? (
        <Empty title={folder === '' ? 'This folder is empty.' : `${folder} is empty.`}>
          Drop files or folders anywhere in this window to add them.
        </Empty>
      ) : (
        <Empty title={`No files match “${query}”.`}>
          Check the spelling or search for part of the name.
        </Empty>
      );
  else
    body = (
      <>
        <FileListHeader />
        <FileList />
      </>
    );

  return (
    <section className="screen files-screen" aria-labelledby="files-title">
      <div className="screen-head">
        <h1 id="files-title">Files</h1>
        <input
          type="search"
          className="search"
          placeholder="Search by name or folder"
          aria-label="Search files"
          value={input}
          onChange={(e) => setFileSearch(e.target.value)}
        />
        {/* The keyboard's and screen reader's way in, besides dropping: the system's open dialog
            in the desktop app (the shell vouches for what was picked and copies it), the page's
            file inputs in a browser (which upload, a folder with its tree). */}
        <button
          type="button"
          onClick={() => (desktop ? void startPick(false, target) : filePicker.current?.click())}
        >
          Add files…
        </button>
        <button
          type="button"
          onClick={() => (desktop ? void startPick(true, target) : folderPicker.current?.click())}
        >
          Add folder…
        </button>
        <RestoreDeletedButton />
        <input
          ref={filePicker}
          type="file"
          multiple
          hidden
          data-testid="add-files-input"
          onChange={(e) => {
            const files = Array.from(e.target.files ?? []);
            e.target.value = '';
            if (files.length > 0) void startUpload({ files, entries: [] }, target);
          }}
        />
        <input
          ref={folderPicker}
          type="file"
          hidden
          data-testid="add-folder-input"
          // Not in React's types: the attribute that makes the input pick a folder.
          {...{ webkitdirectory: '' }}
          onChange={(e) => {
            const files = Array.from(e.target.files ?? []);
            e.target.value = '';
            if (files.length > 0) void startUpload({ files, entries: [] }, target);
          }}
        />
        <span className="muted" role="status" aria-live="polite" data-testid="file-count">
          {total === null
            ? ''
            : `${total.toLocaleString()} ${
                query === '' ? (total === 1 ? 'item' : 'items') : total === 1 ? 'match' : 'matches'
              }`}
        </span>
      </div>
      <FolderPath />
      <FileActions />
      {error !== null && total !== null && (
        <p className="notice notice-error" role="alert">
          {error}
        </p>
      )}
      <p className="muted drop-hint">
        Drop files here to copy them into {target === '' ? 'the synced folder' : target}.
      </p>
      <div className="files-body">
        <div className="files-main">{body}</div>
        <HistoryPanel />
      </div>
    </section>
  );
}
