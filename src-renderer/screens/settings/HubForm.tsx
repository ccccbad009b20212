import { useState, type FormEvent } from 'react';
import type { HubSettingsView } from '../../../src-shared/ipc/contract.js';
import { useInvite } from '../../components/useInvite.js';
import { useAppStore } from '../../store/StoreContext.js';
import { hubLine } from './hubLine.js';
import { SaveMessage, useSaveStatus } from './useSaveStatus.js';

/**
 * The hub this device syncs through: where it is and whether it answers, joining one with an
 * invite code (the only way in: the app never asks for a database address), leaving it, and,
 * when this app runs the hub, inviting another device.
 */
export function HubForm({ hub }: { hub: HubSettingsView | null }) {
  const connected = useAppStore((s) => s.status.app?.hub?.connected ?? null);
  const joinHub = useAppStore((s) => s.joinHub);
  const leaveHub = useAppStore((s) => s.leaveHub);
  const createHub = useAppStore((s) => s.createHub);
  const [code, setCode] = useState('');
  const save = useSaveStatus();

  const onJoin = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = code.trim();
    if (trimmed === '') {
      void save.run(
        () => Promise.resolve('Paste the invite code you were sent (it starts with “ng1-”).'),
        '',
      );
      return;
    }
    void save.run(async () => {
      const error = await joinHub(trimmed);
      if (error === null) setCode('');
      return error;
    }, 'Joined the hub: this device syncs through it now.');
  };

  const onLeave = () =>
    void save.run(() => leaveHub(), 'Left the hub: this folder is kept on this device only.');

  const onCreate = () =>
    void save.run(
      () => createHub(),
      'This computer now runs a hub: invite your other devices to it.',
    );

  return (
    <section className="card" aria-labelledby="hub-title">
      <h2 id="hub-title">Hub</h2>
      {hub ? (
        <p data-testid="hub-line">{hubLine(hub, connected)}</p>
      ) : (
        <p data-testid="hub-line">
          No hub: this folder is kept on this device only. Join a hub with an invite code from
          another of your devices to sync with it.
        </p>
      )}
      {hub?.runsHere && <InviteDevice />}
      <form onSubmit={onJoin}>
        <label>
          Join with an invite code
          <input
            type="text"
            value={code}
            onChange={(e) => setCode(e.target.value)}
            placeholder="ng1-…"
            spellCheck={false}
            autoComplete="off"
          />
        </label>
        <p className="muted">
          {hub
            ? 'Joining another hub moves this device there; its files go to the new hub.'
            : 'Ask for a code on the device that runs the hub (Settings → Invite a device).'}
          {hub?.runsHere
            ? ' Leaving stops the hub on this computer: your other devices go offline until they join another hub.'
            : ''}
        </p>
        <div className="form-actions">
          <button type="submit" className="primary" disabled={save.busy}>
            Join
          </button>
          {hub ? (
            <button type="button" onClick={onLeave} disabled={save.busy}>
              Leave hub
            </button>
          ) : (
            <button type="button" onClick={onCreate} disabled={save.busy}>
              Create a hub on this computer
            </button>
          )}
        </div>
      </form>
      <SaveMessage status={save} />
    </section>
  );
}

/** "Invite a device": a fresh one-time code to copy and send to the new device. */
function InviteDevice() {
  const { invite, error, busy, copied, ask: onInvite, copy: onCopy } = useInvite();

  return (
    <div className="hub-invite">
      <button type="button" onClick={() => void onInvite()} disabled={busy}>
        Invite a device
      </button>
      {invite && (
        <>
          <label>
            Invite code (works once, until {new Date(invite.expiresAt).toLocaleString()})
            <input
              type="text"
              readOnly
              value={invite.code}
              data-testid="hub-invite-code"
              onFocus={(e) => e.currentTarget.select()}
            />
          </label>
          <div className="form-actions">
            <button type="button" onClick={() => void onCopy()}>
              Copy code
            </button>
          </div>
          <p className="muted">
            On the other device: Settings → Join with an invite code, or{' '}
            <code>netguardian join CODE</code>.{copied ? ' Copied.' : ''}
          </p>
        </>
      )}
      {error && (
        <p role="alert" className="error-text">
          {error}
        </p>
      )}
    </div>
  );
}
