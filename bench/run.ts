/**
 * `npm run bench`: measures NetGuardian's device store (PGlite before issue 11, the device's own
 * PostgreSQL server after it) and a PostgreSQL server, folder sync, the command line and the
 * desktop UI; prints the results and writes BENCHMARKS.md.
 *
 *   npm run bench                  full sizes (a few minutes), writes BENCHMARKS.md
 *   npm run bench -- --quick       small sizes, prints only (for a quick look while working)
 *   npm run bench -- --only scale  one section (store, folder, cli, ui, listing, churn, scan,
 *                                  window, journey, hubload or scale);
 *                                  `--only` scale, listing, churn, scan, window, journey or
 *                                  hubload at full sizes replaces only its section of
 *                                  BENCHMARKS.md, any other prints only
 *   npm run bench -- --scale       the scale section also on 1,000,000 files (hours)
 *   ... --scale-sizes 10k,100k     the scale section on these trees only (prints only)
 *   ... --quiet-wait 300           the longest wait, in seconds, for a quiet machine before each
 *                                  timed step of the scale section (default 300)
 *
 * The server is DATABASE_URL if set (fresh databases are created in it and dropped after),
 * otherwise a throwaway embedded PostgreSQL. All traffic stays on 127.0.0.1.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { runCliSection } from './cli/section.js';
import { ScratchDirs } from './folder/scratchDirs.js';
import { runFolderSection } from './folder/section.js';
import { describeMachine } from './machine.js';
import { beforeAfterText, markdown, resultRows, targetsSummary, textTable } from './report.js';
import { FULL_SIZES, runSuite, type Sizes } from './suite.js';
import { openBenchServer } from './support/postgres.js';
import buildRenderer from '../e2e/support/buildRenderer.js';
import { runUiSection } from './ui/section.js';
import { runListingSection, LISTING_HEADING } from './listing/section.js';
import { runChurnSection, CHURN_HEADING } from './churn/section.js';
import { runScanSection, SCAN_HEADING } from './scan/section.js';
import { runWindowSection, WINDOW_HEADING } from './window/section.js';
import { runJourneySection, JOURNEY_HEADING } from './journey/section.js';
import { runScaleSection, SCALE_HEADING } from './scale/section.js';
import { runHubLoadSection, HUB_LOAD_HEADING } from './hubLoad/section.js';
import type { TreeName } from './scale/scaleSuite.js';
import { replaceSection } from './sections.js';

const QUICK_SIZES: Sizes = {
  writeOps: 100,
  writeWarmupOps: 10,
  smallSyncEvents: 100,
  smallSyncRuns: 3,
  smallRebuildEvents: 1_000,
  smallRebuildEntities: 100,
  smallRebuildRuns: 3,
  bigSyncEvents: 2_000,
  bigSyncRuns: 2,
  bigRebuildEvents: 10_000,
  bigRebuildEntities: 1_000,
  bigRebuildRuns: 2,
};

const SECTIONS = [
  'store',
  'folder',
  'cli',
  'ui',
  'listing',
  'churn',
  'scan',
  'window',
  'journey',
  'hubload',
  'scale',
] as const;
type Section = (typeof SECTIONS)[number];

/** The value after `flag` on the command line, if the flag is there. */
function flagValue(flag: string): string | undefined {
  const i = process.argv.indexOf(flag);
  if (i < 0) return undefined;
  const value = process.argv[i + 1];
  if (value === undefined || value.startsWith('--')) throw new Error(`${flag} needs a value`);
  return value;
}

function parseArgs() {
  const quick = process.argv.includes('--quick');
  const only = flagValue('--only');
  if (only !== undefined && !(SECTIONS as readonly string[]).includes(only))
    throw new Error(`--only ${only}: the sections are ${SECTIONS.join(', ')}`);
  const scaleSizes = flagValue('--scale-sizes');
  const trees: TreeName[] = scaleSizes
    ? scaleSizes.split(',').map((n) => {
        if (n !== '10k' && n !== '100k' && n !== '1M')
          throw new Error(`--scale-sizes ${scaleSizes}: the trees are 10k, 100k and 1M`);
        return n;
      })
    : process.argv.includes('--scale')
      ? ['10k', '100k', '1M']
      : ['10k', '100k'];
  const quietWait = Number(flagValue('--quiet-wait') ?? '300');
  if (!Number.isFinite(quietWait) || quietWait < 0)
    throw new Error('--quiet-wait needs a number of seconds');
  return {
    quick,
    runs: (section: Section) => only === undefined || only === section,
    only: only as Section | undefined,
    trees,
    /** Partial scale trees are for a look while working, not for BENCHMARKS.md. */
    scaleComplete: scaleSizes === undefined,
    maxQuietWaitMs: quietWait * 1000,
  };
}

