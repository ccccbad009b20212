import type { Progress } from '../../src-shared/ipc/contract.js';
import { formatBytes, formatCount, percent } from '../format/format.js';

/**
 * A labelled bar. With no total yet (a scan that is still counting) it is indeterminate and
 * says how far it got instead of a percentage.
 */
export function ProgressBar({ progress, label }: { progress: Progress; label?: string }) {
  const pct = percent(progress.done, progress.total);
  const name = label ?? progress.label;
  const text =
    progress.total !== null
      ? `${formatCount(Math.min(progress.done, progress.total))} of ${formatCount(progress.total)}` +
        (progress.bytes > 0 ? ` · ${formatBytes(progress.bytes)}` : '')
      : progress.done === 0 && progress.bytes > 0
        ? // Contents uploaded before any batch of changes was counted: their bytes, not "0".
          `${formatBytes(progress.bytes)} so far`
        : `${formatCount(progress.done)} so far`;
  return (
    <div className="progress">
      <div className="progress-text">
        <span>{name}</span>
        <span>{text}</span>
      </div>
      <div
        className="progress-track"
        role="progressbar"
        aria-label={name}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct ?? undefined}
        aria-valuetext={text}
      >
        <div
          className={pct === null ? 'progress-fill indeterminate' : 'progress-fill'}
          style={{ width: pct === null ? undefined : `${pct}%` }}
        />
      </div>
    </div>
  );
}
