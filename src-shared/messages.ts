/**
 * Sentences a person reads (the CLI's one-line failures, the UI's notices), kept in one
 * place so the same fact is always said the same way. Pure: no Node, no DOM.
 *
 * Failures by code (NetGuardian's own and the system's: "connect ECONNREFUSED …") are worded in
 * errorWords.ts: `errorInWords` is what the app, the tray and the CLI show for any error.
 */

/** Who runs a device, as its owner process recorded it (see `OwnerInfo` in ownerLock.ts). */
export interface RunningOwner {
  readonly pid: number;
  readonly command: string;
  /** ISO 8601. */
  readonly startedAt: string;
}

const two = (n: number): string => String(n).padStart(2, '0');

/** "22:14" when `at` is today (local time), else "2026-12-04 22:14"; null when unparseable. */
export function shortTime(at: string, now: Date): string | null {
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return null;
  const clock = `${two(date.getHours())}:${two(date.getMinutes())}`;
  const sameDay =
    date.getFullYear() === now.getFullYear() &&
    date.getMonth() === now.getMonth() &&
    date.getDate() === now.getDate();
  if (sameDay) return clock;
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${clock}`;
}

const TALK_TO_IT = 'Stop it first, or run commands while it runs: they talk to it.';

export const messages = {
  /** A second process was refused the device (its data directory is owned). */
  alreadyRunning(owner: RunningOwner | undefined, now: Date = new Date()): string {
    if (owner === undefined)
      return `this device is already running in another process. ${TALK_TO_IT}`;
    const since = shortTime(owner.startedAt, now);
    const when = since === null ? `pid ${owner.pid}` : `pid ${owner.pid}, since ${since}`;
    return `this device is already running: ${owner.command} (${when}). ${TALK_TO_IT}`;
  },
  /** The owner's connection dropped with calls unanswered (it crashed or was killed). */
  ownerStopped: 'the NetGuardian process running this device stopped while answering',
  /** This side closed the connection with calls unanswered, or called after closing. */
  ownerConnectionClosed: 'the connection to the NetGuardian process running this device is closed',
  ownerNotAnswering: (timeoutMs: number): string =>
    `the NetGuardian process running this device did not answer within ${Math.ceil(timeoutMs / 1000)} s`,
  ownerUnreachable: (detail: string): string =>
    `cannot reach the NetGuardian process running this device: ${detail}`,
  ownerBusy:
    'the NetGuardian process running this device has too many open connections; try again shortly',
  /** The control socket or its folder belongs to someone else, or is not what it should be. */
  controlChannelNotPrivate: (where: string): string =>
    `${where} is not private to this user; refusing to use it to talk to NetGuardian`,
} as const;
