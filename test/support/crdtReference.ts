import type { FileEntity, FileEntityJson, FileVersion } from '../../src-shared/crdt/fileEntity.js';
import { parseHlc } from '../../src-shared/crdt/hlc.js';
import { MAX_WRITERS } from '../../src-shared/crdt/mvRegister.js';
import type { CrdtEvent } from '../../src-shared/events/event.js';
import { canonicalJson, type Json } from '../../src-shared/json.js';

/**
 * A deliberately naive model of a file's CRDT state, written from DESIGN.md §3
 * rather than from the code: the state is a function of the *set* of events.
 * - versions: the version-writing events no other one dominates (pointwise <=, not equal),
 *   each with the modification time its event recorded (`fields.mtimeMs`) if it has content,
 *   minus the versions under the cap's floor: once more than MAX_WRITERS devices wrote
 *   versions, those whose (clock sum, hlc) is not above the (MAX_WRITERS + 1)-th device's newest,
 * - nodeHeads: each device's newest (clock sum, hlc), for the MAX_WRITERS + 1 greatest,
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

/** The sum of a clock's counts: what the cap ranks versions by, before the hlc. */
const clockSum = (clock: Clock): number =>
  Object.values(clock).reduce((sum, n) => sum + (n > 0 ? n : 0), 0);

/** Orders by (clock sum, hlc). */
const compareCapKey = (a: { clock: Clock; hlc: string }, b: { clock: Clock; hlc: string }) =>
  clockSum(a.clock) - clockSum(b.clock) || compareHlcText(a.hlc, b.hlc);

/** Each writer's newest version event, for the MAX_WRITERS + 1 newest writers (see above). */
export function newestWriters(events: readonly CrdtEvent[]): CrdtEvent[] {
  const newest = new Map<string, CrdtEvent>();
  for (const e of uniqueById(events).filter(isVersionEvent)) {
    const current = newest.get(e.nodeId);
    const a = { clock: e.vectorClock, hlc: e.hlc };
    if (!current || compareCapKey(a, { clock: current.vectorClock, hlc: current.hlc }) > 0)
      newest.set(e.nodeId, e);
  }
  return [...newest.values()]
    .sort(
      (a, b) =>
        compareCapKey({ clock: b.vectorClock, hlc: b.hlc }, { clock: a.vectorClock, hlc: a.hlc }) ||
        (a.nodeId < b.nodeId ? 1 : a.nodeId > b.nodeId ? -1 : 0),
    )
    .slice(0, MAX_WRITERS + 1);
}

/** Whether the cap drops a version event: more than MAX_WRITERS writers, and it is not above the last. */
export function underCap(all: readonly CrdtEvent[], e: CrdtEvent): boolean {
  const writers = newestWriters(all);
  const last = writers[MAX_WRITERS];
  if (!last) return false;
  return (
    compareCapKey(
      { clock: e.vectorClock, hlc: e.hlc },
      { clock: last.vectorClock, hlc: last.hlc },
    ) <= 0
  );
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
    .filter((e) => !underCap(all, e))
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
      ...mtimeOf(e),
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
    nodeHeads: Object.fromEntries(
      newestWriters(all).map((e) => [e.nodeId, [clockSum(e.vectorClock), e.hlc] as const]),
    ),
    fields: Object.fromEntries(
      Object.entries(fields).map(([k, f]) => [k, { value: f.value, hlc: parseHlc(f.hlc) }]),
    ),
    clock: Object.fromEntries(Object.entries(clock).filter(([, n]) => n > 0)),
    lastChange: last
      ? { eventId: last.eventId, nodeId: last.nodeId, hlc: last.hlc, timestamp: last.timestamp }
      : null,
  };
}

function mtimeOf(e: CrdtEvent): { mtimeMs?: number } {
  const m = e.data.fields?.['mtimeMs'];
  return versionValue(e) !== null && typeof m === 'number' && Number.isFinite(m)
    ? { mtimeMs: m }
    : {};
}

/** DESIGN.md §3: the modification time, unless more than 5 min ahead of the recording clock. */
function orderedTime(v: FileVersion): number {
  const recorded = parseHlc(v.hlc).wallMs;
  return v.mtimeMs !== undefined && v.mtimeMs <= recorded + 5 * 60_000 ? v.mtimeMs : recorded;
}

/** > 0 when `a` is the newer edit: (modification time, hlc, event id). */
export function newerEdit(a: FileVersion, b: FileVersion): number {
  return (
    orderedTime(a) - orderedTime(b) ||
    compareHlcText(a.hlc, b.hlc) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
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

  // The file on disk is the newest edit among content siblings (modification time, hlc, id).
  const pool = live.length > 0 ? live : versions;
  const expectedWinner = pool.reduce<FileVersion | undefined>(
    (best, v) => (!best || newerEdit(v, best) > 0 ? v : best),
    undefined,
  );
  if (view.winner?.id !== expectedWinner?.id)
    problems.push(`winner ${view.winner?.id} is not the newest edit ${expectedWinner?.id}`);
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

  // Nothing lost: every version no later version dominates is still a sibling (unless capped).
  const ids = new Set(versions.map((v) => v.id));
  const mine = events.filter((e) => e.entityId === entity.entityId);
  for (const v of maximalVersions(mine)) {
    if (!ids.has(v.eventId) && !underCap(mine, v))
      problems.push(`undominated version ${v.eventId} was lost`);
  }
  // ...and siblings are never dominated by one another.
  for (const a of versions) {
    for (const b of versions)
      if (happenedBefore(a.clock, b.clock))
        problems.push(`sibling ${a.id} is dominated by ${b.id}`);
  }
  return problems;
}