async function main(): Promise<void> {
  const args = parseArgs();
  const { quick, runs } = args;
  const log = (m: string) => console.error(m);
  const file = join(dirname(fileURLToPath(import.meta.url)), '..', 'BENCHMARKS.md');
  // The folder, command-line and scale sections' folders are removed only when everything is
  // measured (and the store suite removes its stores only at its end): on this machine's
  // journal-less ext4, files created within minutes of a mass deletion cost up to 30x more
  // (bench/folder/scratchDirs.ts). The folder section comes first: it creates the most files.
  const scratch = new ScratchDirs();
  try {
    if (args.only === 'scale') {
      const scale = await runScaleSection({ ...args, scratch, log });
      console.log(scale.text);
      if (quick || !args.scaleComplete) log('BENCHMARKS.md left unchanged (partial run)');
      else {
        await writeFormatted(
          file,
          replaceSection(await readFile(file, 'utf8'), SCALE_HEADING, scale.markdown),
        );
        log(`wrote the scale section of ${file}`);
      }
      return;
    }
    const server = await openBenchServer(process.env['DATABASE_URL']);
    try {
      log(`PostgreSQL: ${server.source}`);
      const machine = await describeMachine(server);
      const folder = runs('folder')
        ? await runFolderSection({ server, quick, scratch, log })
        : undefined;
      if (runs('cli')) log('command line: timing --help and status');
      const cli = runs('cli') ? await runCliSection({ server, quick, scratch, log }) : undefined;
      const results = runs('store')
        ? await runSuite({ server, sizes: quick ? QUICK_SIZES : FULL_SIZES, log })
        : undefined;
      if (runs('ui') || runs('window')) {
        log('building the renderer for the UI and window sections');
        buildRenderer();
      }
      const ui = runs('ui') ? await runUiSection({ quick, log }) : undefined;
      const listing = runs('listing') ? await runListingSection({ server, quick, log }) : undefined;
      const churn = runs('churn') ? await runChurnSection({ server, quick, log }) : undefined;
      const scan = runs('scan')
        ? await runScanSection({ quick, scratch, maxQuietWaitMs: args.maxQuietWaitMs, log })
        : undefined;
      const windowSection = runs('window') ? await runWindowSection({ quick, log }) : undefined;
      const journey = runs('journey') ? await runJourneySection({ log }) : undefined;
      const hubLoad = runs('hubload')
        ? await runHubLoadSection({ quick, scratch, log })
        : undefined;
      // Run on its own at full size, the listing or the scan section replaces its part of
      // BENCHMARKS.md (the UI section has bench/ui/main.ts --write for the same).
      const alone =
        args.only === 'listing'
          ? listing
          : args.only === 'churn'
            ? churn
            : args.only === 'scan'
              ? scan
              : args.only === 'window'
                ? windowSection
                : args.only === 'journey'
                  ? journey
                  : args.only === 'hubload'
                    ? hubLoad
                    : undefined;
      if (alone && !quick) {
        console.log(alone.text);
        const heading =
          args.only === 'listing'
            ? LISTING_HEADING
            : args.only === 'churn'
              ? CHURN_HEADING
              : args.only === 'scan'
                ? SCAN_HEADING
                : args.only === 'window'
                  ? WINDOW_HEADING
                  : args.only === 'journey'
                    ? JOURNEY_HEADING
                    : HUB_LOAD_HEADING;
        await writeFormatted(
          file,
          replaceSection(await readFile(file, 'utf8'), heading, alone.markdown),
        );
        log(`wrote the ${args.only} section of ${file}`);
        return;
      }
      const scale = runs('scale') ? await runScaleSection({ ...args, scratch, log }) : undefined;
      if (results) {
        const rows = resultRows(results);
        console.log(textTable(rows));
        console.log(`\n${targetsSummary(rows)}\n\n${beforeAfterText(results)}`);
      }
      for (const section of [
        folder,
        cli,
        ui,
        listing,
        churn,
        scan,
        windowSection,
        journey,
        hubLoad,
        scale,
      ])
        if (section) console.log(`\n${section.text}`);
      if (quick || args.only !== undefined || !args.scaleComplete) {
        log('BENCHMARKS.md left unchanged (a quick or partial run)');
      } else if (
        results &&
        folder &&
        cli &&
        ui &&
        listing &&
        churn &&
        scan &&
        windowSection &&
        journey &&
        hubLoad &&
        scale
      ) {
        await writeFormatted(
          file,
          `${markdown(results, machine)}\n${folder.markdown}\n${cli.markdown}\n${ui.markdown}\n${listing.markdown}\n${churn.markdown}\n${scan.markdown}\n${windowSection.markdown}\n${journey.markdown}\n${hubLoad.markdown}\n${scale.markdown}`,
        );
        log(`wrote ${file}`);
      }
    } finally {
      await server.stop();
    }
  } finally {
    await scratch.removeAll();
  }
}

/** Formatted as the repository formats markdown, so `npm run format:check` stays clean. */
async function writeFormatted(file: string, text: string): Promise<void> {
  const options = (await prettier.resolveConfig(file)) ?? {};
  await writeFile(file, await prettier.format(text, { ...options, filepath: file }));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
