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
