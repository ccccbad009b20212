/**
 * Issue 16 point 11: what the app costs with its window closed and with it open. Electron can't
 * run here, so the headless mode stands in: `netguardian serve` is the core (in the desktop app,
 * the utility process; here with the headless HTTP and WebSocket server, which the desktop app
 * doesn't have), and Debian's Chromium rendering the served page is the window's renderer (the
 * same Blink and V8 renderer process an Electron window has). Three phases on one device:
 *  1. no page connected (the window closed: the tray app's whole cost);
 *  2. a page connected, the Files screen loaded (the window open);
 *  3. the page closed again (what the core keeps after a window came and went).
 * Each phase settles, then the processes' memory is read a few times and the median kept.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../e2e/support/chromium.js';
import { initDevice, startServe, type ServeProcess } from '../../e2e/support/servedDevice.js';
import { cliBundleIsFresh } from '../cli/bundle.js';
import { buildCli } from '../folder/daemon.js';
import { deviceServerMemory, processMemory } from '../folder/processMemory.js';
import { REFERENCE_TREE, writeTree, type TreeShape } from '../folder/tree.js';
import { loadNow, waitForQuiet, type QuietWait } from '../scale/quiet.js';
import { makeServerEnterable } from '../support/serverDirs.js';

export interface WindowSizes {
  readonly tree: TreeShape;
  /**
   * Wait after a phase begins before the first reading, ms: past the store pool's idle timeout
   * (10 s: connections a page's reads opened close) and V8's memory reducer (its GCs once idle).
   */
  readonly settleMs: number;
  /** Readings per phase, one a second; the median is kept. */
  readonly readings: number;
  /** The longest wait for a quiet machine before the phases, ms. */
  readonly maxQuietWaitMs: number;
}

/** The standard tree (make-tree.py's defaults): 10,000 files of 1–4 KiB plus 20 × 4 MiB. */
export const FULL_WINDOW_SIZES: WindowSizes = {
  tree: REFERENCE_TREE,
  settleMs: 15_000,
  readings: 5,
  maxQuietWaitMs: 45_000,
};
export const QUICK_WINDOW_SIZES: WindowSizes = {
  tree: { smallFiles: 1_000, dirs: 10, bigFiles: 0, bigBytes: 0 },
  settleMs: 12_000,
  readings: 3,
  maxQuietWaitMs: 5_000,
};

/** Bytes, from /proc/<pid>/smaps_rollup. */
export interface Memory {
  readonly rss: number;
  readonly pss: number;
  /**
   * Written pages no other process maps (Private_Dirty: heaps, stacks): what the machine gets back
   * when the process ends. Unlike PSS and Private_Clean, it doesn't move when other processes map
   * the same library files (other Node or Chromium instances on the machine), and clean file pages
   * stay in the page cache after the process ends anyway.
   */
  readonly private: number;
}

export interface PhaseMemory {
  /** The `netguardian serve` process. */
  readonly serve: Memory;
  /** The device's PostgreSQL server, PSS summed over its processes. */
  readonly serverPss: number;
  /** The page's renderer process, while a page is open. */
  readonly renderer?: Memory;
  /** The 1-minute load average at the phase's first reading. */
  readonly load: number;
}

