import { useEffect, useRef, useState } from 'react';
import type { DeviceInfo } from '../../../src-shared/ipc/contract.js';
import { formatAgo, formatDate } from '../../format/format.js';

/**
 * "Online now", "Last seen 3 minutes ago", or "Never seen", from the hub's presence. This device
 * is online whenever the hub answered; when it did not, `selfOffline` says why in a word.
 */
export function Presence({
  device,
  now,
  selfOffline,
}: {
  device: DeviceInfo;
  now: number;
  selfOffline: string;
}) {
  if (device.online) return <span className="presence presence-online">Online now</span>;
  if (device.thisDevice) return <span className="presence muted">{selfOffline}</span>;
  if (device.lastSeen === null) return <span className="presence muted">Never seen</span>;
  return (
    <span className="presence muted">
      Last seen{' '}
      <time dateTime={new Date(device.lastSeen).toISOString()} title={formatDate(device.lastSeen)}>
        {formatAgo(device.lastSeen, now)}
      </time>
    </span>
  );
}

/**
 * One device: its name, whether it is this one, its presence, and, for the hub's computer, "Remove"
 * behind a confirmation that names it. Its node id is only in the tooltip (for support, never as
 * its name).
 */
export function DeviceRow({
  device,
  now,
  canRemove,
  onRemove,
  selfOffline,
}: {
  device: DeviceInfo;
  now: number;
  canRemove: boolean;
  /** What this device's presence reads when the hub did not list it ("Offline", "No hub"). */
  selfOffline: string;
  /** Resolves to an error sentence, or null once removed (the row then leaves the list). */
  onRemove: (device: DeviceInfo) => Promise<string | null>;
}) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const cancelButton = useRef<HTMLButtonElement>(null);

  // The safe choice takes the focus: Enter right after "Remove…" does not remove.
  useEffect(() => {
    if (confirming) cancelButton.current?.focus();
  }, [confirming]);

  const remove = async () => {
    setBusy(true);
    setError(null);
    const failed = await onRemove(device);
    setBusy(false);
    if (failed !== null) setError(failed);
  };

  return (
    <li className="device card" data-testid="device" title={`Device id: ${device.nodeId}`}>
      <div className="device-main">
        <strong className="device-name">{device.name}</strong>
        {device.thisDevice && <span className="tag">This device</span>}
        <Presence device={device} now={now} selfOffline={selfOffline} />
      </div>
      {canRemove && !device.thisDevice && !confirming && (
        <button type="button" onClick={() => setConfirming(true)}>
          Remove…
        </button>
      )}
      {confirming && (
        <div
          className="confirm device-confirm"
          role="group"
          aria-label={`Confirm removing ${device.name}`}
          onKeyDown={(e) => {
            if (e.key === 'Escape') setConfirming(false);
          }}
        >
          <p>
            Remove {device.name}? It can&rsquo;t sync with this hub any more. The files it synced
            stay on every device, {device.name} included; to sync it again, invite it again.
          </p>
          <div className="form-actions">
            <button type="button" className="danger" onClick={() => void remove()} disabled={busy}>
              Remove {device.name}
            </button>
            <button
              type="button"
              ref={cancelButton}
              onClick={() => {
                setConfirming(false);
                setError(null);
              }}
              disabled={busy}
            >
              Cancel
            </button>
          </div>
        </div>
      )}
      {error && (
        <p role="alert" className="error-text device-error">
          {error}
        </p>
      )}
    </li>
  );
}
