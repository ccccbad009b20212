import type { StateHeadline } from './ipc/contract.js';

/**
 * Why the folder is not watched whole, in words a person can act on: one catalogue for the
 * state (the app's header, the tray, `netguardian status`) and the activity list. Pure.
 *
 * The device keeps working either way: what is watched still reports at once, and a full rescan
 * every minute finds the rest. It tries to watch everything again at each of those rescans, so
 * raising the limit is all the user does.
 */
export interface WatcherProblem {
  /**
   * `limit`: the system's limit on file watches per user is reached (Linux:
   * `fs.inotify.max_user_watches`, shared by every program of the user); `failed`: anything
   * else the OS refused.
   */
  readonly kind: 'limit' | 'failed';
  /** The OS's words, for `failed`. */
  readonly message: string;
  /** `fs.inotify.max_user_watches` when it could be read; null otherwise. */
  readonly limit: number | null;
}

/** How often the device rescans the whole folder while it is not watched whole. */
export const RESCAN_WITHOUT_WATCHER_MS = 60_000;

/** A limit that fits a million files in 10,000 folders with room for other programs. */
const SUGGESTED_LIMIT = 524_288;

/** What is true, as one sentence. */
export function watcherProblemFact(problem: WatcherProblem): string {
  const when = 'changes there are found by a full rescan every minute instead of at once';
  if (problem.kind === 'limit')
    return `The system's limit on file watches is reached${problem.limit === null ? '' : ` (fs.inotify.max_user_watches = ${problem.limit.toLocaleString('en-US')})`}, so some folders are not watched: ${when}.`;
  return `Some folders can't be watched (${problem.message}): ${when}.`;
}

/** What ends it: a higher limit (no restart needed), or nothing the user can do but wait. */
export function watcherProblemRemedy(problem: WatcherProblem): string {
  if (problem.kind === 'limit')
    return `To watch them all, raise the limit: sudo sysctl fs.inotify.max_user_watches=${SUGGESTED_LIMIT} (add the setting to /etc/sysctl.d/ to keep it after a restart); NetGuardian watches everything again at its next rescan.`;
  return 'NetGuardian tries to watch everything again at each rescan.';
}

/** The state when everything else is synced: the files are, but changes are noticed late. */
export function watcherProblemState(problem: WatcherProblem): StateHeadline {
  return {
    phase: 'watch-limited',
    headline: 'Synced — changes noticed only by a rescan every minute',
    detail: `${watcherProblemFact(problem)} ${watcherProblemRemedy(problem)}`,
  };
}

/** One line for `netguardian status`: how the folder is watched. */
export function watchingWords(problem: WatcherProblem | null): string {
  if (problem === null) return 'every folder: changes are noticed at once';
  return `not every folder: ${watcherProblemFact(problem)} ${watcherProblemRemedy(problem)}`;
}
