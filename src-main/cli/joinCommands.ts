import { NetGuardianError, isNetGuardianError } from '../../src-shared/errors.js';
import { decodeInvite, type Invite } from '../../src-shared/hubProtocol/inviteCode.js';
import type { DeviceConfig } from '../core/deviceConfig.js';
import { hubResolver, type CliContext } from './cliContext.js';

/**
 * Pairing a device with a hub from an invite code: `init --join` (a new device) and `join` (an
 * existing one moving to a hub). The device pairs under its own node id (its store's identity),
 * and keeps the hub's address and pinned certificate in config.json, the credential the hub
 * gave in `hub-credential` (0600), never in the config and never printed.
 */

/** The invite in a pasted code, or the decoder's sentence. */
export function inviteFromCode(code: string): Invite {
  const decoded = decodeInvite(code);
  if (!decoded.ok) throw decoded.error;
  return decoded.value;
}

/** What pairing gave: the config's hub entry and the credential to store beside it. */
export interface Pairing {
  readonly hub: NonNullable<DeviceConfig['hub']>;
  readonly credential: string;
}

/**
 * Spends the invite at its hub for `nodeId`. A refusal (hub out of reach, certificate not the
 * invite's, invite used or expired) is one sentence naming the hub.
 */
export async function pairDevice(
  invite: Invite,
  nodeId: string,
  deviceName: string,
): Promise<Pairing> {
  const { pairWithHub } = await import('../core/hubClient/pairing.js');
  try {
    const answer = await pairWithHub({
      endpoint: { address: invite.address, fingerprint: invite.fingerprint },
      secret: invite.secret,
      nodeId,
      deviceName,
    });
    return {
      hub: { address: invite.address, fingerprint: invite.fingerprint, hubId: answer.hubId },
      credential: answer.credential,
    };
  } catch (e) {
    if (!isNetGuardianError(e)) throw e;
    throw new NetGuardianError(
      e.code,
      `could not join the hub at ${invite.address}: ${e.message}`,
      e.field,
    );
  }
}

/** Stores a pairing: the credential first (the old one is of no use at the new hub), then the config. */
export async function storePairing(
  dataDir: string,
  config: DeviceConfig,
  pairing: Pairing,
): Promise<DeviceConfig> {
  const { writeDeviceConfig } = await import('../core/deviceConfig.js');
  const { writeHubCredential } = await import('../core/device/hubCredential.js');
  await writeHubCredential(dataDir, pairing.credential);
  const next: DeviceConfig = { ...config, hub: pairing.hub };
  await writeDeviceConfig(dataDir, next);
  return next;
}

/**
 * `join CODE`: moves an existing device to the invite's hub (from local only, or from another
 * hub). Done by this command as the device's only owner: a device a daemon runs (`start`,
 * `serve`, the app) is refused with "stop the device first", since the daemon holds the hub
 * open and would keep using the old one.
 */
export async function joinCommand(ctx: CliContext, dataDir: string, code: string): Promise<void> {
  const invite = inviteFromCode(code);
  const { readDeviceConfig } = await import('../core/deviceConfig.js');
  const config = await readDeviceConfig(dataDir);
  if (!config.ok) throw config.error;
  if (config.value.spaceId !== invite.spaceId)
    throw new NetGuardianError(
      'InvalidArgument',
      `this device syncs space ${config.value.spaceId} and the invite joins space ${invite.spaceId}: ask the hub for an invite to space ${config.value.spaceId} (netguardian hub invite --space ${config.value.spaceId})`,
      'code',
    );
  const { connectControlChannel } = await import('../core/device/controlChannel/client.js');
  const daemon = await connectControlChannel(dataDir, { timeoutMs: 5_000 });
  if (daemon) {
    await daemon.close();
    throw stopFirst();
  }
  const { openSession } = await import('./session.js');
  const session = await openSession({
    dataDir,
    command: 'netguardian join',
    resolveHub: hubResolver,
    logger: ctx.logger,
  });
  try {
    // A daemon that started between the check and the open: it owns the device, not us.
    if (!session.ownsDevice) throw stopFirst();
    const { nodeId } = await session.client.call('device:status', {});
    const from = config.value.hub
      ? `from ${'address' in config.value.hub ? config.value.hub.address : 'its PostgreSQL hub'}`
      : 'from local only';
    const pairing = await pairDevice(invite, nodeId, config.value.deviceName);
    await storePairing(dataDir, config.value, pairing);
    ctx.out(
      `joined the hub at ${invite.address} (${from}) in space ${invite.spaceId} as ${config.value.deviceName} (${nodeId})`,
    );
    ctx.out(
      'this device’s files go to the hub with the next sync (`netguardian sync`, or `start`)',
    );
  } finally {
    await session.close();
  }
}

const stopFirst = () =>
  new NetGuardianError(
    'AlreadyRunning',
    'this device is running (`netguardian start`, `serve` or the app): stop the device first, then run `netguardian join` again',
    'data',
  );
