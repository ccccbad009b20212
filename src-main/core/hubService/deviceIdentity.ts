import type { NetGuardianError } from '../../../src-shared/errors.js';
import type { Result } from '../../../src-shared/result.js';

/** A paired device as the hub knows it once its credential checked out. */
export interface DeviceIdentity {
  /** The credential's id (a device re-joined with a new invite gets a new one). */
  readonly keyId: string;
  /** The one space this device belongs to. */
  readonly spaceId: string;
  /** The device's node id: every event it pushes must carry it. */
  readonly nodeId: string;
  readonly deviceName: string;
}

/** What the service asks of the hub's accounts (`hubAccounts.ts`). */
export interface HubAccountsPort {
  authenticate(credential: string): Promise<DeviceIdentity | undefined>;
  redeemInvite(request: {
    readonly secret: string;
    readonly nodeId: string;
    readonly deviceName: string;
  }): Promise<Result<{ identity: DeviceIdentity; credential: string }, NetGuardianError>>;
  noteSeen(keyId: string): Promise<void>;
  markLive(keyId: string, untilMs: number): Promise<void>;
  clearLive(keyId: string): Promise<void>;
  /** Renames the device of a working key (its own request); answers the name as kept. */
  renameDevice(keyId: string, name: string): Promise<string>;
  /** The device keys of one space, removed ones too (flagged), with presence. */
  listDevices(spaceId: string): Promise<readonly SpaceDeviceKey[]>;
}

/** One device key of a space as `listDevices` gives it (`hubAccounts.ts`'s `DeviceListing`). */
export interface SpaceDeviceKey {
  readonly nodeId: string;
  readonly deviceName: string;
  /** ISO 8601 (UTC). */
  readonly createdAt: string;
  readonly lastSeen: string | null;
  readonly online: boolean;
  readonly revoked: boolean;
}
