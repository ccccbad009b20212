import { isDirectoryContent } from '../../../src-shared/fileKinds.js';
import type { CRDTManager } from '../crdtManager.js';
import type { ChunkStore } from '../files/chunkStore.js';
import type { FileIndex } from '../files/fileIndex.js';
import type { Materializer } from '../files/materializer.js';
import type { Logger } from '../log.js';
import type { HubRoster } from '../hubClient/hubRoster.js';
import type { SyncPeer } from '../sync/syncPeer.js';
import { SyncEngine, type SyncReport } from '../syncEngine.js';
import { uploadChunksFor } from './chunkUpload.js';
import type { DeviceEvent } from './deviceEvents.js';

/** A pulled batch changing this many entities stops the watcher while it is written. */
const WATCHER_SUSPEND_CHANGES = 200;

/** A device's way to its hub: the hub as a sync peer and chunk store, and the engine between. */
export interface HubLink {
  readonly peer: SyncPeer;
  readonly chunks: ChunkStore;
  readonly engine: SyncEngine;
  /** host:port in use now (another process of the hub after a failover), for sentences. */
  readonly address: string;
  /** The space's devices as the hub knows them; undefined when the hub keeps no accounts. */
  readonly roster: HubRoster | undefined;
}

export interface HubLinkOptions {
  /** host:port in use now, for sentences (the connection moves on after a failover). */
  readonly address: () => string;
  readonly peer: SyncPeer;
  readonly chunks: ChunkStore;
  readonly roster: HubRoster | undefined;
  /**
   * Runs before each sync run reads the hub: the hub may be used (schema, membership) and this
   * device's own history agrees with it (`ownEvents.ts`).
   */
  readonly prepareRemote: () => Promise<void>;
  readonly spaceId: string;
  readonly root: string;
  readonly manager: CRDTManager;
  readonly index: FileIndex;
  readonly materializer: Materializer;
  readonly emit: (event: DeviceEvent) => void;
  /** Large pulled batches: the watcher stops while they are written. */
  readonly suspendWatcher: () => Promise<void>;
  /** After every run (the watcher may come back). */
  readonly afterRun: (report: SyncReport) => void;
  /**
   * A path whose content must go to the hub but whose chunks the file index can't place: scanned
   * again (in the background; the next push finds it indexed).
   */
  readonly reindex: (path: string) => void;
  /** After a pulled batch was written: the store's planner statistics may need a refresh. */
  readonly noteChanges: (count: number) => Promise<void>;
  readonly log?: Logger;
}

/**
 * The sync engine of a device: chunks are uploaded before the events that need them are pushed
 * (no event reaches the hub before content others can fetch), and every pulled batch is written
 * to the folder by the materializer.
 */
export function createHubLink(options: HubLinkOptions): HubLink {
  const { spaceId, root, manager, index, materializer, emit, peer, chunks, address } = options;
  const engine = new SyncEngine({
    manager,
    remote: peer,
    peerAddress: address,
    prepareRemote: options.prepareRemote,
    ...(options.log ? { log: options.log } : {}),
    onProgress: (p) => emit({ type: 'sync-progress', ...p }),
    onSynced: (report) => {
      emit({ type: 'synced', report });
      options.afterRun(report);
    },
    beforePushBatch: async (events) => {
      const up = await uploadChunksFor(events, {
        spaceId,
        root,
        index,
        hub: chunks,
        onStart: (files, bytes) => emit({ type: 'uploading', files, bytes }),
        currentHash: async (entityId) => {
          const view = await manager.getFileState(entityId);
          const content = view?.exists ? view.content : null;
          return content && !isDirectoryContent(content) ? content.hash : undefined;
        },
      });
      if (up.chunks > 0) emit({ type: 'upload', bytes: up.bytes, chunks: up.chunks });
      if (up.reindex !== undefined) options.reindex(up.reindex);
      return { ready: up.ready, ...(up.problem ? { problem: up.problem } : {}) };
    },
    afterPullBatch: async (report) => {
      if (report.changes.length === 0) return;
      if (report.changes.length >= WATCHER_SUSPEND_CHANGES) await options.suspendWatcher();
      const applied = await materializer.apply(report.changes.map((c) => c.entityId));
      emit({ type: 'download', report: applied });
      await options.noteChanges(report.changes.length);
    },
  });
  return {
    peer,
    chunks,
    engine,
    get address() {
      return address();
    },
    roster: options.roster,
  };
}
