import { useEffect, useState } from 'react';
import { Empty, ErrorState, Loading } from '../../components/States.js';
import { useNow } from '../../components/useNow.js';
import { pluralize } from '../../format/format.js';
import { useAppStore } from '../../store/StoreContext.js';
import type { ResolveItem } from '../../store/types.js';
import { ConflictCard } from './ConflictCard.js';

type Keep = ResolveItem['keep'];

function ResolveReport() {
  const results = useAppStore((s) => s.conflicts.results);
  const error = useAppStore((s) => s.conflicts.resolveError);
  if (error)
    return (
      <p className="notice notice-error" role="alert">
        Could not resolve: {error}
      </p>
    );
  if (!results) return null;
  const failed = results.filter((r) => !r.ok);
  const done = results.length - failed.length;
  return (
    <div
      className={`notice ${failed.length > 0 ? 'notice-error' : 'notice-info'}`}
      role="status"
      data-testid="resolve-report"
    >
      {done > 0 && <p>Resolved {pluralize(done, 'conflict')}.</p>}
      {failed.length > 0 && (
        <ul>
          {failed.map((r) => (
            <li key={r.path}>
              {r.path}: {r.error ?? 'could not be resolved'}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Conflict review: every conflict as a card, single or bulk resolution, results reported. */
export function ConflictsScreen() {
  const list = useAppStore((s) => s.conflicts.list);
  const error = useAppStore((s) => s.conflicts.error);
  const selected = useAppStore((s) => s.conflicts.selected);
  const resolving = useAppStore((s) => s.conflicts.resolving);
  const loadConflicts = useAppStore((s) => s.loadConflicts);
  const toggleConflict = useAppStore((s) => s.toggleConflict);
  const selectAll = useAppStore((s) => s.selectAllConflicts);
  const resolveConflicts = useAppStore((s) => s.resolveConflicts);
  const [bulkKeep, setBulkKeep] = useState<Keep>('mine');
  const now = useNow();

  useEffect(() => {
    void loadConflicts();
  }, [loadConflicts]);

  let body;
  if (list === null && error)
    body = <ErrorState message={error} onRetry={() => void loadConflicts()} />;
  else if (list === null) body = <Loading what="conflicts" />;
  else if (list.length === 0)
    body = (
      <Empty title="No conflicts.">
        When two devices change the same file at once, both versions show up here.
      </Empty>
    );
  else
    body = list.map((conflict) => (
      <ConflictCard
        key={conflict.path}
        conflict={conflict}
        now={now}
        selected={selected.includes(conflict.path)}
        resolving={resolving.includes(conflict.path)}
        onToggle={() => toggleConflict(conflict.path)}
        onResolve={(item) => void resolveConflicts([item])}
      />
    ));

  const all = list !== null && list.length > 0 && selected.length === list.length;
  return (
    <section className="screen conflicts-screen" aria-labelledby="conflicts-title">
      <div className="screen-head">
        <h1 id="conflicts-title">Conflicts</h1>
        {list !== null && list.length > 0 && (
          <div className="bulk" role="group" aria-label="Resolve selected conflicts">
            <label>
              <input type="checkbox" checked={all} onChange={() => selectAll(!all)} /> Select all
            </label>
            <label>
              For the selected, keep{' '}
              <select value={bulkKeep} onChange={(e) => setBulkKeep(e.target.value as Keep)}>
                <option value="mine">mine</option>
                <option value="theirs">theirs</option>
                <option value="both">both</option>
              </select>
            </label>
            <button
              type="button"
              className="primary"
              disabled={selected.length === 0}
              data-testid="resolve-selected"
              onClick={() =>
                void resolveConflicts(selected.map((path) => ({ path, keep: bulkKeep })))
              }
            >
              Resolve selected ({selected.length})
            </button>
          </div>
        )}
      </div>
      {list !== null && error && (
        <p className="notice notice-error" role="alert">
          {error}
        </p>
      )}
      <ResolveReport />
      <div className="conflict-list">{body}</div>
    </section>
  );
}
