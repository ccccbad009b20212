import { useEffect, useId, useRef, useState } from 'react';
import { formatDate } from '../../format/format.js';
import { useAppStore } from '../../store/StoreContext.js';

/**
 * "Restore deleted files…" on the Files screen: everything deleted in the folder since a time
 * comes back on every device, as one change (`history:restoreDeleted`; the deletes stay in each
 * file's history). The time is a span back from now or one the person types.
 */

const SPANS = [
  { label: '15 minutes ago', ms: 15 * 60_000 },
  { label: 'an hour ago', ms: 60 * 60_000 },
  { label: '24 hours ago', ms: 24 * 60 * 60_000 },
  { label: '7 days ago', ms: 7 * 24 * 60 * 60_000 },
] as const;
const CUSTOM = 'custom';

/** A `datetime-local` value (local time, no zone) as ms, or null when it isn't one. */
function localInputMs(value: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return null;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? null : ms;
}

function RestoreDeletedForm({ onClose }: { onClose: () => void }) {
  const running = useAppStore((s) => s.restoreDeleted.running);
  const message = useAppStore((s) => s.restoreDeleted.message);
  const restoreDeletedSince = useAppStore((s) => s.restoreDeletedSince);
  const [span, setSpan] = useState<string>('1');
  const [custom, setCustom] = useState('');
  // The message shown is this form's run's, not one from before it opened.
  const [asked, setAsked] = useState(false);
  const id = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  // Escape closes the form wherever focus is (its button disabled while it runs leaves focus on
  // the page), and only the form: caught before the version history's own Escape sees it.
  const closeRef = useRef(onClose);
  closeRef.current = onClose;
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || event.defaultPrevented) return;
      event.preventDefault();
      closeRef.current();
    };
    document.addEventListener('keydown', onKeyDown, true);
    return () => document.removeEventListener('keydown', onKeyDown, true);
  }, []);

  const picked = SPANS[Number(span)];
  const since = span === CUSTOM ? localInputMs(custom) : picked ? Date.now() - picked.ms : null;
  const problem =
    span === CUSTOM && since === null
      ? 'Enter the date and time to restore from.'
      : since !== null && since > Date.now()
        ? 'That time is in the future: pick one in the past.'
        : null;

  return (
    <div
      className="restore-deleted-dialog"
      role="dialog"
      aria-labelledby={`${id}-title`}
      data-testid="restore-deleted-dialog"
    >
      <h2 id={`${id}-title`} tabIndex={-1} ref={heading}>
        Restore deleted files
      </h2>
      <p className="muted">
        Every file and folder deleted since the time you choose comes back, on every device. The
        deletions stay in each file’s history.
      </p>
      <label htmlFor={`${id}-since`}>Deleted since</label>{' '}
      <select id={`${id}-since`} value={span} onChange={(e) => setSpan(e.target.value)}>
        {SPANS.map((s, i) => (
          <option key={s.label} value={String(i)}>
            {s.label}
          </option>
        ))}
        <option value={CUSTOM}>a time I choose</option>
      </select>
      {span === CUSTOM && (
        <>
          {' '}
          <label htmlFor={`${id}-time`}>Date and time</label>{' '}
          <input
            id={`${id}-time`}
            type="datetime-local"
            value={custom}
            onChange={(e) => setCustom(e.target.value)}
          />
        </>
      )}
      {problem !== null && <p className="notice notice-error">{problem}</p>}
      <div className="restore-deleted-actions">
        <button
          type="button"
          className="primary"
          disabled={running || since === null || problem !== null}
          onClick={() => {
            if (since === null) return;
            setAsked(true);
            void restoreDeletedSince(since);
          }}
        >
          {running
            ? 'Restoring…'
            : since !== null && problem === null
              ? `Restore files deleted since ${formatDate(since)}`
              : 'Restore deleted files'}
        </button>{' '}
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      {asked && !running && message && (
        <p className="notice" role="status">
          {message}
        </p>
      )}
    </div>
  );
}

/** The button, and the form it opens beside it; focus goes back to the button on close. */
export function RestoreDeletedButton() {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const close = () => {
    setOpen(false);
    button.current?.focus();
  };
  return (
    <div className="restore-deleted-anchor">
      <button
        type="button"
        ref={button}
        aria-expanded={open}
        onClick={() => (open ? close() : setOpen(true))}
      >
        Restore deleted files…
      </button>
      {open && <RestoreDeletedForm onClose={close} />}
    </div>
  );
}
