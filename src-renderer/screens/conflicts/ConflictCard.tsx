import type { ConflictInfo, VersionInfo } from '../../../src-shared/ipc/contract.js';
import { formatAgo, formatBytes, formatDate } from '../../format/format.js';
import type { ResolveItem } from '../../store/types.js';
import { VersionPreview } from './VersionPreview.js';

function VersionColumn({ version, now }: { version: VersionInfo; now: number }) {
  return (
    <div
      className={`version-col${version.winner ? ' winner' : ''}`}
      data-testid="conflict-version"
      data-side={version.side}
    >
      <h3>
        {version.device}
        <span className="tag">{version.side === 'mine' ? 'This device' : 'Another device'}</span>
      </h3>
      <dl>
        <dt>Changed</dt>
        <dd>
          <time
            dateTime={new Date(version.changedAt).toISOString()}
            title={formatDate(version.changedAt)}
          >
            {formatAgo(version.changedAt, now)}
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
              Kept as a copy: <code>{version.copyPath ?? '(copy not on disk)'}</code>
            </>
          )}
        </dd>
      </dl>
    </div>
  );
}

interface Props {
  readonly conflict: ConflictInfo;
  readonly selected: boolean;
  readonly resolving: boolean;
  readonly now: number;
  readonly onToggle: () => void;
  readonly onResolve: (item: ResolveItem) => void;
}

/** One conflict: both versions side by side, what differs, and the three ways to settle it. */
const KEEP_CHOICES = [
  { keep: 'mine', label: 'Keep mine' },
  { keep: 'theirs', label: 'Keep theirs' },
  { keep: 'both', label: 'Keep both' },
] as const;

export function ConflictCard({ conflict, selected, resolving, now, onToggle, onResolve }: Props) {
  const mine = conflict.versions.find((v) => v.side === 'mine');
  const theirs = conflict.versions.find((v) => v.side === 'theirs');
  const titleId = `conflict-${encodeURIComponent(conflict.path)}`;
  return (
    <article
      className={`conflict-card${resolving ? ' resolving' : ''}`}
      aria-labelledby={titleId}
      data-testid="conflict-card"
      data-path={conflict.path}
      aria-busy={resolving}
    >
      <header className="conflict-head">
        <input
          type="checkbox"
          checked={selected}
          onChange={onToggle}
          disabled={resolving}
          aria-label={`Select ${conflict.path}`}
        />
        <h2 id={titleId}>{conflict.path}</h2>
        {resolving && <span role="status">Resolving…</span>}
      </header>
      <p className="muted">
        Changed on {conflict.versions.length} devices at about the same time. Nothing was lost: the
        newest version is in the folder, the other is kept next to it as a copy.
      </p>
      <div className="versions-side-by-side">
        {conflict.versions.map((version) => (
          <VersionColumn key={version.eventId} version={version} now={now} />
        ))}
      </div>
      <VersionPreview conflict={conflict} />
      <div className="resolve-actions" role="group" aria-label={`Settle ${conflict.path}`}>
        {KEEP_CHOICES.map(({ keep, label }) => (
          <button
            key={keep}
            type="button"
            disabled={resolving}
            onClick={() => onResolve({ path: conflict.path, keep })}
            data-testid={`keep-${keep}`}
          >
            {label}
          </button>
        ))}
      </div>
      <p className="muted small">
        Keep mine keeps {mine ? `${mine.device}’s` : 'this device’s'} version, keep theirs keeps{' '}
        {theirs ? `${theirs.device}’s` : 'the other device’s'}; the other goes to the history. Keep
        both keeps the copy as its own file.
      </p>
    </article>
  );
}
