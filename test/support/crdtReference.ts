import type { FileEntity, FileEntityJson, FileVersion } from '../../src-shared/crdt/fileEntity.js';
import { parseHlc } from '../../src-shared/crdt/hlc.js';
import type { CrdtEvent } from '../../src-shared/events/event.js';
import { canonicalJson, type Json } from '../../src-shared/json.js';

/**
 * A deliberately naive model of a file's CRDT state, written from DESIGN.md §3
 * rather than from the code: the state is a function of the *set* of events.
 * - versions: the version-writing events no other one dominates (pointwise <=, not equal),
 * - fields: per key, the write with the greatest (hlc, canonical value),
 * - clock: the pointwise maximum of all event clocks,
 * - lastChange: the event with the greatest (hlc, event id).
 */

type Clock = Readonly<Record<string, number>>;

const hlcKey = (text: string): [number, number, string] => {
  const h = parseHlc(text);
  return [h.wallMs, h.counter, h.nodeId];
};

export function compareHlcText(a: string, b: string): number {
  const [wa, ca, na] = hlcKey(a);
  const [wb, cb, nb] = hlcKey(b);
  if (wa !== wb) return wa - wb;
  if (ca !== cb) return ca - cb;
  return na < nb ? -1 : na > nb ? 1 : 0;
}

/** a < b in the causal order: every entry <= and the clocks differ. */
export function happenedBefore(a: Clock, b: Clock): boolean {
  let strictly = false;
  for (const node of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = a[node] ?? 0;
    const y = b[node] ?? 0;
    if (x > y) return false;
    if (x < y) strictly = true;
  }
  return strictly;
}

export const isVersionEvent = (e: CrdtEvent): boolean =>
  e.kind === 'FileCreated' ||
  e.kind === 'FileDeleted' ||
  e.kind === 'ConflictResolved' ||
  (e.kind === 'FileUpdated' && e.data.content != null);

const versionValue = (e: CrdtEvent) =>
  e.kind === 'FileDeleted' || (e.kind === 'ConflictResolved' && e.data.content === null)
    ? null
    : (e.data.content ?? null);

function uniqueById(events: readonly CrdtEvent[]): CrdtEvent[] {
  const byId = new Map<string, CrdtEvent>();
  for (const e of events) byId.set(e.eventId, e);
  return [...byId.values()];
}

/** Version events of the set that no other version event of the set dominates. */
export function maximalVersions(events: readonly CrdtEvent[]): CrdtEvent[] {
  const versions = uniqueById(events).filter(isVersionEvent);
  return versions.filter(
    (v) => !versions.some((w) => happenedBefore(v.vectorClock, w.vectorClock)),
  );
}

export function referenceEntity(entityId: string, events: readonly CrdtEvent[]): FileEntityJson {
  const all = uniqueById(events.filter((e) => e.entityId === entityId));
  const versions: FileVersion[] = maximalVersions(all)
    .sort(
      (a, b) =>
        compareHlcText(a.hlc, b.hlc) ||
        (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0),
    )
    .map((e) => ({
      id: e.eventId,
      nodeId: e.nodeId,
      hlc: e.hlc,
      timestamp: e.timestamp,
      clock: e.vectorClock,
      value: versionValue(e),
    }));

  const fields: Record<string, { value: Json; hlc: string }> = {};
  for (const e of all) {
    for (const [key, value] of Object.entries(e.data.fields ?? {})) {
      const current = fields[key];
      const order = current ? compareHlcText(e.hlc, current.hlc) : 1;
      if (
        order > 0 ||
        (order === 0 && current && canonicalJson(value) > canonicalJson(current.value))
      ) {
        fields[key] = { value, hlc: e.hlc };
      }
    }
  }

  const clock: Record<string, number> = {};
  for (const e of all) {
    for (const [node, n] of Object.entries(e.vectorClock))
      clock[node] = Math.max(clock[node] ?? 0, n);
  }

  let last: CrdtEvent | undefined;
  for (const e of all) {
    if (!last) last = e;
    else {
      const order = compareHlcText(e.hlc, last.hlc);
      if (order > 0 || (order === 0 && e.eventId > last.eventId)) last = e;
    }
  }

  return {
    entityId,
    versions,
    fields: Object.fromEntries(
      Object.entries(fields).map(([k, f]) => [k, { value: f.value, hlc: parseHlc(f.hlc) }]),
    ),
    clock: Object.fromEntries(Object.entries(clock).filter(([, n]) => n > 0)),
    lastChange: last
      ? { eventId: last.eventId, nodeId: last.nodeId, hlc: last.hlc, timestamp: last.timestamp }
      : null,
  };
}

