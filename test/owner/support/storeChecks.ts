/**
 * What a device's store must hold after anything (a crash, a restored backup, an outage), read
 * while no owner runs: the store is opened with `openOwnedStore` (its lock, its server) and closed
 * again. The checks follow test/convergence/invariants.ts (DESIGN.md §8): snapshots equal to a
 * rebuild from the log and to the naive reference model, per-origin seqs 1..n with no gap, and no
 * seq of an origin naming two different events anywhere (store or hub).
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { openOwnedStore } from '../../../src-main/core/device/ownedStore.js';
import type { EventStore } from '../../../src-main/core/store/eventStore.js';
import type { FileEntity } from '../../../src-shared/crdt/fileEntity.js';
import type { CrdtEvent } from '../../../src-shared/events/event.js';
import { canonicalJson, type Json } from '../../../src-shared/json.js';
import { referenceEntity } from '../../support/crdtReference.js';

export interface StoreDump {
  readonly name: string;
  readonly events: readonly CrdtEvent[];
  /** entity id → canonical JSON of its snapshot. */
  readonly snapshots: ReadonlyMap<string, string>;
  /** The same from `rebuildSnapshots` (the log folded again); none for the hub (read only). */
  readonly rebuilt: ReadonlyMap<string, string> | undefined;
  /** crdt_origins: per origin, the highest seq with no gap below, and the highest at all. */
  readonly origins: ReadonlyMap<string, { contiguous: number; max: number }>;
  /** Events held aside and not released (a seq conflict would land here). */
  readonly quarantined: number;
}

const canon = (e: FileEntity) => canonicalJson(e.toJSON() as unknown as Json);
const short = (text: string) => (text.length > 500 ? `${text.slice(0, 500)}…` : text);

const SELECT_ORIGINS = `SELECT node_id, contiguous_seq::int AS contiguous, max_seq::int AS max
  FROM crdt_origins WHERE space_id = $1`;
const COUNT_QUARANTINED = `SELECT count(*)::int AS n FROM crdt_quarantine
  WHERE space_id = $1 AND released_at IS NULL`;

async function readDump(
  name: string,
  store: EventStore,
  spaceId: string,
  { rebuild }: { rebuild: boolean },
): Promise<StoreDump> {
  const events: CrdtEvent[] = [];
  for await (const page of store.allEvents(spaceId)) events.push(...page);
  const snapshots = new Map<string, string>();
  let after = '';
  for (;;) {
    const page = await store.listSnapshots(spaceId, { after, limit: 500 });
    for (const e of page) snapshots.set(e.entityId, canon(e));
    if (page.length < 500) break;
    after = (page[page.length - 1] as FileEntity).entityId;
  }
  const rebuilt = rebuild
    ? new Map([...(await store.rebuildSnapshots(spaceId))].map(([id, e]) => [id, canon(e)]))
    : undefined;
  const origins = new Map(
    (
      await store.client.query<{ node_id: string; contiguous: number; max: number }>(
        SELECT_ORIGINS,
        [spaceId],
      )
    ).map((r) => [r.node_id, { contiguous: Number(r.contiguous), max: Number(r.max) }]),
  );
  const quarantined = rebuild
    ? Number((await store.client.query<{ n: number }>(COUNT_QUARANTINED, [spaceId]))[0]?.n ?? -1)
    : 0;
  return { name, events, snapshots, rebuilt, origins, quarantined };
}

/** A stopped device's store, read (and its snapshots rebuilt) as its owner for a moment. */
export async function dumpDeviceStore(
  name: string,
  dataDir: string,
  spaceId: string,
): Promise<StoreDump> {
  const owned = await openOwnedStore({ dataDir, command: 'test (reading the store)' });
  try {
    return await readDump(name, owned.store, spaceId, { rebuild: true });
  } finally {
    await owned.close();
  }
}

/** The hub's events and snapshots, read as its admin (nothing written). */
export function dumpHubStore(hubStore: EventStore, spaceId: string): Promise<StoreDump> {
  return readDump('hub', hubStore, spaceId, { rebuild: false });
}

function diff(label: string, a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>) {
  const problems: string[] = [];
  for (const id of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(id);
    const y = b.get(id);
    if (x !== y)
      problems.push(`${label}: ${id}:\n    ${short(String(x))}\n    ${short(String(y))}`);
    if (problems.length >= 5) break;
  }
  return problems;
}

