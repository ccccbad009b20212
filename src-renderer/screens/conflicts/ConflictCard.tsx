import { useEffect, useRef } from 'react';
import type { ConflictInfo, VersionInfo } from '../../../src-shared/ipc/contract.js';
import { formatAgo, formatBytes } from '../../format/format.js';
import type { ResolveItem } from '../../store/types.js';
import { doneWords, isNewer, keepChoices, shownVersions, type Keep } from './conflictWords.js';
import { VersionPreview } from './VersionPreview.js';

/** The exact time, to the second: two edits a minute apart must not read the same. */
const exactTime = (at: number): string =>
  new Date(at).toLocaleString(undefined, {
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });

function VersionColumn({
  conflict,
  version,
  now,
}: {
  conflict: ConflictInfo;
  version: VersionInfo;
  now: number;
}) {
  const newer = isNewer(conflict, version);
  return (
    <div
      className={`version-col${newer ? ' newer' : ''}`}
      data-testid="conflict-version"
      data-side={version.side}
    >
      <h3 className="version-device">
        {version.device}
        {version.side === 'mine' && <span className="this-device"> (this device)</span>}
        {newer && (
          <span className="tag tag-newer" title="Edited last; it is the one in the folder now">
            newer
          </span>
        )}
      </h3>
      <dl>
        <dt>Edited</dt>
        <dd>
          <time dateTime={new Date(version.changedAt).toISOString()}>
            {exactTime(version.changedAt)} · {formatAgo(version.changedAt, now)}
          </time>
        </dd>
        <dt>Size</dt>
        <dd>{formatBytes(version.size)}</dd>
        <dt>Where</dt>
        <dd>
          {version.winner ? (
            'In the folder now'
          ) : (
            <>
              Beside it as <code>{version.copyPath ?? '(copy not on disk)'}</code>
            </>
          )}
        </dd>
      </dl>
    </div>
  );
}

/** Where the card stands: choosing, a choice that can be undone, sent, or gone from the core. */
export type CardPhase =
  | { readonly kind: 'choosing'; readonly failure: string | null }
  | { readonly kind: 'waiting'; readonly keep: Keep }
  | { readonly kind: 'sent'; readonly keep: Keep | null }
  | { readonly kind: 'gone'; readonly keep: Keep | null };

/** Focus fell to the page: the focused element was removed. */
const focusIsLost = () =>
  document.activeElement === null || document.activeElement === document.body;

/** The confirmation, in the place of the buttons, so the card keeps its height. */
function Confirmation({
  conflict,
  phase,
  onUndo,
}: {
  conflict: ConflictInfo;
  phase: Exclude<CardPhase, { kind: 'choosing' }>;
  onUndo: () => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  // The pressed button is gone: keep focus here, not lost to the page (Tab reaches Undo).
  useEffect(() => {
    if (focusIsLost()) ref.current?.focus();
  }, []);
  const words = phase.keep !== null ? doneWords(conflict, phase.keep) : 'Settled on another device';
  return (
    <div
      ref={ref}
      className="resolve-actions resolve-done"
      role="status"
      tabIndex={-1}
      data-testid="resolve-confirmation"
    >
      <span className="done-words">{words}</span>
      {phase.kind === 'waiting' && (
        <>
          <span aria-hidden="true">·</span>
          <button type="button" className="link" onClick={onUndo}>
            Undo
          </button>
        </>
      )}
    </div>
  );
}

interface Props {
  readonly conflict: ConflictInfo;
  readonly phase: CardPhase;
  readonly selected: boolean;
  readonly now: number;
  readonly onToggle: () => void;
  readonly onChoose: (item: ResolveItem) => void;
  readonly onUndo: () => void;
}

/** One conflict: both versions side by side, what differs, and the ways to settle it by device. */
export function ConflictCard({
  conflict,
  phase,
  selected,
  now,
  onToggle,
  onChoose,
  onUndo,
}: Props) {
  const titleId = `conflict-${encodeURIComponent(conflict.path)}`;
  const choosing = phase.kind === 'choosing';
  const actions = useRef<HTMLDivElement>(null);
  const wasChoosing = useRef(choosing);
  // Back from an undo, the Undo button is gone: focus goes to the first choice again.
  useEffect(() => {
    if (choosing && !wasChoosing.current && focusIsLost())
      actions.current?.querySelector('button')?.focus();
    wasChoosing.current = choosing;
  }, [choosing]);
  return (
    <article
      className={`conflict-card${choosing ? '' : ' settled'}`}
      aria-labelledby={titleId}
      data-testid="conflict-card"
      data-path={conflict.path}
      data-phase={phase.kind}
      aria-busy={phase.kind === 'sent'}
    >
      <header className="conflict-head">
        <input
          type="checkbox"
          checked={selected && choosing}
          onChange={onToggle}
          disabled={!choosing}
          aria-label={`Select ${conflict.path}`}
        />
        <h2 id={titleId}>{conflict.path}</h2>
      </header>
      <div className="conflict-body" inert={!choosing}>
        <div className="versions-side-by-side">
          {shownVersions(conflict).map((version) => (
            <VersionColumn key={version.eventId} conflict={conflict} version={version} now={now} />
          ))}
        </div>
        <VersionPreview conflict={conflict} />
      </div>
      {phase.kind === 'choosing' ? (
        <div
          ref={actions}
          className="resolve-actions"
          role="group"
          aria-label={`Settle ${conflict.path}`}
        >
          {keepChoices(conflict).map(({ keep, label }) => (
            <button
              key={keep}
              type="button"
              onClick={() => onChoose({ path: conflict.path, keep })}
              data-testid={`keep-${keep}`}
            >
              {label}
            </button>
          ))}
        </div>
      ) : (
        <Confirmation conflict={conflict} phase={phase} onUndo={onUndo} />
      )}
      {phase.kind === 'choosing' && phase.failure !== null && (
        <p className="notice notice-error" role="alert">
          This conflict is not settled: {phase.failure}
        </p>
      )}
    </article>
  );
}
