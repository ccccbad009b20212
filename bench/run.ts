/**
 * `npm run bench`: measures NetGuardian's device store (PGlite before issue 11, the device's own
 * PostgreSQL server after it) and a PostgreSQL server, folder sync, the command line and the
 * desktop UI; prints the results and writes BENCHMARKS.md.
 *
 *   npm run bench                  full sizes (a few minutes), writes BENCHMARKS.md
 *   npm run bench -- --quick       small sizes, prints only (for a quick look while working)
 *
 * The server is DATABASE_URL if set (fresh databases are created in it and dropped after),
 * otherwise a throwaway embedded PostgreSQL. All traffic stays on 127.0.0.1.
 */
import { writeFile } from 'node:fs/promises';
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

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const log = (m: string) => console.error(m);
  const server = await openBenchServer(process.env['DATABASE_URL']);
  // The folder and command-line sections' folders are removed only when everything is measured
  // (and the store suite removes its stores only at its end): on this machine's journal-less
  // ext4, files created within minutes of a mass deletion cost up to 30x more
  // (bench/folder/scratchDirs.ts). The folder section comes first: it creates the most files.
  const scratch = new ScratchDirs();
  try {
    log(`PostgreSQL: ${server.source}`);
    const machine = await describeMachine(server);
    const folder = await runFolderSection({ server, quick, scratch, log });
    log('command line: timing --help and status');
    const cli = await runCliSection({ server, quick, scratch, log });
    const results = await runSuite({ server, sizes: quick ? QUICK_SIZES : FULL_SIZES, log });
    log('building the renderer for the UI section');
    buildRenderer();
    const ui = await runUiSection({ quick, log });
    const rows = resultRows(results);
    console.log(textTable(rows));
    console.log(
      `\n${targetsSummary(rows)}\n\n${beforeAfterText(results)}\n\n${folder.text}\n\n${cli.text}\n\n${ui.text}`,
    );
    if (quick) {
      log('--quick: BENCHMARKS.md left unchanged');
    } else {
      const file = join(dirname(fileURLToPath(import.meta.url)), '..', 'BENCHMARKS.md');
      // Formatted as the repository formats markdown, so `npm run format:check` stays clean.
      const options = (await prettier.resolveConfig(file)) ?? {};
      await writeFile(
        file,
        await prettier.format(
          `${markdown(results, machine)}\n${folder.markdown}\n${cli.markdown}\n${ui.markdown}`,
          {
            ...options,
            filepath: file,
          },
        ),
      );
      log(`wrote ${file}`);
    }
  } finally {
    try {
      await scratch.removeAll();
    } finally {
      await server.stop();
    }
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
