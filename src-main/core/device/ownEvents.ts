import type { CRDTManager } from '../crdtManager.js';
import type { Logger } from '../log.js';
import type { EventStore } from '../store/eventStore.js';

/** Own events taken back per batch (one transaction each on this store). */
const BATCH = 1_000;

export interface ReclaimReport {
  /** This device's highest seq in its store before, and on the hub. */
  readonly localMaxSeq: number;
  readonly hubMaxSeq: number;
  /** Own events taken back from the hub. */
  readonly reclaimed: number;
}

/**
 * Takes back from the hub the events of this device that its store lacks, before it writes
 * anything: a store restored from a backup, or one that lost a commit, would otherwise number its
 * next changes with seqs the hub already holds for other events, and the two would never meet
 * (the hub keeps the first event of a seq). Compares this device's highest seq in its store with
 * the hub's; when the hub holds more, reads them back in seq order and stores them as any peer's
 * events, then continues numbering after them. Files are brought in line afterwards by the
 * device's reconcile (the scan leaves a file alone whose disk content only lags behind the store).
 *
 * Throws when the hub can't be read: the caller decides (a device records local changes anyway).
 */
export async function reclaimOwnEvents(options: {
  readonly manager: CRDTManager;
  readonly hub: EventStore;
  readonly log: Logger;
}): Promise<ReclaimReport> {
  const { manager, hub, log } = options;
  const { spaceId, nodeId } = manager;
  const localMaxSeq = await manager.store.maxSeq(spaceId, nodeId);
  const hubMaxSeq = await hub.maxSeq(spaceId, nodeId);
  let reclaimed = 0;
  if (hubMaxSeq > localMaxSeq) {
    log.warn(
      { localMaxSeq, hubMaxSeq },
      'the hub holds changes of this device that its store lacks (restored from a backup?): taking them back',
    );
    let after = (await manager.store.getFrontier(spaceId))[nodeId] ?? 0;
    for (let round = 0; round < 1_000_000 && after < hubMaxSeq; round++) {
      const rows = await hub.readOriginAbove(spaceId, nodeId, after, BATCH);
      if (rows.length === 0) break;
      const report = await manager.syncFromRemote(rows, hub.description);
      reclaimed += report.applied;
      after = Math.max(after, ...rows.map((r) => Number(r.seq)));
    }
  }
  await manager.adoptStoredSeq();
  return { localMaxSeq, hubMaxSeq, reclaimed };
}
