import { isAppUrl } from './appOrigin.js';

/** The parts of an IpcMainInvokeEvent the check reads. */
export interface InvokeEventLike {
  readonly sender: unknown;
  readonly senderFrame: { readonly url: string; readonly parent: unknown } | null;
}

export type SenderVerdict = { ok: true } | { ok: false; reason: string };

/**
 * A request is trusted only from the main frame of our own window showing our own origin:
 * not from another window or webContents, not from a subframe (an iframe could embed
 * anything), not after the page has navigated elsewhere, and not from a frame that is gone
 * (senderFrame null: it navigated or was destroyed while the message was in flight).
 */
export function checkSender(event: InvokeEventLike, ourWebContents: unknown): SenderVerdict {
  if (ourWebContents === undefined || ourWebContents === null)
    return { ok: false, reason: 'no window' };
  if (event.sender !== ourWebContents) return { ok: false, reason: 'another webContents' };
  const frame = event.senderFrame;
  if (frame === null) return { ok: false, reason: 'sender frame gone' };
  if (frame.parent !== null) return { ok: false, reason: 'subframe' };
  if (!isAppUrl(frame.url)) return { ok: false, reason: 'foreign origin' };
  return { ok: true };
}
