import { ALL_KINDS, type OpKind } from './ops.js';

/**
 * What the harness applies and checks today, and how to change it for one run.
 *
 * Kinds the product does not handle yet stay in the generator (seeds keep their op
 * lists) but are skipped while listed here; each is switched on by deleting it from
 * the list once its fix is merged. See docs/ARCHITECTURE.md, "The folder-level harness".
 */
export const OFF_UNTIL_FIXED: readonly OpKind[] = [];

/**
 * Whether folders must agree on every rwx bit of every file and folder (true: the product syncs
 * them, issue 12 point 5), or only on whether a file is executable (false, `FOLDER_FULL_MODES=0`:
 * for a run about something else).
 */
export const FULL_MODES_DEFAULT = true;

/**
 * After an op removes a folder, wait until the device's scanner saw it go before the next
 * op. A folder deleted and made again within milliseconds (`rm -rf docs && mkdir docs`) is
 * not watched any more today (chokidar loses it, paulmillr/chokidar#1059): later changes in
 * it wait for the 15-minute rescan. Set to false once the watcher re-watches such a folder.
 */
export const WAIT_FOR_REMOVALS_DEFAULT = true;

/**
 * Two changes of one file on one device (writes, appends, chmods, a download landing there) at
 * least this many ms apart; 0: as they come. Was 60 while a quick second save could go
 * unrecorded: the watcher takes chokidar's raw events (its `change` is throttled to one in
 * 50 ms), the materializer no longer indexes a save made while it settles the file as the
 * content it decided on (an edit right after a conflict's download), and the scanner hashes a
 * racily indexed file the watcher names again (ARCHITECTURE.md §9). Kept as a switch to tell a
 * timing failure from others: `FOLDER_SAME_FILE_PACE_MS=60`.
 */
export const SAME_FILE_PACE_MS_DEFAULT = 0;

/**
 * Whether a `start` while the hub is unreachable waits until the hub is back. Off: an app that
 * quit in the middle of a download starts offline and leaves the download for later (10fb56b:
 * the look-ahead fetch turns an unreachable hub into "not fetched yet"). `FOLDER_DEFER_START=1`
 * brings the wait back for one run.
 */
export const DEFER_START_DEFAULT = false;

/**
 * `FOLDER_OPS_OFF=a,b` replaces the list above for one run (`FOLDER_OPS_OFF=` with
 * nothing runs every kind); unknown names are refused, so a typo cannot pass silently.
 */
export function enabledKinds(off: string | undefined): Set<OpKind> {
  const names =
    off === undefined
      ? OFF_UNTIL_FIXED
      : off
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '');
  for (const n of names) {
    if (!(ALL_KINDS as readonly string[]).includes(n))
      throw new Error(
        `FOLDER_OPS_OFF: unknown op kind ${JSON.stringify(n)} (kinds: ${ALL_KINDS.join(', ')})`,
      );
  }
  return new Set(ALL_KINDS.filter((k) => !names.includes(k)));
}

/** `FOLDER_FULL_MODES=1` or `=0` overrides FULL_MODES_DEFAULT for one run. */
export const fullModes = (flag: string | undefined): boolean => flagOr(flag, FULL_MODES_DEFAULT);

/** `FOLDER_WAIT_FOR_REMOVALS=0` or `=1` overrides WAIT_FOR_REMOVALS_DEFAULT for one run. */
export const waitForRemovals = (flag: string | undefined): boolean =>
  flagOr(flag, WAIT_FOR_REMOVALS_DEFAULT);

function flagOr(flag: string | undefined, fallback: boolean): boolean {
  if (flag === undefined || flag === '') return fallback;
  return flag === '1' || flag === 'true';
}

/** `FOLDER_DEFER_START=0` or `=1` overrides DEFER_START_DEFAULT for one run. */
export const deferStart = (flag: string | undefined): boolean => flagOr(flag, DEFER_START_DEFAULT);

/** `FOLDER_SAME_FILE_PACE_MS=60` overrides SAME_FILE_PACE_MS_DEFAULT for one run. */
export function sameFilePaceMs(text: string | undefined): number {
  if (text === undefined || text.trim() === '') return SAME_FILE_PACE_MS_DEFAULT;
  const ms = Number(text);
  if (!Number.isSafeInteger(ms) || ms < 0 || ms > 1_000)
    throw new Error(`FOLDER_SAME_FILE_PACE_MS must be 0-1000, got ${JSON.stringify(text)}`);
  return ms;
}
