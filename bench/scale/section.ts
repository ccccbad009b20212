/**
 * The hook `bench/run.ts` calls: NetGuardian and Syncthing side by side on each tree
 * (scaleSuite.ts), Syncthing installed first when missing. Returns the section for the terminal
 * and for BENCHMARKS.md.
 */
import { buildCli } from '../folder/daemon.js';
import type { ScratchDirs } from '../folder/scratchDirs.js';
import { scaleMarkdown, scaleText } from './scaleReport.js';
import { runScaleTree, type ScaleResults, type TreeName, type TreeResult } from './scaleSuite.js';
import { ensureSyncthing } from './syncthing.js';

export const SCALE_HEADING = '## Scale: NetGuardian and Syncthing';

export interface ScaleSection {
  readonly results: ScaleResults;
  readonly text: string;
  readonly markdown: string;
}

export async function runScaleSection(options: {
  readonly trees: readonly TreeName[];
  /** The longest wait for a quiet machine before each timed step. */
  readonly maxQuietWaitMs: number;
  /** Where the trees go; the caller removes them when the whole bench is done. */
  readonly scratch: ScratchDirs;
  readonly log: (message: string) => void;
}): Promise<ScaleSection> {
  const started = performance.now();
  const syncthingVersion = ensureSyncthing(options.log);
  await buildCli();
  const trees: TreeResult[] = [];
  for (const name of options.trees) trees.push(await runScaleTree({ ...options, name }));
  const results: ScaleResults = {
    syncthingVersion: syncthingVersion.split(' ').slice(0, 2).join(' '),
    date: new Date().toISOString(),
    trees,
    elapsedMs: performance.now() - started,
  };
  return { results, text: scaleText(results), markdown: scaleMarkdown(results) };
}
