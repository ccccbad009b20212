/**
 * The hook `bench/run.ts` calls: times the CLI's commands (cliSuite.ts) with devices joined to a
 * `netguardian hub start` process on a fresh database of the bench's PostgreSQL server, and
 * returns the section for the terminal and for BENCHMARKS.md.
 */
import { randomBytes } from 'node:crypto';
import { buildCli } from '../folder/daemon.js';
import { HubProcess } from '../folder/hubProcess.js';
import type { ScratchDirs } from '../folder/scratchDirs.js';
import type { PgServer } from '../support/postgres.js';
import { cliMarkdown, cliText } from './cliReport.js';
import { FULL_CLI_SIZES, QUICK_CLI_SIZES, runCliSuite, type CliResults } from './cliSuite.js';

export interface CliSection {
  readonly results: CliResults;
  readonly text: string;
  readonly markdown: string;
}

export async function runCliSection(options: {
  readonly server: PgServer;
  readonly quick: boolean;
  /** Where the devices' folders go; the caller removes them (scratchDirs.ts says when). */
  readonly scratch: ScratchDirs;
  readonly log?: (message: string) => void;
}): Promise<CliSection> {
  // The hub runs from the CLI bundle as the daemons do: built first when stale.
  await buildCli();
  const db = await options.server.createDatabase('ng_bench_cli_hub');
  let hub: HubProcess | undefined;
  try {
    hub = await HubProcess.start({
      dir: await options.scratch.make('ng-bench-cli-hub-'),
      databaseUrl: db.url,
    });
    const results = await runCliSuite({
      hub,
      spaceId: `bench-cli-${randomBytes(3).toString('hex')}`,
      sizes: options.quick ? QUICK_CLI_SIZES : FULL_CLI_SIZES,
      scratch: options.scratch,
      ...(options.log ? { log: options.log } : {}),
    });
    return { results, text: cliText(results), markdown: cliMarkdown(results) };
  } finally {
    try {
      await hub?.close();
    } finally {
      await db.drop();
    }
  }
}
