/**
 * The whole benchmark, for each store kind: the seed's four figures, sync and rebuild at scale,
 * and the raw-insert baseline, all in one run so they share the machine's state.
 *
 * Per kind K (PGlite: a device's store before issue 11; the device's own PostgreSQL server: after
 * it; the bench's PostgreSQL server: the hub side) the suite opens device A and device B on K
 * (two device servers are two servers, as on two machines), a hub on the PostgreSQL server (a hub
 * is always a server), and a fresh K store for the baseline. Each scenario works in its own
 * space, so scenarios never see each other's events.
 */
import type { EventStore } from '../src-main/core/store/eventStore.js';
import {
  STORE_KINDS,
  STORE_LABEL,
  STORE_TAG,
  storeFactory,
  type OpenedStore,
  type StoreFactory,
  type StoreKind,
} from './support/stores.js';
import type { PgServer } from './support/postgres.js';
import { benchRawInsert, type RawInsertResult } from './scenarios/rawInsert.js';
import { benchRebuild, benchRebuildOneFile, type RebuildResult } from './scenarios/rebuild.js';
import { benchSync, type SyncResult } from './scenarios/sync.js';
import { benchWrites, type WritesResult } from './scenarios/writes.js';

export interface Sizes {
  /** createFileState / updateFileState calls timed one by one. */
  readonly writeOps: number;
  readonly writeWarmupOps: number;
  readonly smallSyncEvents: number;
  readonly smallSyncRuns: number;
  readonly smallRebuildEvents: number;
  readonly smallRebuildEntities: number;
  readonly smallRebuildRuns: number;
  readonly bigSyncEvents: number;
  readonly bigSyncRuns: number;
  readonly bigRebuildEvents: number;
  readonly bigRebuildEntities: number;
  readonly bigRebuildRuns: number;
}

export const FULL_SIZES: Sizes = {
  writeOps: 500,
  writeWarmupOps: 20,
  smallSyncEvents: 100,
  smallSyncRuns: 5,
  smallRebuildEvents: 1_000,
  smallRebuildEntities: 100,
  smallRebuildRuns: 5,
  bigSyncEvents: 10_000,
  bigSyncRuns: 3,
  bigRebuildEvents: 100_000,
  bigRebuildEntities: 10_000,
  bigRebuildRuns: 3,
};

export interface KindResults {
  readonly kind: StoreKind;
  /** The device store's PostgreSQL version and durability settings. */
  readonly settings: Readonly<Record<string, string>>;
  readonly writes: WritesResult;
  readonly smallSync: SyncResult;
  readonly smallRebuild: RebuildResult;
  /** The seed's call: one file of `smallRebuildEvents` events, `rebuildStateFromEvents(path)`. */
  readonly smallRebuildOneFile: RebuildResult;
  /** Same row count as `bigSync`, into a fresh store of this kind. */
  readonly rawInsert: RawInsertResult;
  readonly bigSync: SyncResult;
  readonly bigRebuild: RebuildResult;
}

export interface SuiteResults {
  readonly sizes: Sizes;
  readonly kinds: readonly KindResults[];
  readonly elapsedMs: number;
}

export async function runSuite(options: {
  readonly server: PgServer;
  readonly sizes: Sizes;
  readonly kinds?: readonly StoreKind[];
  readonly log?: (message: string) => void;
}): Promise<SuiteResults> {
  const started = performance.now();
  const log = (m: string) =>
    options.log?.(`[${((performance.now() - started) / 1000).toFixed(1)}s] ${m}`);
  const kinds: KindResults[] = [];
  const factory = storeFactory(options.server);
  try {
    for (const kind of options.kinds ?? STORE_KINDS) {
      kinds.push(await runKind(kind, factory, options.sizes, log));
    }
  } finally {
    await factory.dispose();
  }
  return { sizes: options.sizes, kinds, elapsedMs: performance.now() - started };
}

