import {
  folderProblemFact,
  folderProblemRemedy,
  MARKER_FILE,
} from '../../src-shared/folderProblems.js';
import { errorInWords } from '../../src-shared/errorWords.js';
import { watchingWords } from '../../src-shared/watcherProblems.js';
import type {
  ConflictInfo,
  DeviceStatusView,
  FolderProblem,
  HistoryEntry,
  KeptVersion,
  SyncRunReport,
  VersionInfo,
} from '../../src-shared/ipc/contract.js';
import { UNSYNCABLE_REASON_WORDS, type UnsyncableFiles } from '../../src-shared/unsyncable.js';
import { countOf, formatCount } from '../../src-shared/words.js';

/**
 * The text the CLI prints for what the device answered: lines a person reads. `--json` prints
 * the answers themselves instead.
 */

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The state's headline first and its sentence under it (the app's and the tray's words), then
 * the facts one per line.
 */
export function statusLines(s: DeviceStatusView): string[] {
  return [...deviceLines(s), ...unsyncableLines(s.unsyncable)];
}

/**
 * "3 files can't sync:" and a line per file (path — reason in words); nothing when every file
 * syncs. A name with a tab or a newline is printed quoted, so each file stays one line.
 */
export function unsyncableLines(list: UnsyncableFiles): string[] {
  if (list.total === 0) return [];
  const lines = [`${countOf(list.total, 'file')} can't sync:`];
  for (const f of list.files) {
    const from = f.side === 'remote' ? ' (from another device)' : '';
    lines.push(`  ${printablePath(f.path)} — ${UNSYNCABLE_REASON_WORDS[f.reason]}${from}`);
  }
  const more = list.total - list.files.length;
  if (more > 0) lines.push(`  … and ${formatCount(more)} more`);
  return lines;
}

// C0 controls and DEL: a name holding one is shown as a JSON string.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
const printablePath = (p: string) => (CONTROL.test(p) ? JSON.stringify(p) : p);

/** What is wrong with the folder, after its path on the `folder` line; the state says the rest. */
const FOLDER_PROBLEM_WORDS: Readonly<Record<FolderProblem, string>> = {
  missing: 'not there',
  'marker-missing': `there, but not recognized (its marker file ${MARKER_FILE} is missing)`,
  'marker-other': `there, but not recognized (its marker file ${MARKER_FILE} is another folder's)`,
};

/** "195 files, 7 folders": the store counts both as entries; people count them apart. */
export function contentsWords(entries: number, folders: number): string {
  return `${countOf(entries - folders, 'file')}, ${countOf(folders, 'folder')}`;
}

/** Whether a daemon runs, and what it does: with the folder missing or not recognized it waits. */
export function runningWords(s: Pick<DeviceStatusView, 'running' | 'folderProblem'>): string {
  if (!s.running) return 'no: `netguardian start` watches and syncs';
  if (s.folderProblem !== null)
    return 'yes: syncing with the hub, waiting for the folder (nothing is recorded or written)';
  return 'yes: watching the folder and syncing';
}

function deviceLines(s: DeviceStatusView): string[] {
  const lines = [
    s.state.headline,
    `  ${s.state.detail}`,
    `device    ${s.deviceName} (${s.nodeId})`,
    `folder    ${s.folder} (space ${s.spaceId})${s.folderProblem === null ? '' : `: ${FOLDER_PROBLEM_WORDS[s.folderProblem]}`}`,
    `running   ${runningWords(s)}`,
    ...(s.watcherProblem === null ? [] : [`watching  ${watchingWords(s.watcherProblem)}`]),
    `files     ${contentsWords(s.files, s.folders)}${s.pendingDownload > 0 ? ` (${formatCount(s.pendingDownload)} not in the folder yet: they are written as their content arrives)` : ''}`,
    `conflicts ${formatCount(s.conflicts)}${s.conflicts > 0 ? ' (see `netguardian conflicts`)' : ''}`,
  ];
  if (s.held > 0)
    lines.push(
      `held      ${formatCount(s.held)} changes from other devices kept aside (invalid, or from a clock ahead)`,
    );
  if (s.paused) lines.push('paused    yes: nothing syncs until it is resumed');
  const hub = s.hub;
  if (!hub) {
    lines.push('hub       none (local only)');
    return lines;
  }
  lines.push(
    hub.reachable
      ? `hub       ${hub.address}: reachable${hub.live ? ', changes arrive live' : ''}`
      : `hub       ${hub.address}: offline: ${hub.problem ?? 'not reachable'}`,
  );
  lines.push(
    `last sync ${hub.lastSync ? `${iso(hub.lastSync.at)} (sent ${formatCount(hub.lastSync.sent)}, received ${formatCount(hub.lastSync.received)})` : 'never'}`,
  );
  lines.push(`pending   ${countOf(hub.pendingUpload, 'local change')} not on the hub yet`);
  if (hub.lastError)
    lines.push(`last error ${iso(hub.lastError.at)}: ${errorInWords(hub.lastError.message)}`);
  return lines;
}