export const sameJson = (a: unknown, b: unknown): boolean =>
  canonicalJson(a as Json) === canonicalJson(b as Json);

/**
 * The read-side rules of DESIGN.md §3, checked on one state against the events
 * it was built from. Returns the broken rules (empty when all hold), so a
 * failure says which rule broke.
 */
export function entityProblems(entity: FileEntity, events: readonly CrdtEvent[]): string[] {
  const problems: string[] = [];
  const view = entity.get();
  const versions = entity.register.versions;
  const live = versions.filter((v) => v.value !== null);
  const tombstones = versions.filter((v) => v.value === null);

  // The file is gone only when every sibling is a tombstone.
  if (view.exists !== live.length > 0)
    problems.push(`exists=${view.exists} but ${live.length} live siblings`);
  if (!view.exists && (view.content !== null || view.conflicts.length > 0))
    problems.push('a gone file has content or conflicts');

  // The file on disk is the LWW maximum by (hlc, node id) among content siblings.
  const pool = live.length > 0 ? live : versions;
  const expectedWinner = pool.reduce<FileVersion | undefined>(
    (best, v) => (!best || compareHlcText(v.hlc, best.hlc) > 0 ? v : best),
    undefined,
  );
  if (view.winner?.id !== expectedWinner?.id)
    problems.push(`winner ${view.winner?.id} is not the LWW maximum ${expectedWinner?.id}`);
  if (view.exists && view.content?.hash !== view.winner?.value?.hash)
    problems.push('content is not the winner');

  // Conflicts: one per distinct losing content; identical content is one version, not a conflict.
  const conflictHashes = view.conflicts.map((v) => v.value?.hash);
  if (new Set(conflictHashes).size !== conflictHashes.length)
    problems.push(`duplicate conflict hashes ${conflictHashes.join(',')}`);
  if (view.content && conflictHashes.includes(view.content.hash))
    problems.push('the winning content is listed as a conflict');
  const shown = new Set([...(view.content ? [view.content.hash] : []), ...conflictHashes]);
  const liveHashes = new Set(live.map((v) => v.value?.hash));
  if (!sameJson([...shown].sort(), [...liveHashes].sort()))
    problems.push('winner + conflicts are not the live contents');
  if (view.conflicts.some((c) => !versions.includes(c)))
    problems.push('a conflict is not a sibling');

  // A delete that lost to a modify is shown in activity.
  const expectedLost = view.exists ? tombstones.map((v) => v.id) : [];
  if (
    !sameJson(
      view.lostDeletes.map((v) => v.id),
      expectedLost,
    )
  )
    problems.push('lostDeletes are not the tombstone siblings');

  // Nothing lost: every version no later version dominates is still a sibling.
  const ids = new Set(versions.map((v) => v.id));
  for (const v of maximalVersions(events.filter((e) => e.entityId === entity.entityId))) {
    if (!ids.has(v.eventId)) problems.push(`undominated version ${v.eventId} was lost`);
  }
  // ...and siblings are never dominated by one another.
  for (const a of versions) {
    for (const b of versions)
      if (happenedBefore(a.clock, b.clock))
        problems.push(`sibling ${a.id} is dominated by ${b.id}`);
  }
  return problems;
}
