import { formatBytes, formatCount } from '../../src-shared/words.js';
/**
 * `hub devices` in words: one line per paired device, with its space, name, node id, and
 * whether it is online now, when it was last seen, or that it was revoked. Pure: tested with a
 * fixed clock.
 */

/** A device as the hub's admin socket lists it. */
export interface HubDeviceRow {
  readonly spaceId: string;
  readonly nodeId: string;
  readonly deviceName: string;
  readonly lastSeen: string | null;
  readonly online: boolean;
  readonly revoked: boolean;
}

export function deviceLines(devices: readonly HubDeviceRow[], now: number): string[] {
  if (devices.length === 0)
    return ['no paired devices (invite one: netguardian hub invite --data DIR)'];
  const width = (pick: (d: HubDeviceRow) => string) =>
    Math.max(...devices.map((d) => pick(d).length));
  const spaceW = width((d) => d.spaceId);
  const nameW = width((d) => d.deviceName);
  const nodeW = width((d) => d.nodeId);
  return devices.map((d) =>
    [
      d.spaceId.padEnd(spaceW),
      d.deviceName.padEnd(nameW),
      d.nodeId.padEnd(nodeW),
      d.revoked ? `revoked (${seenWords(d, now)})` : seenWords(d, now),
    ].join('  '),
  );
}

/** "online", "last seen 5 minutes ago", or "never" (paired, never connected). */
export function seenWords(d: Pick<HubDeviceRow, 'online' | 'lastSeen'>, now: number): string {
  if (d.online) return 'online';
  if (d.lastSeen === null) return 'never seen';
  return `last seen ${ago(now - Date.parse(d.lastSeen))}`;
}

function ago(ms: number): string {
  const minutes = Math.floor(Math.max(0, ms) / 60_000);
  if (minutes < 1) return 'just now';
  const count = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'} ago`;
  if (minutes < 60) return count(minutes, 'minute');
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return count(hours, 'hour');
  return count(Math.floor(hours / 24), 'day');
}

/** A space as the hub's admin socket reports it (`hub spaces`). */
export interface HubSpaceRow {
  readonly spaceId: string;
  readonly devices: number;
  readonly events: number;
  readonly chunks: number;
  readonly chunksAsObjects: number;
  readonly bytes: number;
  readonly quotaBytes: number | null;
}

/**
 * `hub spaces` in words: a header, then one line per space with its devices, events, chunks,
 * the bytes they hold (and how many chunks are in object storage when some are) and its quota.
 */
export function spaceLines(spaces: readonly HubSpaceRow[]): string[] {
  if (spaces.length === 0)
    return [
      'no spaces yet: a space begins when its first device joins (invite one: netguardian hub invite --data DIR --space NAME)',
    ];
  const rows = spaces.map((s) => [
    s.spaceId,
    formatCount(s.devices),
    formatCount(s.events),
    s.chunksAsObjects > 0 && s.chunksAsObjects < s.chunks
      ? `${formatCount(s.chunks)} (${formatCount(s.chunksAsObjects)} in object storage)`
      : formatCount(s.chunks),
    formatBytes(s.bytes),
    s.quotaBytes === null
      ? 'none'
      : `${formatBytes(s.quotaBytes)} (${Math.floor((100 * s.bytes) / Math.max(1, s.quotaBytes))}% used)`,
  ]);
  const table = [['space', 'devices', 'events', 'chunks', 'stored', 'quota'], ...rows];
  const widths = table[0]?.map((_, i) => Math.max(...table.map((r) => (r[i] ?? '').length))) ?? [];
  return table.map((r) =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}
