import { diffLines } from 'diff';
import { useMemo } from 'react';

/** Past this the diff gives up (it is quadratic on very different texts) and says so. */
const DIFF_TIMEOUT_MS = 300;

interface Line {
  readonly kind: 'same' | 'a' | 'b';
  readonly text: string;
}

/** Lines of `a` and `b`, each marked as in both, only in a, or only in b. */
export function lineDiff(a: string, b: string): Line[] | null {
  const changes = diffLines(a, b, { timeout: DIFF_TIMEOUT_MS });
  if (changes === undefined) return null;
  return changes.flatMap((change) => {
    const kind = change.added ? 'b' : change.removed ? 'a' : 'same';
    const lines = change.value.endsWith('\n') ? change.value.slice(0, -1) : change.value;
    return lines.split('\n').map((text) => ({ kind, text }));
  });
}

/**
 * A line diff between the version on disk (a) and a kept copy (b). Markers and labels carry the
 * meaning, so it reads without colour.
 */
export function TextDiff({
  a,
  b,
  aLabel,
  bLabel,
}: {
  a: string;
  b: string;
  aLabel: string;
  bLabel: string;
}) {
  const lines = useMemo(() => lineDiff(a, b), [a, b]);
  if (lines === null)
    return <p className="muted">The versions are too different to compare line by line.</p>;
  if (lines.every((l) => l.kind === 'same'))
    return <p className="muted">The texts are identical.</p>;
  return (
    <figure className="diff" data-testid="text-diff">
      <figcaption>
        <span className="diff-a">− only in {aLabel}</span>{' '}
        <span className="diff-b">+ only in {bLabel}</span>
      </figcaption>
      <pre>
        {lines.map((line, i) => (
          <div key={i} className={`diff-line diff-${line.kind}`}>
            <span
              className="diff-mark"
              aria-label={
                line.kind === 'a'
                  ? `only in ${aLabel}`
                  : line.kind === 'b'
                    ? `only in ${bLabel}`
                    : undefined
              }
            >
              {line.kind === 'a' ? '−' : line.kind === 'b' ? '+' : ' '}
            </span>
            {line.text}
          </div>
        ))}
      </pre>
    </figure>
  );
}
