import { NetGuardianError } from '../../../src-shared/errors.js';
import type { ContractHandlers, SettingsView } from '../../../src-shared/ipc/contract.js';
import {
  readHubCredential,
  removeHubCredential,
  writeHubCredential,
} from '../device/hubCredential.js';
import { isServiceHub } from '../deviceConfig.js';
import { inviteForDevice, pairDevice, type ServicePairing } from './hubJoin.js';
import type { OwnHub } from './ownHub.js';
import { readIgnoreFile, settingsView } from './settings.js';
import type { ServiceCore } from './serviceCore.js';

/**
 * The hub channels: joining a hub with an invite code, leaving it, creating one on this computer
 * and inviting other devices to it. Each answers the settings as they are after it, and leaves
 * them as they were when it fails.
 */
export type HubHandlers = Pick<
  ContractHandlers,
  'hub:join' | 'hub:leave' | 'hub:create' | 'hub:invite'
>;

/** How long this device's own invite to the hub it just created stays usable. */
const SELF_INVITE_MS = 60_000;

export function createHubHandlers(core: ServiceCore, ownHub: OwnHub | undefined): HubHandlers {
  const { host } = core;

  /** The settings view, with the hub this app runs recognised as its own. */
  const view = async (): Promise<SettingsView> => {
    const root = (await host.device()).root;
    return settingsView(host.config, root, await readIgnoreFile(root), ownHubSeen(ownHub));
  };

  /**
   * Puts a pairing to use: the credential, then the config (which reopens the device on the new
   * hub). If the device can't be reopened so, the old credential is put back with the old config.
   */
  const usePairing = async (pairing: ServicePairing) => {
    const before = host.config;
    const oldCredential = before.hub
      ? await readHubCredential(host.dataDir).catch(() => undefined)
      : undefined;
    await writeHubCredential(host.dataDir, pairing.credential);
    try {
      await host.updateConfig({ ...before, hub: pairing.hub }, true);
    } catch (e) {
      if (oldCredential === undefined) await removeHubCredential(host.dataDir);
      else await writeHubCredential(host.dataDir, oldCredential);
      throw e;
    }
    core.refresh();
  };

  /** Pairs this device with the hub this app runs (made or taken up again just now). */
  const pairWithOwnHub = async (hub: OwnHub) => {
    const running = hub.running();
    const endpoint = hub.selfEndpoint();
    if (!running || !endpoint) throw new Error('the hub on this computer is not running');
    const config = host.config;
    const nodeId = (await host.device()).manager.nodeId;
    // Paired before (the device left its own hub, then created it again): pair afresh. A device
    // never paired there is "not found", which is what we want.
    await running.accounts.revokeDevice({ spaceId: config.spaceId, device: nodeId });
    const invite = await running.accounts.createInvite({
      spaceId: config.spaceId,
      expiresInMs: SELF_INVITE_MS,
    });
    await usePairing(
      await pairDevice(endpoint, invite.secret, { nodeId, deviceName: config.deviceName }),
    );
  };

  return {
    'hub:join': async ({ code }) => {
      const config = host.config;
      const invite = inviteForDevice(code, config.spaceId);
      const nodeId = (await host.device()).manager.nodeId;
      const pairing = await pairDevice(
        { address: invite.address, fingerprint: invite.fingerprint },
        invite.secret,
        { nodeId, deviceName: config.deviceName },
      );
      await usePairing(pairing);
      core.note({
        kind: 'sync',
        message: `Joined the hub at ${invite.address}: syncing through it`,
      });
      return view();
    },

    'hub:leave': async () => {
      const runsHere = ownHubSeen(ownHub)?.hubId;
      const wasOwn =
        host.config.hub !== null &&
        runsHere !== undefined &&
        isServiceHub(host.config.hub) &&
        host.config.hub.hubId === runsHere;
      if (host.config.hub !== null) await host.updateConfig({ ...host.config, hub: null }, true);
      await removeHubCredential(host.dataDir);
      // Local only means no hub at all: the one this computer ran stops with the device leaving it.
      if (wasOwn) await ownHub?.remove();
      core.note({
        kind: 'sync',
        message: wasOwn
          ? 'Left the hub and stopped the hub on this computer: this folder is now tracked locally only'
          : 'Left the hub: this folder is now tracked locally only',
      });
      core.refresh();
      return view();
    },

    'hub:create': async ({ listen }) => {
      if (!ownHub)
        throw new NetGuardianError(
          'InvalidArgument',
          'this NetGuardian process does not run hubs (a one-shot command): create the hub from the app or from a running `netguardian serve`',
          'hub',
        );
      const wasRunning = ownHub.running() !== undefined;
      const hub = await ownHub.create(listen);
      const config = host.config;
      if (config.hub && isServiceHub(config.hub) && config.hub.hubId === hub.hubId) return view();
      try {
        await pairWithOwnHub(ownHub);
      } catch (e) {
        if (!wasRunning) await ownHub.remove();
        throw e;
      }
      core.note({
        kind: 'sync',
        message: `This computer runs a hub at ${ownHub.address() ?? ''}: invite your other devices to it`,
      });
      return view();
    },

    'hub:invite': async ({ expiresInMs }) => {
      if (!ownHub?.running())
        throw new NetGuardianError(
          'InvalidArgument',
          'this computer does not run a hub: only the computer that runs it can invite devices (or create one here first)',
          'hub',
        );
      return ownHub.invite(host.config.spaceId, expiresInMs);
    },
  };
}

/** The hub this app runs, as the settings view tells it apart. */
export function ownHubSeen(
  ownHub: OwnHub | undefined,
): { readonly hubId: string; readonly address: string } | undefined {
  const running = ownHub?.running();
  const address = ownHub?.address();
  return running && address ? { hubId: running.hubId, address } : undefined;
}
