import { NetGuardianError, isNetGuardianError } from '../../../src-shared/errors.js';
import { hubUnreachableSentence, isHubUnreachable } from '../../../src-shared/hubProblems.js';
import { decodeInvite, type Invite } from '../../../src-shared/hubProtocol/inviteCode.js';
import type { HubEndpoint } from '../hubClient/hubConnection.js';
import { pairWithHub } from '../hubClient/pairing.js';

/**
 * Pairing this device with a hub, for the app's `hub:join` and `hub:create`: the invite's secret
 * is exchanged for a device credential under the device's own node id. Every refusal is one
 * sentence naming the hub: a garbled code, an invite used or expired, a certificate other than
 * the invite's, a hub out of reach.
 */

export interface ServicePairing {
  /** What config.json keeps: where the hub is and its pinned certificate. */
  readonly hub: { readonly address: string; readonly fingerprint: string; readonly hubId: string };
  /** Kept in `hub-credential` (0600), never in the config. */
  readonly credential: string;
}

/** The invite in a pasted code, checked against the space this device syncs. */
export function inviteForDevice(code: string, deviceSpace: string): Invite {
  const decoded = decodeInvite(code);
  if (!decoded.ok) throw decoded.error;
  const invite = decoded.value;
  // The device's history lives in its space: the hub must put it in the same one.
  if (invite.spaceId !== deviceSpace)
    throw new NetGuardianError(
      'InvalidArgument',
      `this device syncs space ${deviceSpace} and the invite joins space ${invite.spaceId}: ask for an invite to space ${deviceSpace}`,
      'code',
    );
  return invite;
}

/** Spends `secret` at the hub at `endpoint` for `nodeId`. */
export async function pairDevice(
  endpoint: HubEndpoint,
  secret: string,
  device: { readonly nodeId: string; readonly deviceName: string },
): Promise<ServicePairing> {
  try {
    const answer = await pairWithHub({ endpoint, secret, ...device });
    return {
      hub: { address: endpoint.address, fingerprint: endpoint.fingerprint, hubId: answer.hubId },
      credential: answer.credential,
    };
  } catch (e) {
    throw joinFailure(endpoint.address, e);
  }
}

/** A pairing failure as the sentence the user reads. */
function joinFailure(address: string, e: unknown): Error {
  if (isNetGuardianError(e))
    return new NetGuardianError(
      e.code,
      `could not join the hub at ${address}: ${e.message}`,
      e.field,
    );
  if (!(e instanceof Error)) return new Error(String(e));
  const code = (e as { code?: unknown }).code;
  const socketCode = typeof code === 'string' ? code : undefined;
  if (isHubUnreachable(socketCode, e.message))
    return new NetGuardianError(
      'HubUnreachable',
      `could not join: ${hubUnreachableSentence(address, socketCode, e.message)}`,
      'code',
    );
  return e;
}
