import { useEffect, useMemo, useState } from 'react';
import type { HistoryEntry, VersionContent } from '../../../src-shared/ipc/contract.js';
import { formatBytes, formatDate } from '../../format/format.js';
import { useAppStore } from '../../store/StoreContext.js';
import { historyDiff } from './historyDiff.js';

/**
 * A selected version of a file against the current one: a line diff for text, the two images
 * side by side, and for content that can't be compared (binary, too large, not on this device)
 * a sentence that says so. Contents come from the core (`conflicts:content`, which serves any
 * version of a file), read at most once per pair shown.
 */

type Pair = readonly [VersionContent, VersionContent | null];

/** The contents of `version` and `current` (null when there is no current one to read). */
function usePair(path: string, version: string, current: string | null): Pair | null {
  const fetchVersionContent = useAppStore((s) => s.fetchVersionContent);
  const [pair, setPair] = useState<{ key: string; value: Pair } | null>(null);
  const key = `${path}\n${version}\n${current ?? ''}`;
  useEffect(() => {
    let live = true;
    void Promise.all([
      fetchVersionContent(path, version),
      current === null ? Promise.resolve(null) : fetchVersionContent(path, current),
    ]).then((value) => {
      if (live) setPair({ key, value });
    });
    return () => {
      live = false;
    };
  }, [key, path, version, current, fetchVersionContent]);
  return pair?.key === key ? pair.value : null;
}

/** Why a content can't be diffed, in words; '' when it can. */
function whyNot(content: VersionContent): string {
  switch (content.kind) {
    case 'text':
      return content.truncated
        ? 'too large to compare line by line (only its first megabyte is read)'
        : '';
    case 'binary':
      return `a binary file (${formatBytes(content.size)}), which can’t be compared as text`;
    case 'image':
      return '';
    case 'unavailable':
      return `not readable here: ${content.reason.replace(/\.$/, '')}`;
    default: {
      const never: never = content;
      return never;
    }
  }
}

function Preview({ content, label }: { content: VersionContent; label: string }) {
  return (
    <figure className="preview">
      {content.kind === 'image' ? (
        <img src={`data:${content.mime};base64,${content.base64}`} alt={label} />
      ) : content.kind === 'text' && !content.truncated ? (
        // Scrolls when long: a tab stop, so the keyboard can scroll it too (WCAG 2.1.1).
        <pre className="version-text" tabIndex={0} role="region" aria-label={label}>
          {content.text}
        </pre>
      ) : (
        <p className="muted">This version is {whyNot(content)}.</p>
      )}
      <figcaption>{label}</figcaption>
    </figure>
  );
}

function LineDiff({
  version,
  current,
  label,
}: {
  version: string;
  current: string;
  label: string;
}) {
  const lines = useMemo(() => historyDiff(version, current), [version, current]);
  if (lines === null)
    return <p className="muted">The versions are too different to compare line by line.</p>;
  return (
    <figure className="diff history-diff" data-testid="version-diff">
      <figcaption>
        <span className="diff-a">− only in {label}</span>{' '}
        <span className="diff-b">+ only in the current version</span>
      </figcaption>
      {/* Scrolls when long: a tab stop, so the keyboard can scroll it too (WCAG 2.1.1). */}
      <pre tabIndex={0} role="region" aria-label={`${label} against the current version`}>
        {lines.map((line, i) =>
          line.kind === 'folded' ? (
            <div key={i} className="diff-line diff-folded">
              {`  … ${line.count} unchanged ${line.count === 1 ? 'line' : 'lines'}`}
            </div>
          ) : (
            <div
              key={i}
              className={`diff-line diff-${line.kind === 'version' ? 'a' : line.kind === 'current' ? 'b' : 'same'}`}
            >
              <span
                className="diff-mark"
                aria-label={
                  line.kind === 'version'
                    ? `only in ${label}: `
                    : line.kind === 'current'
                      ? 'only in the current version: '
                      : undefined
                }
              >
                {line.kind === 'version' ? '−' : line.kind === 'current' ? '+' : ' '}
              </span>
              {line.text}
            </div>
          ),
        )}
      </pre>
    </figure>
  );
}

/** Loads and compares; shown only once both contents are here. */
function LoadedCompare({
  path,
  version,
  current,
}: {
  path: string;
  version: HistoryEntry;
  current: HistoryEntry | null;
}) {
  const pair = usePair(path, version.eventId, current?.eventId ?? null);
  const label = `the version from ${formatDate(version.changedAt)}`;
  if (pair === null)
    return (
      <p className="muted" role="status">
        Loading the comparison…
      </p>
    );
  const [mine, now] = pair;
  if (now === null)
    return (
      <>
        <p className="muted">The file is deleted now; this is how this version was.</p>
        <Preview content={mine} label={`The version from ${formatDate(version.changedAt)}`} />
      </>
    );
  if (mine.kind === 'text' && now.kind === 'text' && whyNot(mine) === '' && whyNot(now) === '')
    return <LineDiff version={mine.text} current={now.text} label={label} />;
  const reasons = [whyNot(mine), whyNot(now)];
  if (mine.kind === 'image' || now.kind === 'image')
    return (
      <div className="previews">
        <Preview content={mine} label={`The version from ${formatDate(version.changedAt)}`} />
        <Preview content={now} label="The current version" />
      </div>
    );
  return (
    <p className="muted">
      Can’t compare these versions:{' '}
      {reasons[0] !== '' ? `this one is ${reasons[0]}` : `the current one is ${reasons[1] ?? ''}`}.
    </p>
  );
}

export function VersionCompare({
  path,
  version,
  current,
}: {
  path: string;
  version: HistoryEntry;
  /** The version the folder holds now; null when the file is deleted. */
  current: HistoryEntry | null;
}) {
  let body;
  if (version.deleted)
    body = (
      <p className="muted">This version is the file’s deletion: there is no content to show.</p>
    );
  else if (current !== null && current.eventId === version.eventId)
    body = <p className="muted">This is the current version: the file as it is now.</p>;
  else if (current !== null && current.hash !== null && current.hash === version.hash)
    body = <p className="muted">Same content as the current version.</p>;
  else body = <LoadedCompare path={path} version={version} current={current} />;
  return (
    <div className="version-compare" data-testid="version-compare">
      {body}
    </div>
  );
}
