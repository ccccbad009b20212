/**
 * The churn bench (issue 14 point 5): 1,000 files edited 100 times each, one edit of every file
 * every 12 simulated hours (50 days), appended to two stores on the bench's PostgreSQL server
 * exactly as a device's scan and a sync would: one never compacted (the baseline), one compacted
 * once a simulated day with the default 30-day window and vacuumed as autovacuum would (plain
 * VACUUM: freed space is reused, the file is not shrunk). A hub and a device run the same
 * compaction (`store/compaction.ts`; the device's own events only as far as its hub holds them,
 * which here is all of them), so one compacted store stands for both.
 *
 * Expected from the rule, by hand: at the end (edit 100 at day 49.5) the cutoff is day 19.5, so
 * edits 1–39 of each file (days 0–19) are old; the newest of them is the file's newest old
 * version and stays, the 38 before it go: 62 of 100 events per file are kept, 62,000 in all.
 */
import { createHash, randomUUID } from 'node:crypto';
import { encodeHlc } from '../../src-shared/crdt/hlc.js';
import type { CrdtEvent } from '../../src-shared/events/event.js';
import { DAY_MS, DEFAULT_HISTORY_DAYS } from '../../src-main/core/store/compaction.js';
import { EventStore } from '../../src-main/core/store/eventStore.js';
import { openPgClient } from '../../src-main/core/store/pgClient.js';
import type { PgServer } from '../support/postgres.js';

export interface ChurnSizes {
  readonly files: number;
  readonly edits: number;
}

/** `edits` is 100 in both: `KEPT_PER_FILE` was counted for it. */
export const FULL_CHURN: ChurnSizes = { files: 1_000, edits: 100 };
export const QUICK_CHURN: ChurnSizes = { files: 100, edits: 100 };

const NODE = 'laptop';
const SPACE = 'churn';
const DAY0 = Date.UTC(2026, 0, 1);
const EDIT_EVERY_MS = DAY_MS / 2;
/**
 * Counted by hand for 100 edits 12 h apart and a 30-day window: the last compaction runs at day
 * 49.5 (edit 100) with its cutoff at day 19.5; edits 1–39 (days 0–19) are older, the 39th stays
 * as the newest old version, 38 go.
 */
const KEPT_PER_FILE = 62;

export interface ChurnPoint {
  /** Simulated day. */
  readonly day: number;
  readonly events: { readonly baseline: number; readonly compacted: number };
  /** crdt_events + crdt_snapshots + crdt_compacted, with their indexes and TOAST, in bytes. */
  readonly bytes: { readonly baseline: number; readonly compacted: number };
}

export interface ChurnResults {
  readonly sizes: ChurnSizes;
  readonly points: readonly ChurnPoint[];
  /** Events the rule keeps at the end, counted by hand (see the file's comment). */
  readonly expectedKept: number;
  readonly compactMs: number;
  readonly compactions: number;
}

/** Edit `k` of file `i`: what the scan of an edited file records (content, mode, mtime). */
function edit(i: number, k: number, files: number): CrdtEvent {
  const wallMs = DAY0 + k * EDIT_EVERY_MS + i;
  return {
    eventId: randomUUID(),
    spaceId: SPACE,
    entityId: `docs/${String(Math.floor(i / 100)).padStart(2, '0')}/f${String(i).padStart(4, '0')}.txt`,
    kind: k === 0 ? 'FileCreated' : 'FileUpdated',
    data: {
      content: { hash: createHash('sha256').update(`${i}/${k}`).digest('hex'), size: 2_048 },
      fields: { mode: 0o644, mtimeMs: wallMs },
    },
    timestamp: new Date(wallMs).toISOString(),
    hlc: encodeHlc({ wallMs, counter: 0, nodeId: NODE }),
    nodeId: NODE,
    seq: k * files + i + 1,
    vectorClock: { [NODE]: k + 1 },
  };
}

const SIZE = `
SELECT (SELECT count(*) FROM crdt_events)::float8 AS events,
  (pg_total_relation_size('crdt_events') + pg_total_relation_size('crdt_snapshots')
    + pg_total_relation_size('crdt_compacted'))::float8 AS bytes`;

export async function runChurnSuite(options: {
  readonly server: PgServer;
  readonly sizes: ChurnSizes;
  readonly log: (message: string) => void;
}): Promise<ChurnResults> {
  const { files, edits } = options.sizes;
  const baselineDb = await options.server.createDatabase('churn_base');
  const compactedDb = await options.server.createDatabase('churn_compact');
  const open = async (url: string) =>
    EventStore.open(await openPgClient({ connectionString: url, applicationName: 'bench-churn' }));
  const baseline = await open(baselineDb.url);
  const compacted = await open(compactedDb.url);
  try {
    const points: ChurnPoint[] = [];
    let compactMs = 0;
    let compactions = 0;
    const measure = async (day: number) => {
      const [b] = await baseline.client.query<{ events: number; bytes: number }>(SIZE);
      const [c] = await compacted.client.query<{ events: number; bytes: number }>(SIZE);
      points.push({
        day,
        events: { baseline: Number(b?.events), compacted: Number(c?.events) },
        bytes: { baseline: Number(b?.bytes), compacted: Number(c?.bytes) },
      });
    };
    for (let k = 0; k < edits; k++) {
      const round = Array.from({ length: files }, (_, i) => edit(i, k, files));
      for (let at = 0; at < round.length; at += 1_000) {
        const batch = round.slice(at, at + 1_000);
        await baseline.append(batch);
        await compacted.append(batch);
      }
      const nowMs = DAY0 + k * EDIT_EVERY_MS;
      // Once a simulated day, and after the last edit.
      if (k % 2 === 1 || k === edits - 1) {
        const started = performance.now();
        await compacted.compact(SPACE, { cutoffMs: nowMs - DEFAULT_HISTORY_DAYS * DAY_MS });
        compactMs += performance.now() - started;
        compactions += 1;
        // What autovacuum does on its own, here at a known time for both: every append rewrites
        // its files' snapshot rows, so without it the snapshots' dead rows would outweigh
        // everything measured (58 MiB for 1,000 files after 100 rounds).
        for (const store of [baseline, compacted])
          await store.client.query('VACUUM crdt_events, crdt_snapshots, crdt_compacted');
      }
      if ((k + 1) % 20 === 0 || k === edits - 1) {
        await measure((k * EDIT_EVERY_MS) / DAY_MS);
        options.log(`churn: edit ${k + 1} of ${edits} of ${files} files`);
      }
    }
    const expectedKept = files * KEPT_PER_FILE;
    return { sizes: options.sizes, points, expectedKept, compactMs, compactions };
  } finally {
    await baseline.close();
    await compacted.close();
    await baselineDb.drop();
    await compactedDb.drop();
  }
}
