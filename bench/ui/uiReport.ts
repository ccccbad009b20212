/**
 * The "Desktop app (UI)" section of BENCHMARKS.md: issue 4 point 7 sets no targets, so each
 * figure stands next to its same-run baseline as a ratio, with the 60 Hz budget for frames.
 */
import { formatMs, markdownTable, textTableOf } from '../report.js';
import type { ReadLatencies } from './readsDuringScan.js';
import type { MemoryFigures, UiResults } from './uiSuite.js';

const HEADER = ['metric', 'ours', 'baseline (same run)', 'ratio'];
const count = (n: number) => n.toLocaleString('en-US');
const mib = (m: MemoryFigures) =>
  `${m.peakMiB.toFixed(0)} MiB peak, ${m.residentMiB.toFixed(0)} MiB resident`;
const server = (m: MemoryFigures) =>
  `${m.serverPssMiB.toFixed(0)} MiB (${m.serverProcesses} processes)`;
const frames = (ms: number) => `${ms.toFixed(1)} ms`;
const reads = (l: ReadLatencies) =>
  `${formatMs(l.p50Ms)} / ${formatMs(l.p99Ms)} / ${formatMs(l.maxMs)}`;

export function uiRows(r: UiResults): string[][] {
  const files = count(r.files);
  return [
    [
      `page load → file list showing (${files} files, median of ${r.loadMs.samples.length})`,
      formatMs(r.loadMs.median),
      `${formatMs(r.emptyLoadMs.median)} (same UI, empty folder)`,
      `${(r.loadMs.median / r.emptyLoadMs.median).toFixed(1)}×`,
    ],
    [
      `frame time scrolling the list, median / p95 (${count(r.scroll.scrolledRows)} rows)`,
      `${frames(r.scroll.medianMs)} / ${frames(r.scroll.p95Ms)}`,
      `${frames(r.baselineScroll.medianMs)} / ${frames(r.baselineScroll.p95Ms)} (plain block, same height)`,
      `${(r.scroll.medianMs / r.baselineScroll.medianMs).toFixed(2)}×`,
    ],
    [
      'frames slower than 60 Hz while scrolling (dropped)',
      `${(r.scroll.slowShare * 100).toFixed(1)}% of ${count(r.scroll.frames)} (${count(r.scroll.dropped)})`,
      `${(r.baselineScroll.slowShare * 100).toFixed(1)}% of ${count(r.baselineScroll.frames)} (${count(r.baselineScroll.dropped)})`,
      '—',
    ],
    [
      `the top folder's first page (files:list, 200 rows) during the first scan of ${files} files, p50 / p99 / max (${count(r.reads.duringScan.samplesMs.length)} reads over ${r.reads.scanSeconds.toFixed(0)} s)`,
      reads(r.reads.duringScan),
      `${reads(r.reads.afterScan)} (the same reads after the scan)`,
      `${(r.reads.duringScan.p99Ms / r.reads.afterScan.p99Ms).toFixed(1)}× (p99)`,
    ],
    [
      `headless process memory with ${files} files, after load and scroll`,
      mib(r.memory),
      `${mib(r.emptyMemory)} (empty folder)`,
      `${(r.memory.peakMiB / r.emptyMemory.peakMiB).toFixed(2)}×`,
    ],
    [
      `its device server (PSS, postmaster + children) with ${files} files, after load and scroll`,
      server(r.memory),
      `${server(r.emptyMemory)} (empty folder)`,
      `${(r.memory.serverPssMiB / r.emptyMemory.serverPssMiB).toFixed(2)}×`,
    ],
  ];
}

export function uiText(r: UiResults): string {
  return `Desktop app (UI)\n${textTableOf(HEADER, uiRows(r))}`;
}

export function uiMarkdown(r: UiResults): string {
  return `## Desktop app (UI)

Issue 4, point 7: the renderer in Debian's Chromium (headless, playwright-core) against the
headless mode (\`netguardian serve\`, a child process) of a device whose folder holds
${count(r.files)} files (the list showed ${count(r.listedTotal)}).

${markdownTable(HEADER, uiRows(r))}

Method: the files (\`dNNN/fNNNNNN.txt\`, a few dozen bytes each) are written and
\`netguardian init\` creates the device (${r.setupSeconds.toFixed(0)} s); \`serve\` then makes the
first scan, during which a client on the headless mode's WebSocket asks for the top folder's
first page every 100 ms until the state says Synced (\`bench/ui/readsDuringScan.ts\`: whether
reads wait behind the device's writes), and as many times after it. Page load follows the scan; it is
measured on the page's own clock, from navigation start to the renderer's
\`netguardian:files-rendered\` event (first rows of the virtualized list in the DOM), each run in a
fresh page; samples: ${r.loadMs.samples.map((s) => formatMs(s)).join(', ')}. Scrolling moves the
list from top to bottom at a fixed step per animation frame under a Chromium performance trace;
frame time is the interval between frames the page's compositor presented (\`PipelineReporter\`
slices, as DevTools counts frames). The baseline block is a plain \`div\` of the list's height,
scrolled the same way in the same browser. Memory is VmHWM / VmRSS of the \`serve\` process from
/proc, and the PSS (/proc/<pid>/smaps_rollup) of its device's PostgreSQL server, summed over the
postmaster and every process under it, read at the same moment.
`;
}
