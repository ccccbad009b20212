import { useState, type FormEvent } from 'react';
import type { SettingsView } from '../../../src-shared/ipc/contract.js';
import { formatBytes } from '../../../src-shared/words.js';
import { ProgressBar } from '../../components/ProgressBar.js';
import { useAppStore } from '../../store/StoreContext.js';
import { SaveMessage, useSaveStatus } from './useSaveStatus.js';

/**
 * The synced folder: where it is, opening it, and moving it to another place. The core checks
 * the place first (a full path, outside the folder, missing or empty, with room) and refuses in
 * words; on another disk it copies with progress, checks the copy and removes the old folder.
 */
export function FolderCard({ view }: { view: SettingsView }) {
  const openFolder = useAppStore((s) => s.openFolder);
  const moveFolder = useAppStore((s) => s.moveFolder);
  const progress = useAppStore((s) => s.folderMove.progress);
  const [openError, setOpenError] = useState<string | null>(null);
  const [target, setTarget] = useState('');
  const move = useSaveStatus();

  const onMove = (event: FormEvent) => {
    event.preventDefault();
    const to = target.trim();
    void move.run(async () => {
      const error = await moveFolder(to);
      if (error === null) setTarget('');
      return error;
    }, `Moved: the folder is now at ${to}.`);
  };

  return (
    <section className="card" aria-labelledby="folder-title">
      <h2 id="folder-title">Synced folder</h2>
      <p>
        <code data-testid="settings-folder">{view.folder}</code>
      </p>
      <button type="button" onClick={() => void openFolder().then(setOpenError)}>
        Open folder
      </button>
      {openError && (
        <p role="alert" className="error-text">
          {openError}
        </p>
      )}
      <form onSubmit={onMove}>
        <label>
          Move the folder to
          <input
            type="text"
            value={target}
            spellCheck={false}
            autoComplete="off"
            onChange={(e) => {
              setTarget(e.target.value);
              move.clear();
            }}
          />
        </label>
        <p className="muted">
          A full path to a new or empty folder. Syncing stops while the files move; on another disk
          they are copied and checked before the old folder is removed.
        </p>
        <div className="form-actions">
          <button type="submit" disabled={move.busy || target.trim() === ''}>
            Move folder
          </button>
        </div>
      </form>
      {move.busy && progress && progress.total > 0 && (
        <>
          <ProgressBar
            label="Moving the folder"
            progress={{ done: progress.done, total: progress.total, bytes: 0, label: '' }}
          />
          <p className="muted">
            {formatBytes(progress.bytes)} of {formatBytes(progress.totalBytes)} copied
          </p>
        </>
      )}
      {move.busy && !progress && <p role="status">Moving the folder…</p>}
      <SaveMessage status={move} />
    </section>
  );
}
