import type { HubSettingsView } from '../../../src-shared/ipc/contract.js';

/** The port a hub made by this app listens on unless told otherwise (`hub:create`). */
const DEFAULT_HUB_PORT = ':7443';

/**
 * The hub in a few words: "Hub at 192.168.1.5 · connected". Where it is (the default port left
 * out, another one kept), whether it answers, and whether this computer runs it. Never a URL.
 */
export function hubLine(hub: HubSettingsView, connected: boolean | null): string {
  const where = hub.address.endsWith(DEFAULT_HUB_PORT)
    ? hub.address.slice(0, -DEFAULT_HUB_PORT.length)
    : hub.address;
  const answer = connected === null ? 'connecting' : connected ? 'connected' : 'offline';
  return `Hub at ${where} · ${answer}${hub.runsHere ? ' · runs on this computer' : ''}`;
}
