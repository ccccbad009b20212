/**
 * The hook `bench/run.ts` calls for the hub load section (issue 17 point 4): hubLoadSuite.ts at
 * full or quick sizes, then its tables for the terminal and for BENCHMARKS.md.
 */
import type { ScratchDirs } from '../folder/scratchDirs.js';
import { hubLoadMarkdown, hubLoadText, HUB_LOAD_HEADING } from './hubLoadReport.js';
import {
  FULL_HUB_LOAD,
  QUICK_HUB_LOAD,
  runHubLoadSuite,
  type HubLoadResults,
} from './hubLoadSuite.js';

export { HUB_LOAD_HEADING };

export interface HubLoadSection {
  readonly results: HubLoadResults;
  readonly text: string;
  readonly markdown: string;
}

export async function runHubLoadSection(options: {
  readonly quick: boolean;
  readonly scratch: ScratchDirs;
  readonly log: (message: string) => void;
}): Promise<HubLoadSection> {
  // On a machine others share: NETGUARDIAN_BENCH_HUB_LOAD_NICE=-10 gives the generator, the hub
  // processes and PostgreSQL that nice value (the section says so); started under `setsid` with
  // NETGUARDIAN_BENCH_AUTOGROUP=1, the bench's autogroup gets it too (hubCluster.ts).
  const nice = process.env['NETGUARDIAN_BENCH_HUB_LOAD_NICE'];
  const sizes = options.quick ? QUICK_HUB_LOAD : FULL_HUB_LOAD;
  if (nice !== undefined && !/^-?\d+$/.test(nice))
    throw new Error(
      `NETGUARDIAN_BENCH_HUB_LOAD_NICE must be a whole number from -20 to 19, not ${nice}`,
    );
  const results = await runHubLoadSuite({
    sizes:
      nice === undefined
        ? sizes
        : {
            ...sizes,
            nice: Number(nice),
            autogroup: process.env['NETGUARDIAN_BENCH_AUTOGROUP'] === '1',
          },
    scratch: options.scratch,
    log: options.log,
  });
  return { results, text: hubLoadText(results), markdown: hubLoadMarkdown(results) };
}