export interface WindowResults {
  readonly files: number;
  readonly noPage: PhaseMemory;
  readonly pageOpen: PhaseMemory & { readonly renderer: Memory };
  readonly pageClosed: PhaseMemory;
  /** Whether the page's renderer process had ended when the closed-page phase was read. */
  readonly rendererEnded: boolean;
  /** The serve process's peak resident set over the whole run (VmHWM), bytes. */
  readonly servePeakRss: number;
  /** Whether serve ran from the CLI bundle (what users run), not the sources through tsx. */
  readonly fromBundle: boolean;
  readonly quiet: QuietWait;
  readonly seconds: number;
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function rollup(pid: number): Promise<Memory> {
  const file = `/proc/${pid}/smaps_rollup`;
  const text = await readFile(file, 'utf8');
  const kib = (field: string) => {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
    if (!m) throw new Error(`no ${field} in ${file}`);
    return Number(m[1]) * 1024;
  };
  return {
    rss: kib('Rss'),
    pss: kib('Pss'),
    private: kib('Private_Dirty'),
  };
}

/** The median of `readings` readings of a process's memory, one a second. */
async function readMemory(pid: number, readings: number): Promise<Memory> {
  const read: Memory[] = [];
  for (let i = 0; i < readings; i++) {
    if (i > 0) await sleep(1_000);
    read.push(await rollup(pid));
  }
  return {
    rss: median(read.map((m) => m.rss)),
    pss: median(read.map((m) => m.pss)),
    private: median(read.map((m) => m.private)),
  };
}

async function readPhase(
  serve: ServeProcess,
  dataDir: string,
  sizes: WindowSizes,
  rendererPid?: number,
): Promise<PhaseMemory> {
  await sleep(sizes.settleMs);
  const load = loadNow();
  // Read side by side, so both see the same moment of the page's life.
  const [serveMemory, renderer] = await Promise.all([
    readMemory(serve.pid, sizes.readings),
    rendererPid === undefined ? undefined : readMemory(rendererPid, sizes.readings),
  ]);
  const server = await deviceServerMemory(dataDir);
  return {
    serve: serveMemory,
    serverPss: server.pss,
    ...(renderer === undefined ? {} : { renderer }),
    load,
  };
}

/**
 * The process rendering `page`'s main frame: a short trace names it (TracingStartedInBrowser
 * lists each frame with its processId). Chromium keeps spare renderers around, so "the newest
 * renderer" would not do.
 */
async function rendererPidOf(browser: Browser, page: Page): Promise<number> {
  await browser.startTracing(page, {
    categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'],
  });
  const trace = JSON.parse((await browser.stopTracing()).toString('utf8')) as {
    traceEvents: {
      name: string;
      args?: { data?: { frames?: { processId?: number; isOutermostMainFrame?: boolean }[] } };
    }[];
  };
  for (const e of trace.traceEvents) {
    if (e.name !== 'TracingStartedInBrowser') continue;
    const main = e.args?.data?.frames?.find((f) => f.isOutermostMainFrame === true);
    if (main?.processId !== undefined) return main.processId;
  }
  throw new Error('the trace names no renderer process for the page');
}

/** Opens the served UI and waits until the Files screen's list has rendered. */
async function openFilesScreen(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  // A string, not a function: bundlers' helpers (e.g. __name) don't exist in the page.
  await page.addInitScript(`window.addEventListener('netguardian:files-rendered', () => {
    window.__filesRendered = true;
  });`);
  await page.goto(url);
  // An evaluate, not waitForFunction: the app's CSP forbids the eval that one needs.
  await page.evaluate(`new Promise((resolve) => {
    if (window.__filesRendered) return resolve(true);
    window.addEventListener('netguardian:files-rendered', () => resolve(true));
  })`);
  return page;
}

export async function runWindowSuite(options: {
  readonly workDir: string;
  readonly sizes: WindowSizes;
  readonly log: (message: string) => void;
}): Promise<WindowResults> {
  const { workDir, sizes, log } = options;
  const started = performance.now();
  await buildCli();
  const root = path.join(workDir, 'device');
  const folder = path.join(root, 'laptop', 'folder');
  await mkdir(folder, { recursive: true });
  for (const dir of [root, path.join(root, 'laptop'), path.join(root, 'laptop', 'data')])
    await makeServerEnterable(dir);
  log(`window: writing ${sizes.tree.smallFiles + sizes.tree.bigFiles} files, netguardian init`);
  const tree = await writeTree(folder, sizes.tree, 'window-bench');
  const { dataDir } = await initDevice({ name: 'laptop', root, spaceId: 'window-bench' });

  // Chromium starts before the first phase and stays: only the page comes and goes.
  const browser = await launchChromium();
  let serve: ServeProcess | undefined;
  try {
    serve = await startServe(dataDir);
    const fromBundle = cliBundleIsFresh();
    const quiet = await waitForQuiet(sizes.maxQuietWaitMs, log);
    log('window: no page connected');
    const noPage = await readPhase(serve, dataDir, sizes);
    log('window: a page on the Files screen');
    const page = await openFilesScreen(browser, serve.url);
    const rendererPid = await rendererPidOf(browser, page);
    const open = await readPhase(serve, dataDir, sizes, rendererPid);
    if (open.renderer === undefined) throw new Error('no renderer reading');
    log('window: the page closed again');
    await page.close();
    const pageClosed = await readPhase(serve, dataDir, sizes);
    const rendererEnded = !existsSync(`/proc/${rendererPid}`);
    const servePeakRss = (await processMemory(serve.pid)).peakRss;
    return {
      files: tree.files,
      noPage,
      pageOpen: { ...open, renderer: open.renderer },
      pageClosed,
      rendererEnded,
      servePeakRss,
      fromBundle,
      quiet,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await browser.close();
    await serve?.stop();
  }
}
