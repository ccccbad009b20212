/**
 * The scale comparison (issue 14 point 6): on each tree, a `cp -r` of it, NetGuardian and
 * Syncthing, in that order, each on a tree written fresh from the same seed in new dirs. Nothing
 * is deleted until the whole bench is done (scratchDirs.ts: creating files right after a mass
 * deletion is up to 30× slower on this disk). Before each timed step the bench waits, bounded,
 * for a quiet machine (quiet.ts).
 */
import path from 'node:path';
import { timeCpR, writeBack } from '../folder/commands.js';
import type { ScratchDirs } from '../folder/scratchDirs.js';
import { REFERENCE_TREE, writeTree, type TreeShape } from '../folder/tree.js';
import { runNetGuardianSide } from './netguardianSide.js';
import { waitForQuiet, type QuietWait } from './quiet.js';
import type { SideResult } from './sideResult.js';
import { runSyncthingSide } from './syncthingSide.js';

export const SCALE_TREES = {
  '10k': REFERENCE_TREE,
  '100k': { smallFiles: 100_000, dirs: 1_000, bigFiles: 0, bigBytes: 0 },
  '1M': { smallFiles: 1_000_000, dirs: 10_000, bigFiles: 0, bigBytes: 0 },
} as const satisfies Record<string, TreeShape>;

export type TreeName = keyof typeof SCALE_TREES;

export interface TreeResult {
  readonly name: TreeName;
  readonly shape: TreeShape;
  readonly files: number;
  readonly bytes: number;
  readonly cp: { readonly ms: number; readonly quiet: QuietWait };
  readonly netguardian: SideResult;
  readonly syncthing: SideResult;
}

export interface ScaleResults {
  readonly syncthingVersion: string;
  readonly date: string;
  readonly trees: readonly TreeResult[];
  readonly elapsedMs: number;
}

export async function runScaleTree(options: {
  readonly name: TreeName;
  readonly scratch: ScratchDirs;
  readonly maxQuietWaitMs: number;
  readonly log: (m: string) => void;
}): Promise<TreeResult> {
  const { name, scratch, log } = options;
  const shape = SCALE_TREES[name];
  const seed = `scale-${name}`;
  const common = { shape, seed, scratch, maxQuietWaitMs: options.maxQuietWaitMs, log };

  log(`scale ${name}: cp -r baseline`);
  const src = path.join(await scratch.make('scale-cp-src-'), 'tree');
  const stats = await writeTree(src, shape, seed);
  await writeBack();
  const cpQuiet = await waitForQuiet(options.maxQuietWaitMs, log);
  const cpMs = await timeCpR(src, path.join(await scratch.make('scale-cp-dst-'), 'copy'));
  log(`scale ${name}: cp -r ${(cpMs / 1000).toFixed(2)} s`);

  log(`scale ${name}: NetGuardian`);
  const netguardian = await runNetGuardianSide(common);
  log(`scale ${name}: Syncthing`);
  const syncthing = await runSyncthingSide(common);
  return {
    name,
    shape,
    files: stats.files,
    bytes: stats.bytes,
    cp: { ms: cpMs, quiet: cpQuiet },
    netguardian,
    syncthing,
  };
}
