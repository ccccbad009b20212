import { useId, useState } from 'react';
import type { HistoryEntry } from '../../../src-shared/ipc/contract.js';
import { Empty, ErrorState, Loading } from '../../components/States.js';
import { useNow } from '../../components/useNow.js';
import { usePanelFocus } from '../../components/usePanelFocus.js';
import { formatAgo, formatBytes, formatDate } from '../../format/format.js';
import { useAppStore } from '../../store/StoreContext.js';
import { VersionCompare } from './VersionCompare.js';
import { deviceWords, versionWhat } from './versionWords.js';

/**
 * Whether restoring the version would change the file (content, and not what it holds now) and
 * can (the core did not say its bytes are nowhere this device reaches).
 */
const restorable = (entry: HistoryEntry, current: HistoryEntry | null): boolean =>
  !entry.current &&
  !entry.deleted &&
  entry.restorable !== false &&
  (current === null || current.hash !== entry.hash);

/** A time as a real date, with how long ago on hover. */
function When({ at, now }: { at: number; now: number }) {
  return (
    <time dateTime={new Date(at).toISOString()} title={formatAgo(at, now)}>
      {formatDate(at)}
    </time>
  );
}

function VersionItem({
  path,
  entry,
  current,
  now,
  selected,
  confirming,
  busy,
  onSelect,
  onAsk,
  onCancel,
  onRestore,
}: {
  path: string;
  entry: HistoryEntry;
  current: HistoryEntry | null;
  now: number;
  selected: boolean;
  confirming: boolean;
  busy: boolean;
  onSelect: () => void;
  onAsk: () => void;
  onCancel: () => void;
  onRestore: () => void;
}) {
  const when = formatAgo(entry.changedAt, now);
  const what = versionWhat(entry);
  const compareId = useId();
  return (
    <li
      className={selected ? 'version selected' : 'version'}
      data-testid="history-entry"
      data-event-id={entry.eventId}
    >
      {/* The summary is the way to this version's comparison with the current one. */}
      <button
        type="button"
        className="version-summary"
        aria-expanded={selected}
        aria-controls={selected ? compareId : undefined}
        onClick={onSelect}
      >
        <span className="version-what">
          <span className="version-kind">{what.words}</span>
          {what.from !== null && (
            <>
              {' '}
              <When at={what.from} now={now} />
            </>
          )}
          {entry.current && (
            <>
              {' '}
              <span className="tag">Current</span>
            </>
          )}
        </span>
        <span className="version-meta muted">
          on <span className="history-device">{deviceWords(entry)}</span>,{' '}
          <When at={entry.changedAt} now={now} /> ({when})
          {entry.size !== null && ` · ${formatBytes(entry.size)}`}
        </span>
      </button>
      {selected && (
        <div id={compareId}>
          <VersionCompare path={path} version={entry} current={current} />
        </div>
      )}
      {entry.restorable === false && (
        <p className="muted" data-testid="version-not-kept">
          Not kept on this device, and there is no hub to ask: it can’t be restored.
        </p>
      )}
      {restorable(entry, current) && !confirming && (
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

/**
 * Every version of the selected file, newest first: what it was, on which device, when; a click
 * compares it with the current version; each earlier one restorable after a confirmation.
 */
export function HistoryPanel() {
  const history = useAppStore((s) => s.history);
  const loadHistory = useAppStore((s) => s.loadHistory);
  const restoreVersion = useAppStore((s) => s.restoreVersion);
  const selectFile = useAppStore((s) => s.selectFile);
  const openFolder = useAppStore((s) => s.openFolder);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const now = useNow();
  const { path } = history;
  const panel = usePanelFocus<HTMLElement>(path !== null, () => selectFile(null));
  if (path === null) return null;

  const current = history.entries?.find((e) => e.current) ?? null;
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
      {history.message && (
        <p className="notice" role="status">
          {history.message}
        </p>
      )}
      {history.failure && (
        <p className="notice notice-error" role="alert">
          {history.failure}
        </p>
      )}
      {history.error && (
        <ErrorState message={history.error} onRetry={() => void loadHistory(path)} />
      )}
      {!history.error && history.entries === null && <Loading what="versions" />}
      {history.entries?.length === 0 && <Empty title="No earlier versions of this file." />}
      {history.entries && history.entries.length > 1 && (
        <p className="muted">Select a version to see how it differs from the current one.</p>
      )}
      {history.entries && history.entries.length > 0 && (
        <ol className="versions">
          {history.entries.map((entry) => (
            <VersionItem
              key={entry.eventId}
              path={path}
              entry={entry}
              current={current}
              now={now}
              selected={selected === entry.eventId}
              onSelect={() => setSelected(selected === entry.eventId ? null : entry.eventId)}
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
