/**
 * The hook `bench/run.ts` calls for the "Window closed / open" section: windowSuite.ts in a temp
 * folder, then its table for the terminal and for BENCHMARKS.md, each phase as a ratio of the
 * same run's "no page" phase.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REFERENCE_TREE, type TreeShape } from '../folder/tree.js';
import { markdownTable, textTableOf } from '../report.js';
import { makeServerEnterable } from '../support/serverDirs.js';
import {
  FULL_WINDOW_SIZES,
  QUICK_WINDOW_SIZES,
  runWindowSuite,
  type Memory,
  type PhaseMemory,
  type WindowResults,
  type WindowSizes,
} from './windowSuite.js';

export const WINDOW_HEADING = '## Window closed / open';

export interface WindowSection {
  readonly results: WindowResults;
  readonly text: string;
  readonly markdown: string;
}

const HEADER = [
  'phase',
  'serve RSS / PSS / private dirty',
  'serve private dirty vs no page',
  'its PostgreSQL server (PSS)',
  'page renderer RSS / PSS / private dirty',
  'app memory',
  'app memory vs no page',
];

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const ratio = (x: number, base: number) => `${(x / base).toFixed(2)}×`;
const treeWords = (tree: TreeShape) =>
  `${tree === REFERENCE_TREE ? 'the standard tree' : 'a smaller tree than the standard one'}: ${tree.smallFiles.toLocaleString('en-US')} files of 1–4 KiB in ${tree.dirs} folders${tree.bigFiles > 0 ? ` plus ${tree.bigFiles} × ${mib(tree.bigBytes)}` : ''}`;
const memory = (m: Memory | undefined) =>
  m === undefined ? '—' : `${mib(m.rss)} / ${mib(m.pss)} / ${mib(m.private)}`;
/**
 * What the phase holds and would give back if it ended: the core's and the page renderer's own
 * written pages (private dirty), and the store's server by PSS (its shared buffers are shared
 * among its own processes, so their private memory would leave them out). Library pages are left
 * out: Electron's main process keeps its binary mapped whether a window is open or not, and on
 * this machine other Node and Chromium instances map the same files, which moved the renderer's
 * PSS between 32 and 58 MiB in two runs for the same page.
 */
const appMemory = (p: PhaseMemory) => p.serve.private + p.serverPss + (p.renderer?.private ?? 0);

function rows(r: WindowResults): string[][] {
  const phases: [string, PhaseMemory][] = [
    ['no page (window closed)', r.noPage],
    ['a page on the Files screen (window open)', r.pageOpen],
    ['the page closed again', r.pageClosed],
  ];
  return phases.map(([name, p]) => [
    name,
    memory(p.serve),
    ratio(p.serve.private, r.noPage.serve.private),
    mib(p.serverPss),
    memory(p.renderer),
    mib(appMemory(p)),
    ratio(appMemory(p), appMemory(r.noPage)),
  ]);
}

function summary(r: WindowResults): string {
  const open = appMemory(r.pageOpen);
  const closed = appMemory(r.noPage);
  const quiet = r.quiet.quiet
    ? `a quiet machine (load ${r.quiet.load} after ${(r.quiet.waitedMs / 1000).toFixed(0)} s)`
    : `a busy machine (load ${r.quiet.load}; the wait for a quiet one gave up after ${(r.quiet.waitedMs / 1000).toFixed(0)} s)`;
  return (
    `With the window open the app holds ${mib(open)}, ${ratio(open, closed)} the ${mib(closed)} it holds with the window closed; ` +
    `the page's renderer has ${mib(r.pageOpen.renderer.private)} of its own written memory (${mib(r.pageOpen.renderer.rss)} resident), ${r.rendererEnded ? 'and its process had ended once the page closed' : 'and its process was STILL RUNNING after the page closed'}. ` +
    `After the page closed the core's own written memory is ${ratio(r.pageClosed.serve.private, r.noPage.serve.private)} what it was before the page opened. ` +
    `The serve process's peak resident set over the run: ${mib(r.servePeakRss)}. ` +
    `Measured on ${quiet}${r.fromBundle ? '' : '; serve ran from the sources through tsx, not the CLI bundle (about 75 MiB more)'}; the run took ${r.seconds.toFixed(0)} s.`
  );
}

