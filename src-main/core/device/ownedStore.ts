import { childLogger, type Logger } from '../log.js';
import { EventStore } from '../store/eventStore.js';
import { openPgClient } from '../store/pgClient.js';
import { ensureSnapshotFormat } from '../store/snapshotFormat.js';
import type { SqlClient } from '../store/sqlClient.js';
import { removeLeftoverTemps } from '../files/staleTemps.js';
import { startDeviceServer, type DeviceServer } from './localPostgres/deviceServer.js';
import { importPgliteIfPresent } from './localPostgres/pgliteImport.js';
import { acquireOwnerLock, type OwnerLock } from './ownerLock.js';

/**
 * A data dir this process owns: its lock, its PostgreSQL server and the store on it. Nothing else
 * opens the store while this lives; every other process talks to this one (the control channel).
 */
export interface OwnedStore {
  readonly store: EventStore;
  /**
   * Closes the store, stops the server, releases the lock, in that order (the same as closing
   * `store`). Idempotent.
   */
  close(): Promise<void>;
}

export interface OwnedStoreOptions {
  readonly dataDir: string;
  /** What this process is, for a refused second one to name ("netguardian start"). */
  readonly command: string;
  /** The synced folder, cleaned of our leftover temp files before anything else runs (none: a bare store). */
  readonly folder?: string;
  readonly log?: Logger;
}

/** Connections to the device's own server: the app's reads may overlap a sync's writes. */
const STORE_CONNECTIONS = 4;

/**
 * Takes a device's data dir for this process, in the order that makes it safe:
 * 1. the owner lock (an OS lock that dies with the process: a second owner is refused at once,
 *    with one line naming the running one (`AlreadyRunning`));
 * 2. our leftover temp files from a crash are removed from the folder and the data dir (no
 *    process of ours can be writing one now: we hold the lock);
 * 3. the device's PostgreSQL server is started (an orphan left by a killed owner is stopped
 *    first), the store opened on it and migrated;
 * 4. a PGlite store from an earlier version, if any, is imported into it once.
 */
export async function openOwnedStore(options: OwnedStoreOptions): Promise<OwnedStore> {
  const log = childLogger(options.log, 'owner');
  const locked = await acquireOwnerLock(options.dataDir, { command: options.command });
  if (!locked.ok) throw locked.error;
  const lock: OwnerLock = locked.value;
  let server: DeviceServer | undefined;
  let owning: SqlClient | undefined;
  try {
    if (options.folder !== undefined)
      await removeLeftoverTemps({ root: options.folder, dataDir: options.dataDir, log });
    server = await startDeviceServer({ dataDir: options.dataDir, log });
    const running = server;
    const client = await openPgClient({
      ...server.connection,
      maxConnections: STORE_CONNECTIONS,
      applicationName: 'netguardian-device',
    });
    let closing: Promise<void> | undefined;
    // Closing the store gives the data dir up: the server stops, then the lock goes.
    owning = {
      ...client,
      close: () =>
        (closing ??= (async () => {
          try {
            await client.close();
          } finally {
            try {
              await running.stop();
            } finally {
              await lock.release();
            }
          }
        })()),
    };
    const store = await EventStore.open(owning);
    await importPgliteIfPresent({ dataDir: options.dataDir, target: client, log });
    await ensureSnapshotFormat(store, log);
    return { store, close: () => store.close() };
  } catch (e) {
    if (owning) await owning.close().catch(() => undefined);
    else {
      await server?.stop().catch(() => undefined);
      await lock.release();
    }
    throw e;
  }
}
