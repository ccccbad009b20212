import { FileEntity, type FileEntityJson } from '../../../src-shared/crdt/fileEntity.js';
import { NetGuardianError } from '../../../src-shared/errors.js';
import type { CRDTManager, IngestReport } from '../crdtManager.js';
import type { EventStore, Frontier } from '../store/eventStore.js';
import type { SyncPeer } from './syncPeer.js';

/** Entity states asked for per page. */
export const STATES_PER_PAGE = 500;
/** Upper bound of pages per catch-up (5,000,000 entities), so a catch-up always ends. */
const MAX_PAGES = 10_000;

/**
 * Whether `frontier` lacks events that `compacted` says are no longer held as events: below an
 * origin's compacted seq its events have gaps, so a gap-free pull from there is impossible.
 */
export function needsCatchUp(frontier: Frontier, compacted: Frontier): boolean {
  return Object.entries(compacted).some(([node, seq]) => (frontier[node] ?? 0) < seq);
}

/**
 * The first half of catching this device up from a peer whose log was compacted below this
 * device's frontier: the peer's frontier is read first, then every entity state it holds, a page
 * at a time, is merged into this store (`CRDTManager.mergePeerStates`, each page its own
 * transaction, `onPage` after each: the materializer writes what changed). Every event up to that
 * frontier was folded into the peer's states before the first page was read, so nothing below it
 * is missed.
 *
 * The second half is the caller's: it pulls the events the peer still holds above this store's
 * old frontier (the versions within the history window, so this device's history shows them as
 * the peer's does), and then raises the frontier to the one returned here
 * (`CRDTManager.mergePeerStates([], source, frontier)`). A state held aside (invalid, or its
 * clock too far ahead) must leave the frontier where it was (`held` > 0): the next run catches up
 * again and takes it once it can, so the held state is listed, never skipped. A run cut halfway
 * leaves whole pages merged; merging them again changes nothing.
 */
export async function takeStatesFromPeer(options: {
  readonly manager: CRDTManager;
  readonly peer: SyncPeer;
  readonly onPage?: (report: IngestReport) => Promise<void>;
}): Promise<{ readonly frontier: Frontier; readonly merged: number; readonly held: number }> {
  const { manager, peer } = options;
  const spaceId = manager.spaceId;
  const frontier = await peer.getFrontier(spaceId);
  let after = '';
  let merged = 0;
  let held = 0;
  for (let page = 0; page < MAX_PAGES; page++) {
    const states = await peer.readSnapshotStates(spaceId, after, STATES_PER_PAGE);
    if (states.length === 0) break;
    const last = (states[states.length - 1] as { entityId?: unknown } | null)?.entityId;
    // Pages follow one another by entity id: a page that ends where the last one did is a
    // peer going round in circles, not a slow one.
    if (typeof last !== 'string' || last === after)
      throw new NetGuardianError(
        'StoreError',
        `${peer.description} sent file states out of order while this device caught up with it`,
      );
    after = last;
    const report = await manager.mergePeerStates(states, peer.description);
    merged += report.applied;
    held += report.quarantined.length;
    await options.onPage?.(report);
  }
  return { frontier, merged, held };
}

/**
 * The other way, store to store: a peer store whose frontier is below what `local` compacted
 * gets `local`'s states (trusted: they are this store's own), then its frontier raised to
 * `local`'s. Hubs never need it: a device compacts its own events only below what its hub holds.
 */
export async function catchUpPeerStore(
  local: EventStore,
  spaceId: string,
  merge: (states: readonly FileEntity[], raiseTo?: Frontier) => Promise<unknown>,
): Promise<void> {
  const frontier = await local.getFrontier(spaceId);
  let after = '';
  for (let page = 0; page < MAX_PAGES; page++) {
    const states: FileEntityJson[] = await local.readSnapshotStates(
      spaceId,
      after,
      STATES_PER_PAGE,
    );
    if (states.length === 0) break;
    after = (states[states.length - 1] as FileEntityJson).entityId;
    await merge(states.map((s) => FileEntity.fromJSON(s)));
  }
  await merge([], frontier);
}
