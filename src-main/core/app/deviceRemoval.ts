import { NetGuardianError } from '../../../src-shared/errors.js';
import type { HubAccounts } from '../hubService/hubAccounts.js';

/**
 * Removing a device from the space: its credential is revoked on the hub, so it can't sync any
 * more and its connections close at once (`hubAccounts.ts`); what it synced stays on every device.
 *
 * Who may: the hub lets only its operator revoke (its admin socket, or the app that runs it), so
 * only the computer that runs the hub removes devices, as only it invites them. The space is this
 * device's own: a device of another space can't be named, let alone removed. A device can't remove
 * itself this way: it leaves the hub in Settings (which also forgets its credential).
 */
export interface DeviceRemoval {
  /** The hub's accounts when this app runs the hub it syncs through, else undefined. */
  readonly accounts: HubAccounts | undefined;
  readonly spaceId: string;
  readonly thisNode: string;
}

/** Revokes `nodeId` in this device's space; answers the name it had. Throws refusals in words. */
export async function removeDevice(removal: DeviceRemoval, nodeId: string): Promise<string> {
  const { accounts, spaceId, thisNode } = removal;
  if (accounts === undefined)
    throw new NetGuardianError(
      'AccessDenied',
      'only the computer that runs the hub can remove devices: remove it there (a device can also leave the hub itself, in its Settings)',
      'nodeId',
    );
  if (nodeId === thisNode)
    throw new NetGuardianError(
      'InvalidArgument',
      'this is this device: to stop syncing it, leave the hub in Settings',
      'nodeId',
    );
  // By node id only, and only among this space's working keys: the accounts' revoke would also
  // take a device name, which the screen never sends.
  const paired = (await accounts.listDevices(spaceId)).find(
    (d) => d.nodeId === nodeId && !d.revoked,
  );
  if (paired === undefined)
    throw new NetGuardianError(
      'NotFound',
      'that device is not paired with this hub any more (removed already?): the list is up to date now',
      'nodeId',
    );
  const revoked = await accounts.revokeDevice({ spaceId, device: nodeId });
  if (!revoked.ok) throw revoked.error;
  return paired.deviceName;
}
