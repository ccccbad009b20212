import type { ContractHandlers, DevicesView } from '../../../src-shared/ipc/contract.js';
import { isServiceHub } from '../deviceConfig.js';
import type { HubAccounts } from '../hubService/hubAccounts.js';
import { removeDevice } from './deviceRemoval.js';
import { devicesView } from './devices.js';
import type { OwnHub } from './ownHub.js';
import type { ServiceCore } from './serviceCore.js';

/** The Devices screen's channels: the space's devices, and removing one. */
export type DevicesHandlers = Pick<ContractHandlers, 'devices:list' | 'devices:remove'>;

export function createDevicesHandlers(
  core: ServiceCore,
  ownHub: OwnHub | undefined,
): DevicesHandlers {
  const { host, names } = core;

  /**
   * The accounts of the hub this app runs, when this device syncs through that very hub: only
   * then may it remove devices (see deviceRemoval.ts). An app that runs a hub but joined another
   * one manages neither.
   */
  const managedAccounts = (): HubAccounts | undefined => {
    const running = ownHub?.running();
    const hub = host.config.hub;
    if (!running || !hub || !isServiceHub(hub) || hub.hubId !== running.hubId) return undefined;
    return running.accounts;
  };

  const view = async (): Promise<DevicesView> => {
    const d = await host.device();
    // Not `core.state()`: that recounts every file only to learn when the last sync was.
    const lastSync = d.hub ? await d.hub.engine.lastSync() : null;
    return devicesView({
      db: d.store.client,
      spaceId: d.spaceId,
      thisNode: d.manager.nodeId,
      nameOf: names.nameOf,
      lastSyncAt: lastSync ? Date.parse(lastSync.at) : null,
      hubAddress: d.hub?.address ?? null,
      roster: d.hub?.roster,
      manages: managedAccounts() !== undefined,
    });
  };

  return {
    'devices:list': view,

    'devices:remove': async ({ nodeId }) => {
      const d = await host.device();
      const name = await removeDevice(
        { accounts: managedAccounts(), spaceId: d.spaceId, thisNode: d.manager.nodeId },
        nodeId,
      );
      core.note({
        kind: 'sync',
        message: `Removed ${name} from the hub: it can't sync any more; what it synced stays here`,
      });
      return view();
    },
  };
}
