import type {
  ConflictInfo,
  DeviceStatusView,
  HistoryEntry,
} from '../../src-shared/ipc/contract.js';
import { UNSYNCABLE_REASON_WORDS, type UnsyncableFiles } from '../../src-shared/unsyncable.js';

/**
 * The text the CLI prints for what the device answered: lines a person reads. `--json` prints
 * the answers themselves instead.
 */

const iso = (ms: number) => new Date(ms).toISOString();

/** The state's headline first (the app's and the tray's words), then the facts one per line. */
export function statusLines(s: DeviceStatusView): string[] {
  return [...deviceLines(s), ...unsyncableLines(s.unsyncable)];
}

/**
 * "3 files can't sync:" and a line per file (path — reason in words); nothing when every file
 * syncs. A name with a tab or a newline is printed quoted, so each file stays one line.
 */
export function unsyncableLines(list: UnsyncableFiles): string[] {
  if (list.total === 0) return [];
  const lines = [`${list.total} ${list.total === 1 ? "file can't" : "files can't"} sync:`];
  for (const f of list.files) {
    const from = f.side === 'remote' ? ' (from another device)' : '';
    lines.push(`  ${printablePath(f.path)} — ${UNSYNCABLE_REASON_WORDS[f.reason]}${from}`);
  }
  const more = list.total - list.files.length;
  if (more > 0) lines.push(`  … and ${more} more`);
  return lines;
}

// C0 controls and DEL: a name holding one is shown as a JSON string.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
const printablePath = (p: string) => (CONTROL.test(p) ? JSON.stringify(p) : p);

function deviceLines(s: DeviceStatusView): string[] {
  const lines = [
    s.state.headline,
    `device    ${s.deviceName} (${s.nodeId})`,
    s.folderPresent
      ? `folder    ${s.folder} (space ${s.spaceId})`
      : `folder    ${s.folder} (space ${s.spaceId}): MISSING (moved, deleted, or a drive not mounted?); nothing is changed in it or recorded from it until it is back`,
    `running   ${s.running ? 'yes: watching the folder and syncing' : 'no: `netguardian start` watches and syncs'}`,
    `files     ${s.files}${s.pendingDownload > 0 ? ` (${s.pendingDownload} not in the folder yet: they are written as their content arrives)` : ''}`,
    `conflicts ${s.conflicts}${s.conflicts > 0 ? ' (see `netguardian conflicts`)' : ''}`,
  ];
  if (s.held > 0)
    lines.push(
      `held      ${s.held} changes from other devices kept aside (invalid, or from a clock ahead)`,
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
    `last sync ${hub.lastSync ? `${iso(hub.lastSync.at)} (sent ${hub.lastSync.sent}, received ${hub.lastSync.received})` : 'never'}`,
  );
  lines.push(`pending   ${hub.pendingUpload} local changes not on the hub yet`);
  if (hub.lastError) lines.push(`last error ${iso(hub.lastError.at)}: ${hub.lastError.message}`);
  return lines;
}

export function conflictLines(conflicts: readonly ConflictInfo[]): string[] {
  if (conflicts.length === 0) return ['no conflicts'];
  const lines: string[] = [];
  for (const c of conflicts) {
    lines.push(c.path);
    for (const v of c.versions) {
      const where = v.winner ? 'on disk ' : `copy    `;
      const copy = v.copyPath ? `  as ${v.copyPath}` : '';
      lines.push(
        `  ${where} ${v.device}  ${iso(v.changedAt)}  ${v.size} bytes  version ${v.eventId}${copy}`,
      );
    }
  }
  lines.push('resolve with: netguardian resolve <path> --keep mine|theirs|both');
  return lines;
}

export function historyLines(history: readonly HistoryEntry[]): string[] {
  return history.map(
    (h) =>
      `${iso(h.changedAt)}  ${h.deleted ? 'deleted' : 'changed'}  ${h.device.padEnd(20)} ${h.size === null ? '-' : `${h.size} bytes`}  ${h.eventId}${h.current ? '  (current)' : ''}`,
  );
}
