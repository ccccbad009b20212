import { useState } from 'react';

export interface SaveStatus {
  readonly busy: boolean;
  readonly message: { readonly ok: boolean; readonly text: string } | null;
  /** Runs a save that resolves to an error sentence or null, and words the outcome. */
  run: (save: () => Promise<string | null>, done?: string) => Promise<void>;
  /** Forgets the last outcome (the form was edited again). */
  clear: () => void;
}

/** What every settings card says once its change is stored. */
export const SAVED = 'Saved.';

/**
 * Busy flag and outcome sentence for one settings card. Every card saves the same way: its own
 * button, enabled once something changed, then "Saved." (or the core's refusal) beside it.
 */
export function useSaveStatus(): SaveStatus {
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<SaveStatus['message']>(null);
  return {
    busy,
    message,
    async run(save, done = SAVED) {
      setBusy(true);
      setMessage(null);
      const error = await save();
      setBusy(false);
      setMessage(error === null ? { ok: true, text: done } : { ok: false, text: error });
    },
    clear: () => setMessage(null),
  };
}

export function SaveMessage({ status }: { status: SaveStatus }) {
  if (!status.message) return null;
  return (
    <p
      role={status.message.ok ? 'status' : 'alert'}
      className={status.message.ok ? 'ok-text' : 'error-text'}
    >
      {status.message.text}
    </p>
  );
}
