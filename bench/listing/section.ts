/**
 * The hook `bench/run.ts` calls for the listing section: listingSuite.ts, then its table for the
 * terminal and for BENCHMARKS.md.
 */
import { formatMs, markdownTable, textTableOf } from '../report.js';
import type { PgServer } from '../support/postgres.js';
import {
  FULL_LISTING,
  QUICK_LISTING,
  runListingSuite,
  type ListingResults,
} from './listingSuite.js';

export const LISTING_HEADING = '## Listing a million files';

/** A keyed page of 200 rows at any depth, at 1,000,000 files (issue 14 point 4). */
const KEYED_TARGET_MS = 50;

export interface ListingSection {
  readonly results: ListingResults;
  readonly text: string;
  readonly markdown: string;
}

const HEADER = [
  'page of 200 rows',
  'time (median of 9)',
  'rows',
  'total',
  'vs empty',
  'target',
  'met?',
];

function rows(r: ListingResults): string[][] {
  return [
    ...r.cases.map((c) => [
      c.label,
      formatMs(c.medianMs),
      c.rows.toLocaleString('en-US'),
      c.total.toLocaleString('en-US'),
      `${(c.medianMs / r.emptyPageMs).toFixed(1)}×`,
      c.keyed ? `< ${KEYED_TARGET_MS} ms` : '—',
      c.keyed ? (c.medianMs < KEYED_TARGET_MS ? 'yes' : 'NO') : '—',
    ]),
    [
      'baseline: the top folder of an empty space',
      formatMs(r.emptyPageMs),
      '0',
      '0',
      '1.0×',
      '—',
      '—',
    ],
  ];
}

const countLine = (r: ListingResults) =>
  `The space's total, kept as the store changes (migration 0016): ${formatMs(r.keptTotalMs)}; ` +
  `count(*) of its ${r.files.toLocaleString('en-US')} files and ${r.folders.toLocaleString('en-US')} folders: ${formatMs(r.countAllMs)}.`;

export async function runListingSection(options: {
  readonly server: PgServer;
  readonly quick: boolean;
  readonly log: (message: string) => void;
}): Promise<ListingSection> {
  const results = await runListingSuite({
    server: options.server,
    sizes: options.quick ? QUICK_LISTING : FULL_LISTING,
    log: options.log,
  });
  const text = `Listing ${results.files.toLocaleString('en-US')} files\n${textTableOf(HEADER, rows(results))}\n${countLine(results)}`;
  const markdown = [
    LISTING_HEADING,
    '',
    `Issue 14, point 4: \`files:list\` (\`src-main/core/app/fileList.ts\`) on a device store of ${results.files.toLocaleString('en-US')} files in ${results.folders.toLocaleString('en-US')} folders, on the bench's PostgreSQL server, through \`pg\` as the app calls it. Each page is the rows with their sync state (the file index and the log joined), and the listing's total.`,
    '',
    markdownTable(HEADER, rows(results)),
    '',
    countLine(results),
    '',
    `Method: \`bench/listing/listingSuite.ts\` fills a fresh database in SQL with the snapshots, events and file index rows of \`tNN/sNN/fNNN.txt\` (100 files in each of 100 subfolders of each top folder) and \`flat/fNNNNNN.txt\` (one folder of ${FULL_LISTING.flatFiles.toLocaleString('en-US')} files) in ${formatMs(results.fillMs)}, analyzes it, then times each call ${9} times after one warm-up. A page by key starts after the last row of the page before (\`next\`), read from the folder index (migration 0017) or the path index (0011); a page by offset walks the entries it skips, which the UI does only for a jump of the scroll bar; a search reads every path under where it searches.`,
    '',
  ].join('\n');
  return { results, text, markdown };
}