async function runKind(
  kind: StoreKind,
  factory: StoreFactory,
  s: Sizes,
  log: (m: string) => void,
): Promise<KindResults> {
  const open = (k: StoreKind, name: string) => factory.open(k, name);
  const opened: OpenedStore[] = [];
  const track = async (p: Promise<OpenedStore>) => {
    const o = await p;
    opened.push(o);
    return o.store;
  };
  const label = STORE_LABEL[kind];
  try {
    log(`${label}: opening stores`);
    const deviceA = await track(open(kind, 'device_a'));
    const deviceB = await track(open(kind, 'device_b'));
    const hub = await track(open('postgres', `hub_for_${STORE_TAG[kind]}`));
    const baseline = await track(open(kind, 'baseline'));
    const settings = await storeSettings(deviceA);

    log(`${label}: create/update x${s.writeOps}`);
    const writes = await benchWrites({
      store: deviceA,
      spaceId: 'bench-writes',
      ops: s.writeOps,
      warmupOps: s.writeWarmupOps,
    });
    log(`${label}: sync ${s.smallSyncEvents} x${s.smallSyncRuns}`);
    const smallSync = await benchSync({
      deviceA,
      hub,
      deviceB,
      spaceId: 'bench-sync-small',
      events: s.smallSyncEvents,
      entities: Math.max(1, Math.ceil(s.smallSyncEvents / 2)),
      runs: s.smallSyncRuns,
      warmupEvents: s.smallSyncEvents,
    });
    log(`${label}: rebuild ${s.smallRebuildEvents} x${s.smallRebuildRuns}`);
    const smallRebuild = await benchRebuild({
      store: deviceA,
      spaceId: 'bench-rebuild-small',
      events: s.smallRebuildEvents,
      entities: s.smallRebuildEntities,
      runs: s.smallRebuildRuns,
      warmupRuns: 1,
    });
    log(`${label}: rebuild one file of ${s.smallRebuildEvents} x${s.smallRebuildRuns}`);
    const smallRebuildOneFile = await benchRebuildOneFile({
      store: deviceA,
      spaceId: 'bench-rebuild-one-file',
      events: s.smallRebuildEvents,
      runs: s.smallRebuildRuns,
      warmupRuns: 1,
    });
    log(`${label}: raw insert ${s.bigSyncEvents} x${s.bigSyncRuns}`);
    const rawInsert = await benchRawInsert({
      store: baseline,
      spaceId: 'bench-raw',
      rows: s.bigSyncEvents,
      entities: Math.max(1, Math.ceil(s.bigSyncEvents / 10)),
      runs: s.bigSyncRuns,
      warmupRows: s.smallSyncEvents,
    });
    log(`${label}: sync ${s.bigSyncEvents} x${s.bigSyncRuns}`);
    const bigSync = await benchSync({
      deviceA,
      hub,
      deviceB,
      spaceId: 'bench-sync-big',
      events: s.bigSyncEvents,
      entities: Math.max(1, Math.ceil(s.bigSyncEvents / 10)),
      runs: s.bigSyncRuns,
      warmupEvents: 0,
    });
    log(`${label}: rebuild ${s.bigRebuildEvents} x${s.bigRebuildRuns} (loading events)`);
    const bigRebuild = await benchRebuild({
      store: deviceB,
      spaceId: 'bench-rebuild-big',
      events: s.bigRebuildEvents,
      entities: s.bigRebuildEntities,
      runs: s.bigRebuildRuns,
      warmupRuns: 0,
    });
    return {
      kind,
      settings,
      writes,
      smallSync,
      smallRebuild,
      smallRebuildOneFile,
      rawInsert,
      bigSync,
      bigRebuild,
    };
  } finally {
    log(`${label}: closing stores`);
    for (const o of opened.reverse()) await o.dispose().catch(() => undefined);
  }
}

const SETTINGS = ['server_version', 'fsync', 'synchronous_commit'] as const;

async function storeSettings(store: EventStore): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of SETTINGS) {
    const rows = await store.client.query<{ v: string }>('SELECT current_setting($1) AS v', [name]);
    out[name] = rows[0]?.v ?? '?';
  }
  return out;
}
