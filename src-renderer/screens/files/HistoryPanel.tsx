import { useState } from 'react';
import type { HistoryEntry } from '../../../src-shared/ipc/contract.js';
import { Empty, ErrorState, Loading } from '../../components/States.js';
import { useNow } from '../../components/useNow.js';
import { usePanelFocus } from '../../components/usePanelFocus.js';
import { formatAgo, formatBytes, formatDate } from '../../format/format.js';
import { useAppStore } from '../../store/StoreContext.js';

/** What a version was, in words: "Edited", "Back to the version from 3 days ago", … */
export function versionWords(entry: HistoryEntry, now: number): string {
  if (entry.sameAsEarlier !== undefined && entry.kind !== 'created')
    return `${entry.kind === 'resolved' ? 'Conflict settled: back' : 'Back'} to the version from ${formatAgo(entry.sameAsEarlier, now)} ·`;
  switch (entry.kind) {
    case 'created':
      return 'Added ·';
    case 'edited':
      return 'Edited ·';
    case 'resolved':
      return 'Conflict settled ·';
    case 'deleted':
    case undefined:
      return '';
  }
}

function VersionItem({
  entry,
  now,
  confirming,
  busy,
  onAsk,
  onCancel,
  onRestore,
}: {
  entry: HistoryEntry;
  now: number;
  confirming: boolean;
  busy: boolean;
  onAsk: () => void;
  onCancel: () => void;
  onRestore: () => void;
}) {
  const when = formatAgo(entry.changedAt, now);
  return (
    <li className="version" data-testid="history-entry" data-event-id={entry.eventId}>
      <div>
        <span className="version-kind">{versionWords(entry, now)}</span>{' '}
        <strong>{entry.deleted ? 'Deleted' : formatBytes(entry.size ?? 0)}</strong>{' '}
        <span>
          on {entry.device},{' '}
          <time
            dateTime={new Date(entry.changedAt).toISOString()}
            title={formatDate(entry.changedAt)}
          >
            {when}
          </time>
        </span>
        {entry.current && <span className="tag">Current</span>}
      </div>
      {!entry.current && !entry.deleted && !confirming && (
        <button
          type="button"
          onClick={onAsk}
          disabled={busy}
          aria-label={`Restore the version from ${entry.device}, ${when}`}
        >
          Restore
        </button>
      )}
      {confirming && (
        <div className="confirm" role="group" aria-label="Confirm restore">
          <p>
            Restore this version? It replaces the current file on every device; the current one
            stays in this history.
          </p>
          <button type="button" className="primary" onClick={onRestore} disabled={busy}>
            {busy ? 'Restoring…' : 'Yes, restore it'}
          </button>
          <button type="button" onClick={onCancel} disabled={busy}>
            Cancel
          </button>
        </div>
      )}
    </li>
  );
}

/** Every version of the selected file, newest first, each restorable after a confirmation. */
export function HistoryPanel() {
  const history = useAppStore((s) => s.history);
  const loadHistory = useAppStore((s) => s.loadHistory);
  const restoreVersion = useAppStore((s) => s.restoreVersion);
  const selectFile = useAppStore((s) => s.selectFile);
  const openFolder = useAppStore((s) => s.openFolder);
  const [confirming, setConfirming] = useState<string | null>(null);
  const now = useNow();
  const { path } = history;
  const panel = usePanelFocus<HTMLElement>(path !== null, () => selectFile(null));
  if (path === null) return null;

  const restore = async (eventId: string) => {
    await restoreVersion(eventId);
    setConfirming(null);
  };

  return (
    <aside
      ref={panel}
      tabIndex={-1}
      className="history-panel"
      aria-label={`Version history of ${path}`}
      data-testid="history-panel"
    >
      <div className="panel-head">
        <h2>Versions of {path.slice(path.lastIndexOf('/') + 1)}</h2>
        <button type="button" onClick={() => selectFile(null)} aria-label="Close version history">
          Close
        </button>
      </div>
      <p className="muted">{path}</p>
      <button type="button" className="link" onClick={() => void openFolder(path)}>
        Show in folder
      </button>
      {history.message && <p role="status">{history.message}</p>}
      {history.error && (
        <ErrorState message={history.error} onRetry={() => void loadHistory(path)} />
      )}
      {!history.error && history.entries === null && <Loading what="versions" />}
      {history.entries?.length === 0 && <Empty title="No earlier versions of this file." />}
      {history.entries && history.entries.length > 0 && (
        <ol className="versions">
          {history.entries.map((entry) => (
            <VersionItem
              key={entry.eventId}
              entry={entry}
              now={now}
              confirming={confirming === entry.eventId}
              busy={history.restoring === entry.eventId}
              onAsk={() => setConfirming(entry.eventId)}
              onCancel={() => setConfirming(null)}
              onRestore={() => void restore(entry.eventId)}
            />
          ))}
        </ol>
      )}
    </aside>
  );
}
