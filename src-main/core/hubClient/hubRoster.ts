import {
  ROUTES,
  devicesAnswerSchema,
  type ListedDevice,
} from '../../../src-shared/hubProtocol/protocol.js';
import type { HubConnection } from './hubConnection.js';

/** The devices of this device's space as its hub knows them (paired, with presence). */
export interface HubRoster {
  /** Throws what the connection throws: unreachable, refused (revoked), or an older hub. */
  list(): Promise<readonly ListedDevice[]>;
}

/**
 * Asks the hub service for the devices of the caller's space (`ROUTES.devices`). The space is the
 * credential's: nothing in the request names one, so another space can't be asked for.
 */
export class HubServiceRoster implements HubRoster {
  constructor(private readonly connection: HubConnection) {}

  async list(): Promise<readonly ListedDevice[]> {
    return (await this.connection.json('GET', ROUTES.devices, devicesAnswerSchema)).devices;
  }
}
