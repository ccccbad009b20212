/**
 * Only the folder-sync section, for working on it: prints the table, writes nothing.
 *
 *   npx tsx bench/folder/main.ts            full sizes (the reference tree)
 *   npx tsx bench/folder/main.ts --quick    1,000 files, a 16 MiB file for (d)
 *   ... --markdown                          also print the BENCHMARKS.md section
 */
import { openBenchServer } from '../support/postgres.js';
import { runFolderSection } from './section.js';

async function main(): Promise<void> {
  const log = (m: string) => console.error(m);
  const server = await openBenchServer(process.env['DATABASE_URL']);
  try {
    log(`PostgreSQL: ${server.source}`);
    const section = await runFolderSection({
      server,
      quick: process.argv.includes('--quick'),
      log,
    });
    console.log(section.text);
    if (process.argv.includes('--markdown')) console.log(`\n${section.markdown}`);
  } finally {
    await server.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
