import { Fragment, useMemo, useState } from 'react';
import { foldSame, sideBySide, type Cell, type Row } from './sideBySide.js';

/**
 * Two versions of a text side by side, each column headed by its device. A line that differs is
 * shaded alike on both sides and marked "≠" (never red/green or −/+: neither version is the
 * old one); long runs of equal lines fold away and open on a click.
 */

function Side({ cell, differs }: { cell: Cell | null; differs: boolean }) {
  return (
    <>
      <td className="pair-n">{cell?.n ?? ''}</td>
      <td className={`pair-text${cell === null ? ' pair-none' : ''}`}>
        {differs && cell !== null && (
          // A role so the label is allowed (axe: aria-prohibited-attr on a bare span).
          <span className="pair-mark" role="img" aria-label="differs">
            ≠
          </span>
        )}
        {cell?.text ?? ''}
      </td>
    </>
  );
}

function DiffRow({ row }: { row: Row }) {
  return (
    <tr className={row.differs ? 'pair-row differs' : 'pair-row'}>
      <Side cell={row.left} differs={row.differs} />
      <Side cell={row.right} differs={row.differs} />
    </tr>
  );
}

export function TextDiff({
  left,
  right,
  leftLabel,
  rightLabel,
}: {
  left: string;
  right: string;
  leftLabel: string;
  rightLabel: string;
}) {
  const rows = useMemo(() => sideBySide(left, right), [left, right]);
  const segments = useMemo(() => (rows === null ? [] : foldSame(rows)), [rows]);
  const [opened, setOpened] = useState<ReadonlySet<number>>(new Set());
  if (rows === null)
    return <p className="muted">The versions are too different to compare line by line.</p>;
  if (rows.every((r) => !r.differs)) return <p className="muted">The texts are identical.</p>;
  const differing = rows.filter((r) => r.differs).length;
  return (
    // It scrolls when long: a tab stop, so the keyboard can scroll it too (WCAG 2.1.1).
    <div
      className="pair-diff"
      data-testid="text-diff"
      tabIndex={0}
      role="region"
      aria-label="The two versions, line by line"
    >
      <table className="pair-table">
        <caption>
          {differing === 1 ? '1 line differs' : `${differing} lines differ`}, marked ≠
        </caption>
        <colgroup>
          <col className="pair-n-col" />
          <col />
          <col className="pair-n-col" />
          <col />
        </colgroup>
        <thead>
          <tr>
            <th scope="col" colSpan={2}>
              {leftLabel}
            </th>
            <th scope="col" colSpan={2}>
              {rightLabel}
            </th>
          </tr>
        </thead>
        <tbody>
          {segments.map((segment, i) =>
            segment.kind === 'same' && !opened.has(i) ? (
              <tr key={i} className="pair-fold">
                <td colSpan={4}>
                  <button
                    type="button"
                    className="link"
                    onClick={() => setOpened(new Set([...opened, i]))}
                  >
                    Show {segment.rows.length} equal lines
                  </button>
                </td>
              </tr>
            ) : (
              <Fragment key={i}>
                {segment.rows.map((row, j) => (
                  <DiffRow key={j} row={row} />
                ))}
              </Fragment>
            ),
          )}
        </tbody>
      </table>
    </div>
  );
}
