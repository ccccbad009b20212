/**
 * The hook `bench/run.ts` calls for the first-scan section: scanSuite.ts on each tree, then the
 * table for the terminal and for BENCHMARKS.md, with the 1,000,000-file figures as ratios of the
 * 100,000-file ones measured in the same run.
 */
import type { ScratchDirs } from '../folder/scratchDirs.js';
import type { TreeShape } from '../folder/tree.js';
import { formatMs, markdownTable, textTableOf } from '../report.js';
import { measureFirstScan, QUICK_SCAN_TREES, SCAN_TREES, type ScanResult } from './scanSuite.js';

export const SCAN_HEADING = '## First scan at a million files';

/** Issue 14 point 3: time linear in files (10× the files in at most 11× the time). */
const LINEAR_LIMIT = 1.1;

export interface ScanSection {
  readonly results: readonly ScanResult[];
  readonly text: string;
  readonly markdown: string;
}

const HEADER = [
  'tree',
  'first scan',
  'per file',
  'peak memory (sync + its server, PSS)',
  'store on disk',
  'load at start',
];
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const count = (n: number) => n.toLocaleString('en-US');

function rows(results: readonly ScanResult[]): string[][] {
  return results.map((r) => [
    `${count(r.files)} files in ${count(r.dirs)} folders (${mib(r.bytes)})`,
    formatMs(r.scanMs),
    `${((r.scanMs / r.files) * 1000).toFixed(0)} µs`,
    mib(r.peakBytes),
    mib(r.storeBytes),
    `${r.quiet.load.toFixed(2)}${r.quiet.quiet ? '' : ' (busy)'}`,
  ]);
}

function ratios(results: readonly ScanResult[]): string {
  const [small, big] = results;
  if (!small || !big) return '';
  const files = big.files / small.files;
  const time = big.scanMs / small.scanMs;
  const memory = big.peakBytes / small.peakBytes;
  const met = time <= files * LINEAR_LIMIT ? 'met' : 'NOT met';
  return `${count(big.files)} against ${count(small.files)} files (${files.toFixed(0)}×): time ${time.toFixed(2)}× (target ≤ ${(files * LINEAR_LIMIT).toFixed(0)}×, ${met}), peak memory ${memory.toFixed(2)}×.`;
}

export async function runScanSection(options: {
  readonly quick: boolean;
  readonly scratch: ScratchDirs;
  readonly maxQuietWaitMs: number;
  readonly log: (m: string) => void;
}): Promise<ScanSection> {
  const trees: Readonly<Record<string, TreeShape>> = options.quick ? QUICK_SCAN_TREES : SCAN_TREES;
  const results: ScanResult[] = [];
  for (const [name, shape] of Object.entries(trees))
    results.push(await measureFirstScan({ ...options, name, shape }));
  const table = rows(results);
  const text = `First scan\n${textTableOf(HEADER, table)}\n${ratios(results)}`;
  const markdown = [
    SCAN_HEADING,
    '',
    'Issue 14, point 3: a local-only device made with `netguardian init --folder F`, then `netguardian sync`, which scans the folder into the store (what a daemon does first). Measured ' +
      `${new Date().toISOString()}.`,
    '',
    markdownTable(HEADER, table),
    '',
    ratios(results),
    '',
    "Method: `bench/scan/scanSuite.ts`. Files of 1–4 KiB of seeded random bytes; each tree written fresh into new dirs, nothing deleted until the bench ends. Timed from spawning `sync` to its exit (its start-up and its PostgreSQL server's included); peak memory is PSS summed over the `sync` process and its device server's processes, sampled every 250 ms; store on disk is `du` of the data dir. The bench waits (bounded) for a 1-minute load below 0.5 before each timing.",
    '',
  ].join('\n');
  return { results, text, markdown };
}
