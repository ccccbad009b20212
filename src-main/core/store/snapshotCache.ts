import type { VersionedSnapshot } from './eventStore.js';

/**
 * The single writer's memory of the snapshots it wrote last: entity id → the entity and the row
 * version its own write left. Bounded, least recently used out first.
 *
 * An entry is a belief, never trusted on its own: a write built on it goes through
 * `EventStore.appendLocal`, which applies only if the row is still at that version, so an entry
 * made stale by another writer costs one re-read, never a wrong snapshot.
 */
export class SnapshotCache {
  private readonly entries = new Map<string, VersionedSnapshot>();

  constructor(private readonly capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1)
      throw new Error(`cache capacity must be a positive integer, got ${capacity}`);
  }

  get size(): number {
    return this.entries.size;
  }

  get(entityId: string): VersionedSnapshot | undefined {
    const entry = this.entries.get(entityId);
    if (entry) {
      // Map keeps insertion order: re-inserting marks the entry most recently used.
      this.entries.delete(entityId);
      this.entries.set(entityId, entry);
    }
    return entry;
  }

  set(entityId: string, entry: VersionedSnapshot): void {
    this.entries.delete(entityId);
    this.entries.set(entityId, entry);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  delete(entityId: string): void {
    this.entries.delete(entityId);
  }

  clear(): void {
    this.entries.clear();
  }
}