/**
 * Per conflict: its path, a line per version (on disk or in a copy, mine or theirs, which
 * device), and what each `--keep` keeps, so `resolve --keep mine|theirs` is never a guess.
 */
export function conflictLines(conflicts: readonly ConflictInfo[]): string[] {
  if (conflicts.length === 0) return ['no conflicts'];
  const lines: string[] = [];
  for (const c of conflicts) {
    lines.push(c.path);
    for (const v of c.versions) lines.push(versionLine(v));
    lines.push(`  ${keepWords(c)}`);
  }
  lines.push('resolve with: netguardian resolve <path> --keep mine|theirs|both');
  return lines;
}

/** "on disk  mine    laptop (this device)  <time>  21 bytes  version <id>" (a copy: "as <path>"). */
function versionLine(v: VersionInfo): string {
  const where = v.winner ? 'on disk ' : 'copy    ';
  const side = v.side === 'mine' ? 'mine  ' : 'theirs';
  const who = v.side === 'mine' ? `${v.device} (this device)` : v.device;
  const copy = v.copyPath ? `  as ${v.copyPath}` : '';
  return `  ${where} ${side}  ${who}  ${iso(v.changedAt)}  ${v.size} bytes  version ${v.eventId}${copy}`;
}

/** "--keep mine keeps this device's (laptop) version <id>; --keep theirs keeps desktop's …". */
function keepWords(c: ConflictInfo): string {
  const one = (k: KeptVersion | null, choice: 'mine' | 'theirs'): string => {
    if (k === null) return `--keep ${choice} is refused (no version from another device)`;
    const whose = k.side === 'mine' ? `this device's (${k.device})` : `${k.device}'s`;
    const what = k.deleted
      ? `deletes it (${whose} deletion)`
      : `keeps ${whose} version ${k.eventId}`;
    // This device wrote no version: `mine` keeps the one on disk, which is another device's.
    const note = choice === 'mine' && k.side === 'theirs' ? ', the one on disk' : '';
    return `--keep ${choice} ${what}${note}`;
  };
  return `${one(c.keeps.mine, 'mine')}; ${one(c.keeps.theirs, 'theirs')}; --keep both keeps every version (the others as copies)`;
}

/**
 * `sync` with the folder not used: nothing was scanned in it or written into it (the hub may
 * still have been synced: what came waits in the store). One line, for the failure.
 */
export function folderNotSynced(report: SyncRunReport, folder: string): string {
  const problem = report.folderProblem ?? 'missing';
  const hub = report.synced
    ? ` (with the hub: sent ${formatCount(report.sent)}, received ${formatCount(report.received)} changes; what was received is written into the folder once it is used again)`
    : '';
  return `nothing was synced from the folder: ${folderProblemFact(problem, folder)}; ${folderProblemRemedy(problem)}${hub}`;
}

/** What a version was, one word wide enough for the column (`changed` for an older core's). */
const HISTORY_WORDS = {
  created: 'added   ',
  edited: 'edited  ',
  deleted: 'deleted ',
  resolved: 'resolved',
} as const;

export function historyLines(history: readonly HistoryEntry[]): string[] {
  return history.map((h) => {
    const what = h.kind ? HISTORY_WORDS[h.kind] : h.deleted ? 'deleted ' : 'changed ';
    const back = h.sameAsEarlier !== undefined ? `  (back to ${iso(h.sameAsEarlier)})` : '';
    return `${iso(h.changedAt)}  ${what}  ${h.device.padEnd(20)} ${h.size === null ? '-' : `${h.size} bytes`}  ${h.eventId}${h.current ? '  (current)' : ''}${back}`;
  });
}