export async function runWindowSection(options: {
  readonly quick: boolean;
  readonly log: (message: string) => void;
}): Promise<WindowSection> {
  const workDir = await mkdtemp(path.join(tmpdir(), 'netguardian-window-bench-'));
  try {
    // Its device's cluster stays in its data dir under it, and goes with it (serverDirs.ts).
    await makeServerEnterable(workDir);
    const sizes = options.quick ? QUICK_WINDOW_SIZES : FULL_WINDOW_SIZES;
    const results = await runWindowSuite({ workDir, sizes, log: options.log });
    return { results, ...windowReport(results, sizes) };
  } finally {
    await rm(workDir, { recursive: true, force: true, maxRetries: 3 });
  }
}

/** The section's table and words, for the terminal and for BENCHMARKS.md. */
export function windowReport(
  results: WindowResults,
  sizes: WindowSizes,
): { text: string; markdown: string } {
  const files = results.files.toLocaleString('en-US');
  const text = `Window closed / open (${files} files)\n${textTableOf(HEADER, rows(results))}\n${summary(results)}`;
  const markdown = [
    WINDOW_HEADING,
    '',
    `Issue 16, point 11: the tray app stays light. Closing the desktop app's window destroys it (\`src-main/shell/mainWindow.ts\`), so its renderer process goes; the tray and the core run on, and a reveal makes a new window that asks the core for its state as it loads. Electron can't run on the bench machine, so the headless mode stands in, on one device whose folder holds ${files} files (${treeWords(sizes.tree)}): \`netguardian serve\` on 127.0.0.1 is the core (in the desktop app the utility process, which has no HTTP or WebSocket server but the same store, sync and watcher), and Debian's Chromium (headless, playwright-core) rendering the served page stands for the window's renderer: an Electron window's renderer is the same Blink and V8 renderer process, there with the preload in its isolated world. Electron's main process (tray, menu, IPC) is not measured.`,
    '',
    markdownTable(HEADER, rows(results)),
    '',
    summary(results),
    '',
    `Method (\`bench/window/\`): the tree is written and \`netguardian init\` creates the device, \`serve\` starts (from the CLI bundle, built first unless fresh), and the bench waits for a quiet machine (load below 0.5 for 20 s, at most ${(sizes.maxQuietWaitMs / 1000).toFixed(0)} s). Each phase waits ${(sizes.settleMs / 1000).toFixed(0)} s, then reads RSS, PSS and private dirty memory (Private_Dirty: heaps and stacks no other process maps; from \`/proc/<pid>/smaps_rollup\`) ${sizes.readings} times a second apart and keeps the medians: first with no page connected; then with a page opened on the served URL until the Files screen's list rendered (\`netguardian:files-rendered\`), its renderer found by a short trace (the process Chromium names for the page's main frame; Chromium keeps spare renderers, so the newest would not do); then after the page closed. The device's PostgreSQL server is the PSS of its postmaster and children. "App memory" is the serve process's private dirty memory, its server's PSS and the page renderer's private dirty memory: what would be given back if each ended. Library files' pages are left out of it: Electron's main process keeps its binary mapped whether a window is open or not, they stay in the page cache when a process ends, and here other Node and Chromium instances on the machine map the same files, which moved the renderer's PSS between 32 and 58 MiB, and its clean private pages too, in runs with the same page (RSS counts them whole in each process; RSS and PSS are in the table). Chromium's browser, GPU and network processes are left out: Electron has its own in place of them.`,
    '',
  ].join('\n');
  return { text, markdown };
}
