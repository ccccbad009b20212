import { useEffect, useRef } from 'react';
import { useInvite } from '../../components/useInvite.js';
import { formatDate } from '../../format/format.js';
import { QrCode } from './QrCode.js';

/**
 * "Add a device": a fresh one-time invite code from the hub this computer runs, to copy or to
 * scan, with how long it works and what to do with it on the other device. Asked for when the
 * panel opens; "New code" asks again (the old one keeps working until it is used or expires).
 */
export function AddDevice({ onClose }: { onClose: () => void }) {
  const { invite, error, busy, copied, ask, copy: onCopy } = useInvite();
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    heading.current?.focus();
    void ask();
    // Once, when the panel opens.
  }, []);

  return (
    <section
      className="card add-device"
      aria-labelledby="add-device-title"
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
      }}
    >
      <h2 id="add-device-title" tabIndex={-1} ref={heading}>
        Add a device
      </h2>
      {invite === null && busy && <p role="status">Making an invite code…</p>}
      {invite && (
        <div className="add-device-body">
          <QrCode text={invite.code} label="The invite code as a QR code" />
          <div className="add-device-code">
            <label>
              Invite code
              <input
                type="text"
                readOnly
                value={invite.code}
                data-testid="invite-code"
                spellCheck={false}
                onFocus={(e) => e.currentTarget.select()}
              />
            </label>
            <p className="muted" data-testid="invite-validity">
              Works once, for 24 hours (until {formatDate(Date.parse(invite.expiresAt))}).
            </p>
            <p>
              On the other device, install NetGuardian, then paste the code in Settings → Join with
              an invite code (or run <code>netguardian join CODE</code>).
            </p>
            <div className="form-actions">
              <button type="button" className="primary" onClick={() => void onCopy()}>
                Copy code
              </button>
              <button type="button" onClick={() => void ask()} disabled={busy}>
                New code
              </button>
              <button type="button" onClick={onClose}>
                Done
              </button>
            </div>
            <p role="status" className="ok-text">
              {copied ? 'Copied.' : ''}
            </p>
          </div>
        </div>
      )}
      {error && (
        <div>
          <p role="alert" className="error-text">
            {error}
          </p>
          {invite === null && (
            <button type="button" onClick={onClose}>
              Close
            </button>
          )}
        </div>
      )}
    </section>
  );
}
