/**
 * Issue 4 point 7: the UI with 100,000 files in the folder, in Debian's Chromium against the
 * headless mode (`netguardian serve`, a child process as a user runs it):
 *  - page load → file list showing (the renderer's `netguardian:files-rendered` event, on the
 *    page's own clock from navigation start), median of runs in fresh pages;
 *  - frame time while scrolling the list from top to bottom (Chromium's performance trace);
 *  - the headless process's memory (VmHWM / VmRSS from /proc), and its device server's (PSS of
 *    the postmaster and its children: the store lives there since issue 11).
 * Baselines in the same run: the same UI on an empty folder (load, memory) and a plain
 * scrolling block of the same height (frames), so the ratios survive a noisy machine.
 */
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../e2e/support/chromium.js';
import { initDevice, startServe, type ServeProcess } from '../../e2e/support/servedDevice.js';
import { deviceServerMemory } from '../folder/processMemory.js';
import { makeServerEnterable } from '../support/serverDirs.js';
import { frameStats, rendererPid, type FrameStats, type TraceEvent } from './frameTimes.js';
import { writeManyFiles } from './manyFiles.js';
import { readsDuringScan, type ReadsDuringScan } from './readsDuringScan.js';

export interface UiSizes {
  readonly files: number;
  readonly loadRuns: number;
  /** Scroll steps (one per animation frame), bounded. */
  readonly scrollFrames: number;
}

export const FULL_UI_SIZES: UiSizes = { files: 100_000, loadRuns: 5, scrollFrames: 600 };
export const QUICK_UI_SIZES: UiSizes = { files: 5_000, loadRuns: 3, scrollFrames: 200 };

export interface MemoryFigures {
  readonly peakMiB: number;
  readonly residentMiB: number;
  /** The device's PostgreSQL server, PSS summed over its processes, when read. */
  readonly serverPssMiB: number;
  readonly serverProcesses: number;
}

export interface UiResults {
  readonly files: number;
  readonly listedTotal: number;
  readonly setupSeconds: number;
  readonly loadMs: { readonly median: number; readonly samples: readonly number[] };
  readonly emptyLoadMs: { readonly median: number; readonly samples: readonly number[] };
  readonly scroll: FrameStats & { readonly scrolledRows: number };
  readonly baselineScroll: FrameStats;
  readonly memory: MemoryFigures;
  readonly emptyMemory: MemoryFigures;
  /** The top folder's first page asked for during the device's first scan and after it. */
  readonly reads: ReadsDuringScan;
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
};

async function memoryOf(pid: number, dataDir: string): Promise<MemoryFigures> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
  const server = await deviceServerMemory(dataDir);
  return {
    peakMiB: kib('VmHWM') / 1024,
    residentMiB: kib('VmRSS') / 1024,
    serverPssMiB: server.pss / 2 ** 20,
    serverProcesses: server.processes,
  };
}

/** Opens the UI in a fresh page and returns ms from navigation start to the list showing. */
async function loadOnce(
  browser: Browser,
  url: string,
): Promise<{ ms: number; total: number; page: Page }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  // A string, not a function: bundlers' helpers (e.g. __name) don't exist in the page.
  await page.addInitScript(`window.addEventListener('netguardian:files-rendered', (e) => {
    if (window.__filesRendered === undefined)
      window.__filesRendered = { at: performance.now(), total: e.detail && e.detail.total };
  });`);
  await page.goto(url);
  // An evaluate, not waitForFunction: the app's CSP forbids the eval that one needs.
  const { at, total } = await page.evaluate<{
    at: number;
    total: number;
  }>(`new Promise((resolve) => {
    if (window.__filesRendered) return resolve(window.__filesRendered);
    window.addEventListener('netguardian:files-rendered', () => resolve(window.__filesRendered));
  })`);
  return { ms: at, total, page };
}

async function traceScroll(
  browser: Browser,
  page: Page,
  scrollScript: string,
): Promise<{ stats: FrameStats; result: unknown }> {
  await browser.startTracing(page, {
    categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline.frame', 'benchmark'],
  });
  const result = await page.evaluate(scrollScript);
  const trace = JSON.parse((await browser.stopTracing()).toString('utf8')) as {
    traceEvents: TraceEvent[];
  };
  // The browser process announces the trace; its own UI's frames are not the page's.
  const browserPid = trace.traceEvents.find((e) => e.name === 'TracingStartedInBrowser')?.pid;
  const pid = rendererPid(trace.traceEvents, browserPid);
  if (pid === undefined) throw new Error('the trace holds no frames of the page');
  return { stats: frameStats(trace.traceEvents, pid), result };
}

