/**
 * NetGuardian's device core as a library: the seed's API (CRDTManager,
 * SyncEngine, VectorClock, LWWRegister) over an append-only event store on
 * PGlite (embedded) or PostgreSQL (a hub).
 *
 * @example
 * ```ts
 * const hub = await openHubStore({ connectionString: 'postgres://127.0.0.1/netguardian' });
 * const device = await openDeviceStore({ dataDir: '.data/laptop' });
 * const crdt = await CRDTManager.open({ store: device, spaceId: 'photos' });
 * await crdt.createFileState('doc.pdf', { content: { hash, size: 1024 }, fields: { filename: 'doc.pdf' } });
 * const sync = new SyncEngine({ manager: crdt, remote: hub });
 * await sync.bidirectionalSync();
 * ```
 * @packageDocumentation
 */
import { EventStore } from './core/store/eventStore.js';
import { openPgClient, type PgClientOptions } from './core/store/pgClient.js';
import { openPgliteClient } from './core/store/pgliteClient.js';
import { openOwnedStore } from './core/device/ownedStore.js';

export { CRDTManager } from './core/crdtManager.js';
export type {
  CrdtManagerOptions,
  FileChange,
  IngestReport,
  KeepChoice,
} from './core/crdtManager.js';
export { SyncEngine } from './core/syncEngine.js';
export type { SyncEngineOptions, SyncProgress, SyncReport, SyncStatus } from './core/syncEngine.js';
export { EventStore, EVENTS_CHANNEL } from './core/store/eventStore.js';
export type { AppendResult, EntityChange, Frontier } from './core/store/eventStore.js';
export type { SqlClient, SqlExecutor } from './core/store/sqlClient.js';
export { openPgClient, redactUrl } from './core/store/pgClient.js';
export type { PgClientOptions } from './core/store/pgClient.js';
export { openPgliteClient } from './core/store/pgliteClient.js';
export { migrate, loadMigrations } from './core/store/migrate.js';
export { Quarantine } from './core/store/quarantine.js';
export type { QuarantinedEvent } from './core/store/quarantine.js';
export type { SyncLogEntry } from './core/store/syncLog.js';
export { hubConfigFromEnv } from './core/hubConfig.js';
export { CRDTFileHandler } from './core/device/crdtFileHandler.js';
export { Device } from './core/device/device.js';
export type { DeviceEvent, DeviceOptions, DeviceStatus } from './core/device/device.js';
export type { DeviceConfig } from './core/deviceConfig.js';
export { initHub, addDevice, listDevices, removeDevice } from './core/hub/hubAdmin.js';
export { openHubAsDevice } from './core/hub/hubSchema.js';
export { startEmbeddedHub } from './core/hub/embeddedHub.js';
export { createRootLogger } from './core/log.js';

export { VectorClock } from '../src-shared/crdt/vectorClock.js';
export type { ClockOrder, VectorClockJson } from '../src-shared/crdt/vectorClock.js';
/** The seed's LWWRegister: set / get / merge, ties broken by node id. */
export { LwwRegister as LWWRegister, LwwRegister } from '../src-shared/crdt/lwwRegister.js';
export { LwwMap } from '../src-shared/crdt/lwwMap.js';
export { MvRegister } from '../src-shared/crdt/mvRegister.js';
export { HybridLogicalClock, compareHlc, encodeHlc, parseHlc } from '../src-shared/crdt/hlc.js';
export type { Hlc } from '../src-shared/crdt/hlc.js';
export { FileEntity } from '../src-shared/crdt/fileEntity.js';
export type { FileVersion, FileView } from '../src-shared/crdt/fileEntity.js';
export type { ContentRef, CrdtEvent, EventData } from '../src-shared/events/event.js';
export { parseEvent, toWire, MAX_DATA_BYTES } from '../src-shared/events/eventSchema.js';
export { conflictCopyPath } from '../src-shared/conflictNames.js';
export { NetGuardianError } from '../src-shared/errors.js';
export type { ErrorCode, ErrorInfo } from '../src-shared/errors.js';
export type { Result } from '../src-shared/result.js';

/**
 * A device's own store. With `dataDir` (the embedded default, nothing to install): this process
 * owns the data dir (an OS lock: no other process may open it meanwhile) and runs the device's
 * PostgreSQL server in it, started from the bundled binaries with fsync on; closing the store
 * stops the server and gives the data dir up. With `url`: a PostgreSQL server you run. With
 * neither: PGlite in memory (tests; PGlite never fsyncs, so it is not for data you keep).
 * Migrations run on open.
 */
export async function openDeviceStore(
  options: { dataDir?: string; url?: string } = {},
): Promise<EventStore> {
  if (options.url) return EventStore.open(await openPgClient({ connectionString: options.url }));
  if (options.dataDir !== undefined)
    return (
      await openOwnedStore({ dataDir: options.dataDir, command: 'a NetGuardian library user' })
    ).store;
  return EventStore.open(await openPgliteClient());
}

/** The shared hub: a PostgreSQL server every device reaches. Migrations run on open. */
export async function openHubStore(options: PgClientOptions): Promise<EventStore> {
  return EventStore.open(await openPgClient(options));
}
