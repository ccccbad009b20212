import { useEffect, useState } from 'react';
import { routeParam } from '../../components/useRoute.js';
import { Empty, ErrorState, Loading } from '../../components/States.js';
import { useNow } from '../../components/useNow.js';
import { pluralize } from '../../format/format.js';
import { useAppStore } from '../../store/StoreContext.js';
import { ConflictCard, type CardPhase } from './ConflictCard.js';
import type { Keep } from './conflictWords.js';
import { useSteadyList, type ShownConflict } from './steadyList.js';

/**
 * A link to one conflict (`#/conflicts?path=…`, from a conflict copy in Files or an activity
 * row) brings its card into view once the list is there, and outlines it.
 */
function useShownConflict(loaded: boolean) {
  const path = routeParam('path');
  useEffect(() => {
    if (!loaded || path === null) return;
    const card = [...document.querySelectorAll<HTMLElement>('[data-testid="conflict-card"]')].find(
      (c) => c.dataset['path'] === path,
    );
    card?.scrollIntoView?.({ block: 'center' });
    card?.classList.add('shown');
  }, [loaded, path]);
}

/** Said once for the whole screen, not on every card. */
function Explanation() {
  return (
    <p className="conflicts-explained" data-testid="conflicts-explained">
      A conflict happens when two devices change the same file before either sees the other’s
      change. Nothing is lost: the newer version is in the folder and the other is kept beside it as
      a copy until you choose which to keep.
    </p>
  );
}

/** Sends the waiting choices when the person leaves the screen or closes the page: never dropped. */
function useSendOnLeave() {
  const flush = useAppStore((s) => s.flushResolutions);
  useEffect(() => {
    const onHide = () => void flush();
    window.addEventListener('pagehide', onHide);
    return () => {
      window.removeEventListener('pagehide', onHide);
      void flush();
    };
  }, [flush]);
}

function usePhaseOf(): (shown: ShownConflict) => CardPhase {
  const choices = useAppStore((s) => s.conflicts.choices);
  const waiting = useAppStore((s) => s.conflicts.waiting);
  const resolving = useAppStore((s) => s.conflicts.resolving);
  const results = useAppStore((s) => s.conflicts.results);
  return ({ conflict: { path }, gone }) => {
    const keep = choices[path] ?? null;
    if (waiting.includes(path) && keep !== null) return { kind: 'waiting', keep };
    if (gone) return { kind: 'gone', keep };
    if (resolving.includes(path)) return { kind: 'sent', keep };
    const failed = results?.find((r) => r.path === path && !r.ok);
    return {
      kind: 'choosing',
      failure: failed ? (failed.error ?? 'it could not be resolved.') : null,
    };
  };
}

function BulkBar({ paths }: { paths: readonly string[] }) {
  const selected = useAppStore((s) => s.conflicts.selected);
  const waiting = useAppStore((s) => s.conflicts.waiting);
  const resolving = useAppStore((s) => s.conflicts.resolving);
  const selectAll = useAppStore((s) => s.selectAllConflicts);
  const choose = useAppStore((s) => s.chooseResolutions);
  const undo = useAppStore((s) => s.undoResolution);
  const [bulkKeep, setBulkKeep] = useState<Keep>('mine');
  const open = paths.filter((p) => !waiting.includes(p) && !resolving.includes(p));
  const all = open.length > 0 && open.every((p) => selected.includes(p));
  return (
    <div className="bulk" role="group" aria-label="Resolve selected conflicts">
      <label>
        <input type="checkbox" checked={all} onChange={() => selectAll(!all)} /> Select all
      </label>
      <label>
        For the selected, keep{' '}
        <select value={bulkKeep} onChange={(e) => setBulkKeep(e.target.value as Keep)}>
          <option value="mine">this device’s version</option>
          <option value="theirs">the other device’s version</option>
          <option value="both">both versions</option>
        </select>
      </label>
      <button
        type="button"
        className="primary"
        disabled={selected.length === 0}
        data-testid="resolve-selected"
        onClick={() => choose(selected.map((path) => ({ path, keep: bulkKeep })))}
      >
        Resolve selected ({selected.length})
      </button>
      {waiting.length > 1 && (
        <span role="status" data-testid="bulk-confirmation">
          Settling {pluralize(waiting.length, 'conflict')} in a moment ·{' '}
          <button type="button" className="link" onClick={() => undo()}>
            Undo all
          </button>
        </span>
      )}
    </div>
  );
}

/**
 * Conflict review: the explanation once, then a card per conflict, settled one by one or in bulk.
 * A choice shows as a confirmation with Undo on its card, and the cards hold still until it is
 * sent (`useSteadyList`).
 */
export function ConflictsScreen() {
  const list = useAppStore((s) => s.conflicts.list);
  const error = useAppStore((s) => s.conflicts.error);
  const selected = useAppStore((s) => s.conflicts.selected);
  const waiting = useAppStore((s) => s.conflicts.waiting);
  const loadConflicts = useAppStore((s) => s.loadConflicts);
  const toggleConflict = useAppStore((s) => s.toggleConflict);
  const choose = useAppStore((s) => s.chooseResolutions);
  const undo = useAppStore((s) => s.undoResolution);
  const shown = useSteadyList(list, waiting.length > 0);
  const phaseOf = usePhaseOf();
  const now = useNow();
  useSendOnLeave();

  useEffect(() => {
    void loadConflicts();
  }, [loadConflicts]);
  useShownConflict(shown !== null);

  let body;
  if (shown === null && error)
    body = <ErrorState message={error} onRetry={() => void loadConflicts()} />;
  else if (shown === null) body = <Loading what="conflicts" />;
  else if (shown.length === 0)
    body = (
      <Empty title="No conflicts.">
        When two devices change the same file at once, both versions show up here.
      </Empty>
    );
  else
    body = shown.map((item) => (
      <ConflictCard
        key={item.conflict.path}
        conflict={item.conflict}
        phase={phaseOf(item)}
        now={now}
        selected={selected.includes(item.conflict.path)}
        onToggle={() => toggleConflict(item.conflict.path)}
        onChoose={(choice) => choose([choice])}
        onUndo={() => undo(item.conflict.path)}
      />
    ));

  const some = shown !== null && shown.length > 0;
  return (
    <section className="screen conflicts-screen" aria-labelledby="conflicts-title">
      <div className="screen-head">
        <h1 id="conflicts-title">Conflicts</h1>
        {some && <BulkBar paths={shown.filter((s) => !s.gone).map((s) => s.conflict.path)} />}
      </div>
      {list !== null && error && (
        <p className="notice notice-error" role="alert">
          {error}
        </p>
      )}
      {some && <Explanation />}
      <div className="conflict-list">{body}</div>
    </section>
  );
}
