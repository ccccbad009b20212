import { PgChunkStore, type ChunkStore } from '../files/chunkStore.js';
import type { HubAlternates } from '../hubClient/hubAddressBook.js';
import { HubConnection } from '../hubClient/hubConnection.js';
import { HubChunks, HubPeer } from '../hubClient/hubPeer.js';
import { HubServiceRoster, type HubRoster } from '../hubClient/hubRoster.js';
import { openHubLazily } from '../hub/hubSchema.js';
import { hostAndPort, type PgClientOptions } from '../store/pgClient.js';
import type { SyncPeer } from '../sync/syncPeer.js';

/** A device's way into its hub's sync service: where it is, its pinned certificate, the credential. */
export interface HubServiceAccess {
  /** host:port. */
  readonly address: string;
  /** Lowercase hex SHA-256 of the hub's certificate, pinned when the device paired. */
  readonly fingerprint: string;
  /** The device credential the hub gave at pairing (kept 0600 in the data dir). */
  readonly credential: string;
  /** The hub's other processes, tried when `address` can't be reached (hubAddressBook.ts). */
  readonly alternates?: HubAlternates;
}

/** The hub as the device uses it: a sync peer, its chunks, and a check run before each sync. */
export interface OpenedHub {
  /** host:port in use now: the paired address, or another process of the hub after a failover. */
  readonly address: string;
  readonly peer: SyncPeer;
  readonly chunks: ChunkStore;
  /** The space's devices as the hub knows them; undefined for a PostgreSQL hub (no accounts). */
  readonly roster: HubRoster | undefined;
  /** Runs before every sync run reads the hub; throws when this hub may not be used. */
  ensureAccess(): Promise<void>;
}

/**
 * Opens the device's hub without reaching it (offline first): the service when the device paired
 * with one, else a PostgreSQL server reached directly (the older way, kept until every device has
 * moved to the service), else none.
 */
export async function openHubAccess(
  options: {
    readonly hub?: PgClientOptions | undefined;
    readonly hubService?: HubServiceAccess | undefined;
  },
  spaceId: string,
): Promise<OpenedHub | undefined> {
  if (options.hubService) {
    const connection = new HubConnection(options.hubService);
    return {
      get address() {
        return connection.address;
      },
      peer: new HubPeer(connection, spaceId),
      chunks: new HubChunks(connection, spaceId),
      roster: new HubServiceRoster(connection),
      // The service checks the credential, the space and the protocol on every request.
      ensureAccess: () => Promise.resolve(),
    };
  }
  if (!options.hub) return undefined;
  const lazy = await openHubLazily({ ...options.hub, spaceId });
  return {
    address: hostAndPort(options.hub.connectionString),
    peer: lazy.store,
    chunks: new PgChunkStore(lazy.store.client),
    roster: undefined,
    ensureAccess: () => lazy.ensureAccess(),
  };
}