/** Scrolls an element by a fixed step per animation frame until its end or `frames` steps. */
const scrollScript = (selector: string, frames: number) => `new Promise((resolve) => {
  const el = document.querySelector(${JSON.stringify(selector)});
  if (!el) throw new Error('nothing to scroll at ${selector}');
  const step = Math.max(1, (el.scrollHeight - el.clientHeight) / ${frames});
  let n = 0;
  const tick = () => {
    el.scrollTop = Math.min(el.scrollHeight, el.scrollTop + step);
    if (++n < ${frames}) requestAnimationFrame(tick); else resolve(el.scrollTop);
  };
  requestAnimationFrame(tick);
})`;

export const FILE_LIST_SELECTOR = '[data-testid="file-list"]';

async function measureDevice(
  browser: Browser,
  serve: ServeProcess,
  runs: number,
): Promise<{ samples: number[]; total: number; last: Page }> {
  const samples: number[] = [];
  let total = 0;
  let last: Page | undefined;
  for (let i = 0; i < runs; i++) {
    await last?.close();
    const run = await loadOnce(browser, serve.url);
    samples.push(run.ms);
    total = run.total;
    last = run.page;
  }
  if (!last) throw new Error('no load runs');
  return { samples, total, last };
}

export async function runUiSuite(options: {
  readonly workDir: string;
  readonly sizes: UiSizes;
  readonly log: (message: string) => void;
}): Promise<UiResults> {
  const { workDir, sizes, log } = options;
  const started = performance.now();
  const full = await initFolder(workDir, 'full', sizes.files, log);
  const empty = await initFolder(workDir, 'empty', 0, log);
  const setupSeconds = (performance.now() - started) / 1000;

  const browser = await launchChromium();
  const servers: ServeProcess[] = [];
  try {
    const fullServe = await startServe(full);
    servers.push(fullServe);
    log(`ui: reading the file list while the device scans ${sizes.files} files`);
    const reads = await readsDuringScan(fullServe.url);
    const emptyServe = await startServe(empty);
    servers.push(emptyServe);

    log(`ui: page load with ${sizes.files} files (${sizes.loadRuns} runs)`);
    const loaded = await measureDevice(browser, fullServe, sizes.loadRuns);
    log('ui: scrolling the list under a performance trace');
    const scroll = await traceScroll(
      browser,
      loaded.last,
      scrollScript(FILE_LIST_SELECTOR, sizes.scrollFrames),
    );
    // The virtual list's height is rows × row height; rows themselves may still be placeholders
    // right after a fast scroll (their page not fetched yet), so measure the list, not a row.
    const listHeight = Number(
      await loaded.last.evaluate(
        `(document.querySelector(${JSON.stringify(FILE_LIST_SELECTOR)}) || {}).scrollHeight || 0`,
      ),
    );
    const rowHeight = loaded.total > 0 ? listHeight / loaded.total : 0;
    const scrolledRows = rowHeight > 0 ? Math.round(Number(scroll.result) / rowHeight) : 0;
    const baselinePage = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const height = Math.max(800, listHeight);
    await baselinePage.setContent(
      `<div id="s" style="height:700px;overflow:auto"><div style="height:${Math.min(height, 3.3e7)}px;background:linear-gradient(#eee,#999)"></div></div>`,
    );
    const baseline = await traceScroll(
      browser,
      baselinePage,
      scrollScript('#s', sizes.scrollFrames),
    );
    await baselinePage.close();
    const memory = await memoryOf(fullServe.pid, full);

    log('ui: the same UI on an empty folder');
    const emptyLoaded = await measureDevice(browser, emptyServe, sizes.loadRuns);
    await emptyLoaded.last.close();
    await loaded.last.close();
    const emptyMemory = await memoryOf(emptyServe.pid, empty);
    return {
      files: sizes.files,
      listedTotal: loaded.total,
      setupSeconds,
      loadMs: { median: median(loaded.samples), samples: loaded.samples },
      emptyLoadMs: { median: median(emptyLoaded.samples), samples: emptyLoaded.samples },
      scroll: { ...scroll.stats, scrolledRows },
      baselineScroll: baseline.stats,
      memory,
      emptyMemory,
      reads,
    };
  } finally {
    await browser.close();
    for (const s of servers) await s.stop();
  }
}

/** Writes the files, then `netguardian init` (which scans them into the device's store). */
async function initFolder(
  workDir: string,
  name: string,
  files: number,
  log: (message: string) => void,
): Promise<string> {
  const root = path.join(workDir, name);
  await mkdir(path.join(root, name, 'folder'), { recursive: true });
  // `init` makes the data dir 0700 unless it exists: the server's user must enter every folder
  // down to it, or the cluster is placed outside the work dir (bench/support/serverDirs.ts).
  for (const dir of [root, path.join(root, name), path.join(root, name, 'data')])
    await makeServerEnterable(dir);
  if (files > 0) {
    log(`ui: writing ${files} files`);
    await writeManyFiles(path.join(root, name, 'folder'), files);
  }
  log(`ui: netguardian init (scans ${files} files)`);
  const { dataDir } = await initDevice({ name, root, spaceId: 'ui-bench' });
  return dataDir;
}
