import { useState } from 'react';
import type { HubInvite } from '../../src-shared/ipc/contract.js';
import { useAppStore } from '../store/StoreContext.js';

/** How long a code made here works: long enough to send it, short enough not to linger. */
export const INVITE_LIFETIME_MS = 24 * 3600 * 1000;

/**
 * A one-time invite code from the hub this computer runs, and copying it: the one rule behind
 * Devices' "Add a device" and Settings' "Invite a device". A new code leaves the old one working
 * until it is used or expires; a copy the clipboard refuses says how to copy by hand.
 */
export function useInvite() {
  const inviteDevice = useAppStore((s) => s.inviteDevice);
  const [invite, setInvite] = useState<HubInvite | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [copied, setCopied] = useState(false);

  const ask = async () => {
    setBusy(true);
    setError(null);
    setCopied(false);
    const answer = await inviteDevice(INVITE_LIFETIME_MS);
    setBusy(false);
    if ('error' in answer) setError(answer.error);
    else setInvite(answer.invite);
  };

  const copy = async () => {
    if (!invite) return;
    try {
      await navigator.clipboard.writeText(invite.code);
      setCopied(true);
    } catch {
      setError('Could not copy the code: select it and copy it by hand.');
    }
  };

  return { invite, error, busy, copied, ask, copy };
}
