import type { FileEntity } from '../../../src-shared/crdt/fileEntity.js';
import type { CrdtEvent } from '../../../src-shared/events/event.js';
import type { ErrorInfo } from '../../../src-shared/errors.js';
import type { EventRow } from '../store/eventRows.js';
import type { Frontier } from '../store/eventStore.js';
import type { Unlisten } from '../store/sqlClient.js';

/** What a peer did with a batch of pushed events. */
export interface PeerAppendResult {
  /** Events new to the peer. */
  readonly inserted: readonly { readonly eventId: string }[];
  /** Events whose (origin, seq) the peer holds under another event id. */
  readonly seqConflicts: readonly { readonly nodeId: string; readonly seq: number }[];
  /** Events the peer refused, by reason (a hub's checks); nothing of them was stored. */
  readonly refused?: readonly (ErrorInfo & { readonly eventId: string | null })[];
}

/**
 * The other side of a sync: another `EventStore` (store-to-store sync, the library, the
 * convergence tests) or the hub client (`hubClient/hubPeer.ts`). `SyncEngine` and the check of a
 * device's own history (`device/ownEvents.ts`) use nothing else of it.
 */
export interface SyncPeer {
  /** Where the peer is, for logs and the sync log. */
  readonly description: string;
  /**
   * True when the peer takes only this device's own events (a hub: it refuses events of other
   * origins); pushes then send those alone.
   */
  readonly acceptsOwnEventsOnly?: boolean;
  getFrontier(spaceId: string): Promise<Frontier>;
  /** Rows above `frontier` in (origin, seq) order, at most `limit`; unvalidated. */
  readAboveFrontier(spaceId: string, frontier: Frontier, limit: number): Promise<EventRow[]>;
  countAboveFrontier(spaceId: string, frontier: Frontier): Promise<number>;
  /**
   * Per origin, the highest seq the peer no longer holds as an event (its log was compacted):
   * below it, the peer's events have gaps, and a store catches up from its snapshots instead.
   */
  compactedThrough(spaceId: string): Promise<Frontier>;
  /** A page of the peer's entity states in entity id order, after `afterEntityId`; unvalidated. */
  readSnapshotStates(spaceId: string, afterEntityId: string, limit: number): Promise<unknown[]>;
  /**
   * A peer store takes this store's states (trusted) when it lacks events this store compacted
   * (`snapshotCatchUp.ts`); a hub has none: a device never compacts what its hub lacks.
   */
  mergeSnapshots?(
    spaceId: string,
    states: readonly FileEntity[],
    raiseTo?: Frontier,
  ): Promise<unknown>;
  append(events: readonly CrdtEvent[]): Promise<PeerAppendResult>;
  /** Calls `onEvents` when the peer announces new events of a space; `onLost` if that stops. */
  listen(onEvents: (spaceId: string) => void, onLost?: (error: Error) => void): Promise<Unlisten>;
  /** One origin's events (this device's own) as the peer holds them. */
  maxSeq(spaceId: string, nodeId: string): Promise<number>;
  eventIdAt(spaceId: string, nodeId: string, seq: number): Promise<string | undefined>;
  readOriginAbove(
    spaceId: string,
    nodeId: string,
    afterSeq: number,
    limit: number,
  ): Promise<EventRow[]>;
  close(): Promise<void>;
}
