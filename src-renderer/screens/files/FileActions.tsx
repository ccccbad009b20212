import { useEffect, useRef, useState } from 'react';
import { copiedFrom } from '../../../src-shared/conflictNames.js';
import { routeHref } from '../../components/useRoute.js';
import { useAppStore } from '../../store/StoreContext.js';
import { focusList } from './listFocus.js';

/** An outcome that needs nothing more goes away after this long; an error or an Undo stays longer. */
export const FILE_RESULT_MS = 8_000;
const UNDO_MS = 20_000;

const nameOf = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/**
 * The selected row's actions above the list (open a folder, show in the file manager, rename,
 * move to the trash, go to the conflict of a conflict copy), the rename form in their place while
 * a name is edited, and the last action's outcome with Undo where there is one.
 */
export function FileActions() {
  const selected = useAppStore((s) => s.files.selected);
  const { renaming, busy, result, desktop } = useAppStore((s) => s.fileActions);
  const browseFolder = useAppStore((s) => s.browseFolder);
  const startRename = useAppStore((s) => s.startRename);
  const trashFiles = useAppStore((s) => s.trashFiles);
  const revealFile = useAppStore((s) => s.revealFile);
  const openFile = useAppStore((s) => s.openFile);
  const undoTrash = useAppStore((s) => s.undoTrash);
  const dismiss = useAppStore((s) => s.dismissFileResult);

  useEffect(() => {
    if (!result || result.kind === 'error') return undefined;
    const timer = setTimeout(dismiss, result.undo ? UNDO_MS : FILE_RESULT_MS);
    return () => clearTimeout(timer);
  }, [result, dismiss]);

  const outcome = result && (
    <p
      className={`notice notice-${result.kind} file-result`}
      role={result.kind === 'error' ? 'alert' : 'status'}
      data-testid="file-result"
    >
      {result.text}
      {result.undo && result.undo.length > 0 && (
        <button
          type="button"
          className="link"
          disabled={busy}
          onClick={() => void undoTrash().then(focusList)}
        >
          Undo
        </button>
      )}
      <button type="button" className="link" aria-label="Dismiss" onClick={dismiss}>
        ×
      </button>
    </p>
  );

  if (selected && renaming === selected.path)
    return (
      <>
        <RenameForm path={selected.path} />
        {outcome}
      </>
    );

  const copyOf = selected?.kind === 'file' ? copiedFrom(selected.path) : null;
  return (
    <>
      {!selected && (
        <div className="file-actions" data-testid="file-actions">
          <span className="muted">
            Select a file or folder to open, rename or move it to the trash.
          </span>
        </div>
      )}
      {selected && (
        <div
          className="file-actions"
          role="toolbar"
          aria-label={`Actions for ${nameOf(selected.path)}`}
          data-testid="file-actions"
        >
          <span className="file-actions-name" title={selected.path}>
            {nameOf(selected.path)}
          </span>
          {selected.kind === 'dir' && (
            <button type="button" onClick={() => browseFolder(selected.path)}>
              Open folder
            </button>
          )}
          {selected.kind === 'file' && (
            <button type="button" onClick={() => void openFile(selected.path)}>
              {desktop ? 'Open' : 'Download'}
            </button>
          )}
          {desktop && (
            <button type="button" onClick={() => void revealFile(selected.path)}>
              Show in file manager
            </button>
          )}
          {copyOf !== null && (
            <a href={routeHref('conflicts', { path: copyOf })}>
              Go to the conflict of {nameOf(copyOf)}
            </a>
          )}
          <button type="button" disabled={busy} onClick={() => startRename(selected.path)}>
            Rename…
          </button>
          <button
            type="button"
            className="danger"
            disabled={busy}
            onClick={() => void trashFiles([selected.path])}
          >
            Move to trash
          </button>
        </div>
      )}
      {outcome}
    </>
  );
}

/** The new name, the old one typed in with its extension left out of the selection. */
function RenameForm({ path }: { readonly path: string }) {
  const busy = useAppStore((s) => s.fileActions.busy);
  const renameFile = useAppStore((s) => s.renameFile);
  const cancelRename = useAppStore((s) => s.cancelRename);
  const [name, setName] = useState(nameOf(path));
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const field = input.current;
    if (!field) return undefined;
    field.focus();
    const dot = field.value.lastIndexOf('.');
    field.setSelectionRange(0, dot > 0 ? dot : field.value.length);
    // Saved or cancelled, the form goes: focus back to the list, where the row is.
    return () => {
      const at = document.activeElement;
      if (at === null || at === document.body || !at.isConnected || at === field) focusList();
    };
  }, []);

  return (
    <form
      className="file-actions rename-form"
      aria-label={`Rename ${nameOf(path)}`}
      onSubmit={(e) => {
        e.preventDefault();
        void renameFile(path, name);
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          cancelRename();
        }
      }}
    >
      <label htmlFor="rename-input">New name</label>
      <input
        id="rename-input"
        ref={input}
        value={name}
        onChange={(e) => setName(e.target.value)}
        spellCheck={false}
        autoComplete="off"
      />
      <button type="submit" className="primary" disabled={busy || name.trim() === ''}>
        Rename
      </button>
      <button type="button" onClick={cancelRename}>
        Cancel
      </button>
    </form>
  );
}
