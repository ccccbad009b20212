import { useEffect, useState } from 'react';
import { countOf, formatBytes } from '../../format/format.js';
import { useAppStore } from '../../store/StoreContext.js';

const CHOICES = [
  { label: 'the last 15 minutes', ms: 15 * 60_000 },
  { label: 'the last hour', ms: 60 * 60_000 },
  { label: 'the last 24 hours', ms: 24 * 60 * 60_000 },
  { label: 'the last 7 days', ms: 7 * 24 * 60 * 60_000 },
] as const;

/**
 * Undo a mass deletion: every file and folder deleted in the chosen time comes back, on every
 * device, as one change (the deletes stay in each file's history).
 */
/** "Trash on this device: 3 items, 3 MB, kept 30 days / at most 10% of the folder." */
function TrashSummary() {
  const view = useAppStore((s) => s.trash.view);
  const loadTrash = useAppStore((s) => s.loadTrash);
  useEffect(() => void loadTrash(), [loadTrash]);
  if (view === null) return null;
  const { maxAgeDays, maxPercent } = view.limits;
  return (
    <p className="muted" data-testid="trash-summary">
      Trash on this device: {countOf(view.count, 'item')}, {formatBytes(view.bytes)}, kept{' '}
      {maxAgeDays} {maxAgeDays === 1 ? 'day' : 'days'} / at most {maxPercent}% of the folder.
    </p>
  );
}

export function RestoreDeleted() {
  const running = useAppStore((s) => s.restoreDeleted.running);
  const message = useAppStore((s) => s.restoreDeleted.message);
  const restoreDeletedSince = useAppStore((s) => s.restoreDeletedSince);
  const [choice, setChoice] = useState(1);
  const picked = CHOICES[choice] ?? CHOICES[1];
  return (
    <section aria-labelledby="restore-deleted-title" className="card">
      <h2 id="restore-deleted-title">Restore deleted files</h2>
      <p className="muted">
        Brings back every file and folder deleted in the time you choose, on every device.
      </p>
      <div className="row">
        <label htmlFor="restore-deleted-since">Deleted in</label>{' '}
        <select
          id="restore-deleted-since"
          value={choice}
          onChange={(e) => setChoice(Number(e.target.value))}
        >
          {CHOICES.map((c, i) => (
            <option key={c.label} value={i}>
              {c.label}
            </option>
          ))}
        </select>{' '}
        <button
          type="button"
          disabled={running}
          onClick={() => void restoreDeletedSince(Date.now() - picked.ms)}
        >
          {running ? 'Restoring…' : 'Restore deleted files'}
        </button>
      </div>
      {message && (
        <p className="notice" role="status">
          {message}
        </p>
      )}
      <TrashSummary />
    </section>
  );
}
