/**
 * The hook `bench/run.ts` calls for the churn section: churnSuite.ts, then its table for the
 * terminal and for BENCHMARKS.md.
 */
import { markdownTable, textTableOf } from '../report.js';
import type { PgServer } from '../support/postgres.js';
import { FULL_CHURN, QUICK_CHURN, runChurnSuite, type ChurnResults } from './churnSuite.js';

export const CHURN_HEADING = '## Churn: 1,000 files edited 100 times';

export interface ChurnSection {
  readonly results: ChurnResults;
  readonly text: string;
  readonly markdown: string;
}

const HEADER = [
  'simulated day',
  'events kept',
  'events, never compacted',
  'store MiB',
  'store MiB, never compacted',
  'ratio',
];

const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

function rows(r: ChurnResults): string[][] {
  return r.points.map((p) => [
    p.day.toFixed(1),
    p.events.compacted.toLocaleString('en-US'),
    p.events.baseline.toLocaleString('en-US'),
    mib(p.bytes.compacted),
    mib(p.bytes.baseline),
    `${(p.bytes.compacted / p.bytes.baseline).toFixed(2)}×`,
  ]);
}

function verdict(r: ChurnResults): string {
  const last = r.points[r.points.length - 1];
  const before = r.points[r.points.length - 2];
  const kept = last?.events.compacted ?? 0;
  const grew = (side: 'baseline' | 'compacted') =>
    last && before ? mib(last.bytes[side] - before.bytes[side]) : '?';
  const span = last && before ? (last.day - before.day).toFixed(0) : '?';
  return (
    `Events kept at the end: ${kept.toLocaleString('en-US')}; the rule keeps ${r.expectedKept.toLocaleString('en-US')} (62 of each file's 100, counted by hand): ${kept === r.expectedKept ? 'met' : 'NOT met'}. ` +
    `Over the last ${span} simulated days the compacted store grew ${grew('compacted')} MiB, the never-compacted one ${grew('baseline')} MiB. ` +
    `${r.compactions} compactions took ${(r.compactMs / 1000).toFixed(1)} s in all.`
  );
}

export async function runChurnSection(options: {
  readonly server: PgServer;
  readonly quick: boolean;
  readonly log: (message: string) => void;
}): Promise<ChurnSection> {
  const results = await runChurnSuite({
    server: options.server,
    sizes: options.quick ? QUICK_CHURN : FULL_CHURN,
    log: options.log,
  });
  const text = `Churn: ${results.sizes.files.toLocaleString('en-US')} files edited ${results.sizes.edits} times\n${textTableOf(HEADER, rows(results))}\n${verdict(results)}`;
  const markdown = [
    CHURN_HEADING,
    '',
    `Issue 14, point 5: the event log is compacted on devices and the hub (\`src-main/core/store/compaction.ts\`): a version superseded by a version older than the history window (30 days) is folded into its file's base state and its event deleted. ${results.sizes.files.toLocaleString('en-US')} files, each edited every 12 simulated hours, 100 times (50 days), appended to two stores on the bench's PostgreSQL server: one never compacted (the same-run baseline), one compacted once a simulated day; both vacuumed once a simulated day, as autovacuum would. Store size: \`crdt_events\`, \`crdt_snapshots\` and \`crdt_compacted\` with their indexes.`,
    '',
    markdownTable(HEADER, rows(results)),
    '',
    verdict(results),
    '',
    `The bound: once the window has passed, a store holds each file's snapshot and base plus the versions of the last 30 days and the newest one before them (here 62 events a file, whatever the number of edits), and its size stops growing with the number of edits, while the baseline's grows with every edit. Plain VACUUM does not shrink the table file: the space freed by a compaction is reused by the next day's events. The hub's content follows its events: chunks no kept version references are collected after the same window (\`hubService/chunkCollection.ts\`). Method: \`bench/churn/churnSuite.ts\`.`,
    '',
  ].join('\n');
  return { results, text, markdown };
}
