import type { ContentRef, CrdtEvent } from '../events/event.js';
import { writesTombstone, writesVersion } from '../events/event.js';
import { canonicalJson, type Json } from '../json.js';
import type { Crdt } from './crdt.js';
import { compareEncodedHlc, parseHlc } from './hlc.js';
import { LwwMap, type LwwMapJson } from './lwwMap.js';
import { MvRegister, type NodeHeadsJson, type RegisterVersion } from './mvRegister.js';
import { newestFirst } from './versionOrder.js';
import { VectorClock, type VectorClockJson } from './vectorClock.js';

/** A version of a file: its content, or `null` for a tombstone. */
export type FileVersion = RegisterVersion<ContentRef | null>;

/** The latest event of any kind, by (hlc, node id): "modified by X at T". */
export interface LastChange {
  readonly eventId: string;
  readonly nodeId: string;
  readonly hlc: string;
  readonly timestamp: string;
}

/** Snapshot form, stored in `crdt_snapshots.state`. */
export interface FileEntityJson {
  readonly entityId: string;
  readonly versions: readonly FileVersion[];
  /** The register's cap state (`MvRegister`); absent in snapshots written before the cap. */
  readonly nodeHeads?: NodeHeadsJson;
  readonly fields: LwwMapJson;
  readonly clock: VectorClockJson;
  readonly lastChange: LastChange | null;
}

/** What a file looks like to a reader: the resolved view of the entity. */
export interface FileView {
  readonly entityId: string;
  /** False only when every sibling is a tombstone. */
  readonly exists: boolean;
  /**
   * The version on disk: the newest content sibling by (modification time, hlc, event id), see
   * `versionOrder.ts`; only when every sibling is a tombstone, the newest tombstone.
   */
  readonly winner: FileVersion | undefined;
  readonly content: ContentRef | null;
  /**
   * Losing content siblings, newest first, one per distinct content hash (its newest version):
   * each is a conflict copy.
   */
  readonly conflicts: readonly FileVersion[];
  /** Concurrent deletes that lost to a modify (shown in activity, never a conflict). */
  readonly lostDeletes: readonly FileVersion[];
  readonly fields: Readonly<Record<string, Json>>;
  readonly clock: VectorClockJson;
  readonly lastChange: LastChange | null;
}

/**
 * The CRDT state of one file: a multi-value register of versions (content and
 * existence), a per-field LWW map of metadata, and the entity's version vector.
 * `apply(event)` and `merge(other)` are order-independent, so replaying the log
 * in any order gives the snapshot.
 */
export class FileEntity implements Crdt<FileView, FileEntity> {
  readonly entityId: string;
  readonly register: MvRegister<ContentRef | null>;
  readonly fields: LwwMap;
  readonly clock: VectorClock;
  readonly lastChange: LastChange | null;

  private constructor(
    entityId: string,
    register: MvRegister<ContentRef | null>,
    fields: LwwMap,
    clock: VectorClock,
    lastChange: LastChange | null,
  ) {
    this.entityId = entityId;
    this.register = register;
    this.fields = fields;
    this.clock = clock;
    this.lastChange = lastChange;
  }

  static empty(entityId: string): FileEntity {
    return new FileEntity(entityId, MvRegister.empty(), LwwMap.empty(), VectorClock.empty(), null);
  }

  static fromJSON(json: FileEntityJson): FileEntity {
    return new FileEntity(
      json.entityId,
      MvRegister.fromJSON({
        versions: json.versions,
        ...(json.nodeHeads ? { heads: json.nodeHeads } : {}),
      }),
      LwwMap.fromJSON(json.fields),
      VectorClock.from(json.clock),
      json.lastChange,
    );
  }

  static fromEvents(entityId: string, events: Iterable<CrdtEvent>): FileEntity {
    let entity = FileEntity.empty(entityId);
    for (const e of events) entity = entity.apply(e);
    return entity;
  }

  apply(event: CrdtEvent): FileEntity {
    if (event.entityId !== this.entityId) {
      throw new Error(`event ${event.eventId} is for ${event.entityId}, not ${this.entityId}`);
    }
    let register = this.register;
    if (writesVersion(event)) {
      const value = writesTombstone(event) ? null : (event.data.content ?? null);
      // The modification time the folder layer recorded with the content (scanDecision.ts).
      const mtimeMs = value ? event.data.fields?.['mtimeMs'] : undefined;
      register = register.add({
        id: event.eventId,
        nodeId: event.nodeId,
        hlc: event.hlc,
        timestamp: event.timestamp,
        clock: event.vectorClock,
        ...(typeof mtimeMs === 'number' && Number.isFinite(mtimeMs) ? { mtimeMs } : {}),
        value,
      });
    }
    let fields = this.fields;
    if (event.data.fields) fields = fields.setAll(event.data.fields, parseHlc(event.hlc));
    const change: LastChange = {
      eventId: event.eventId,
      nodeId: event.nodeId,
      hlc: event.hlc,
      timestamp: event.timestamp,
    };
    return new FileEntity(
      this.entityId,
      register,
      fields,
      this.clock.mergeJson(event.vectorClock),
      laterChange(this.lastChange, change),
    );
  }

  merge(other: FileEntity): FileEntity {
    return new FileEntity(
      this.entityId,
      this.register.merge(other.register),
      this.fields.merge(other.fields),
      this.clock.merge(other.clock),
      other.lastChange ? laterChange(this.lastChange, other.lastChange) : this.lastChange,
    );
  }

  get(): FileView {
    const ranked = newestFirst(this.register.versions);
    const winner = ranked[0];
    const exists = winner !== undefined && winner.value !== null;
    const conflicts: FileVersion[] = [];
    const seen = new Set<string>(winner?.value ? [winner.value.hash] : []);
    // Newest first, so each losing content appears once, as its newest version.
    for (const v of ranked) {
      if (v.value && !seen.has(v.value.hash)) {
        seen.add(v.value.hash);
        conflicts.push(v);
      }
    }
    return {
      entityId: this.entityId,
      exists,
      winner,
      content: exists && winner ? winner.value : null,
      conflicts,
      lostDeletes: exists ? this.register.versions.filter((v) => v.value === null) : [],
      fields: this.fields.get(),
      clock: this.clock.toJSON(),
      lastChange: this.lastChange,
    };
  }

  equals(other: FileEntity): boolean {
    return (
      canonicalJson(this.toJSON() as unknown as Json) ===
      canonicalJson(other.toJSON() as unknown as Json)
    );
  }

  toJSON(): FileEntityJson {
    return {
      entityId: this.entityId,
      versions: this.register.versions,
      nodeHeads: this.register.headsJSON(),
      fields: this.fields.toJSON(),
      clock: this.clock.toJSON(),
      lastChange: this.lastChange,
    };
  }
}

function laterChange(a: LastChange | null, b: LastChange): LastChange {
  if (!a) return b;
  const order = compareEncodedHlc(a.hlc, b.hlc);
  if (order !== 0) return order > 0 ? a : b;
  return a.eventId >= b.eventId ? a : b;
}