/**
 * One store on its own: snapshots equal the rebuild and the reference model; every origin's
 * seqs are exactly 1..n (no gap, none twice) and its frontier row says n; nothing held aside.
 */
export function storeProblems(dump: StoreDump): string[] {
  const problems: string[] = [];
  const { name } = dump;
  if (dump.rebuilt)
    problems.push(...diff(`${name}: snapshot vs rebuild`, dump.snapshots, dump.rebuilt));

  const byEntity = new Map<string, CrdtEvent[]>();
  for (const e of dump.events) byEntity.set(e.entityId, [...(byEntity.get(e.entityId) ?? []), e]);
  const reference = new Map(
    [...byEntity].map(([id, events]) => [
      id,
      canonicalJson(referenceEntity(id, events) as unknown as Json),
    ]),
  );
  problems.push(...diff(`${name}: snapshot vs reference model`, dump.snapshots, reference));

  const seqs = new Map<string, number[]>();
  for (const e of dump.events) seqs.set(e.nodeId, [...(seqs.get(e.nodeId) ?? []), e.seq]);
  for (const [node, list] of seqs) {
    const sorted = [...list].sort((x, y) => x - y);
    const wrong = sorted.findIndex((s, i) => s !== i + 1);
    if (wrong >= 0)
      problems.push(
        `${name}: origin ${node} has seqs ${sorted.slice(Math.max(0, wrong - 2), wrong + 3).join(',')}… (${sorted.length} events): a gap or a seq used twice at #${wrong + 1}`,
      );
    const origin = dump.origins.get(node);
    if (origin?.contiguous !== sorted.length || origin.max !== sorted.length)
      problems.push(
        `${name}: origin ${node} has ${sorted.length} events but crdt_origins says ${JSON.stringify(origin)}`,
      );
  }
  for (const node of dump.origins.keys())
    if (!seqs.has(node)) problems.push(`${name}: crdt_origins lists ${node}, which has no events`);
  if (dump.quarantined !== 0) problems.push(`${name}: ${dump.quarantined} events held aside`);
  return problems;
}

/**
 * Across stores: each (origin, seq) names one and the same event everywhere (a device that
 * reused a seq would hold an event the hub holds under another id), and `equalSets` also
 * requires every store to hold exactly the same events.
 */
export function crossStoreProblems(
  dumps: readonly StoreDump[],
  { equalSets }: { equalSets: boolean },
): string[] {
  const problems: string[] = [];
  const owner = new Map<string, { eventId: string; where: string }>();
  for (const d of dumps) {
    for (const e of d.events) {
      const key = `${e.nodeId}#${e.seq}`;
      const seen = owner.get(key);
      if (!seen) owner.set(key, { eventId: e.eventId, where: d.name });
      else if (seen.eventId !== e.eventId)
        problems.push(
          `seq ${e.seq} of ${e.nodeId} names ${seen.eventId} on ${seen.where} but ${e.eventId} on ${d.name}`,
        );
    }
  }
  if (equalSets) {
    const [first, ...rest] = dumps;
    const ids = (d: StoreDump) => new Set(d.events.map((e) => e.eventId));
    const reference = first ? ids(first) : new Set<string>();
    for (const d of rest) {
      const mine = ids(d);
      const missing = [...reference].filter((id) => !mine.has(id));
      const extra = [...mine].filter((id) => !reference.has(id));
      if (missing.length > 0 || extra.length > 0)
        problems.push(
          `${d.name} vs ${first?.name}: ${missing.length} events missing (${missing.slice(0, 3).join(', ')}), ${extra.length} extra (${extra.slice(0, 3).join(', ')})`,
        );
      problems.push(
        ...diff(
          `${d.name} vs ${first?.name} snapshots`,
          d.snapshots,
          first?.snapshots ?? new Map(),
        ),
      );
    }
  }
  return problems;
}

/** Our temp files (`.ng-tmp-…`) anywhere under `root`: none may outlive the writer that made it. */
export async function leftoverTemps(root: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true }))
    if (entry.name.startsWith('.ng-tmp-'))
      found.push(path.relative(root, path.join(entry.parentPath, entry.name)));
  return found;
}
