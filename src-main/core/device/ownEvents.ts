import type { CRDTManager } from '../crdtManager.js';
import type { FileIndex } from '../files/fileIndex.js';
import type { Logger } from '../log.js';
import type { SyncPeer } from '../sync/syncPeer.js';

/** Own events taken back per batch (one transaction each on this store). */
const BATCH = 1_000;

export interface OwnHistoryReport {
  /** This device's highest seq in its store, and on the hub, when checked. */
  readonly localMaxSeq: number;
  readonly hubMaxSeq: number;
  /**
   * The highest seq under which store and hub hold the same event, when they differ above it
   * (the store was restored from a backup and numbered new changes again); undefined: no fork.
   */
  readonly forkedAfter: number | undefined;
  /** Entities whose own events above the fork were removed: their files are recorded anew. */
  readonly dropped: readonly string[];
  /** Own events taken back from the hub. */
  readonly reclaimed: number;
}

/**
 * Makes this device's own history agree with its hub's before the device writes or pushes, so it
 * never issues a seq the hub already holds for another event (the hub keeps the first event of a
 * seq, and two devices would silently differ). A device's events form one sequence per space: the
 * store's and the hub's agree up to some seq, and above it one of them holds more, or, after a
 * store was restored from a backup while the hub was out of reach, each holds different events.
 *
 * - The hub holds more (a restored store, a lost commit): its events are taken back, and
 *   numbering continues after them.
 * - They differ (the restored store numbered new changes again): the events of both sides are
 *   compared at the highest seq both hold; event ids are random, so one equal id means the two
 *   agree up to there, and a binary search finds where they part. This device's events above
 *   that point never left it, so they are removed, the hub's are taken in, and the files those
 *   removed events touched are forgotten by the file index, so that the scan records what the
 *   disk holds as new changes (numbered after the hub's) and nothing the user has is lost.
 *
 * Cheap when nothing is wrong: two maxima and two ids. Throws when the hub can't be read: the
 * caller decides (a device records local changes anyway, and checks again at its next sync).
 */
export async function reconcileOwnHistory(options: {
  readonly manager: CRDTManager;
  readonly hub: SyncPeer;
  readonly index: FileIndex;
  readonly log: Logger;
}): Promise<OwnHistoryReport> {
  const { manager, hub, index, log } = options;
  const local = manager.store;
  const { spaceId, nodeId } = manager;
  const [localMaxSeq, hubMaxSeq] = await Promise.all([
    local.maxSeq(spaceId, nodeId),
    hub.maxSeq(spaceId, nodeId),
  ]);
  const sameAt = async (seq: number) => {
    if (seq === 0) return true;
    const [mine, theirs] = await Promise.all([
      local.eventIdAt(spaceId, nodeId, seq),
      hub.eventIdAt(spaceId, nodeId, seq),
    ]);
    // A side that lacks the seq (a hub that lost data) proves no fork: nothing is removed for it.
    return mine === undefined || theirs === undefined || mine === theirs;
  };
  const both = Math.min(localMaxSeq, hubMaxSeq);
  const forked = !(await sameAt(both));
  if (!forked && hubMaxSeq <= localMaxSeq)
    return { localMaxSeq, hubMaxSeq, forkedAfter: undefined, dropped: [], reclaimed: 0 };

  let agreed = localMaxSeq;
  if (forked) {
    // Equal at `low`, different at `high`.
    let low = 0;
    let high = both;
    while (high - low > 1) {
      const mid = Math.floor((low + high) / 2);
      if (await sameAt(mid)) low = mid;
      else high = mid;
    }
    agreed = low;
    log.warn(
      { localMaxSeq, hubMaxSeq, agreedUpTo: agreed },
      'this device numbered changes the hub holds other changes for (its store was restored from a backup?): taking the hub’s, recording the disk again',
    );
  } else {
    log.warn(
      { localMaxSeq, hubMaxSeq },
      'the hub holds changes of this device that its store lacks (restored from a backup?): taking them back',
    );
  }
  const { dropped, reclaimed } = await manager.replaceOwnEventsAbove(
    agreed,
    async (after) => hub.readOriginAbove(spaceId, nodeId, after, BATCH),
    { source: hub.description, onDropped: (entityIds) => index.deleteMany(entityIds) },
  );
  return {
    localMaxSeq,
    hubMaxSeq,
    forkedAfter: forked ? agreed : undefined,
    dropped,
    reclaimed,
  };
}
