/**
 * Folders as a person changes them, and the seed that makes a run's changes replayable.
 */
import { randomInt } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { MARKER_FILE } from '../../../src-main/core/files/folderMarker.js';
import { Prng } from '../../convergence/prng.js';
import { folderTree, pollUntil, type Tree } from '../../folderSync/support/folderTree.js';

/**
 * The run's seed: NG_SEED when given, else a random one, printed with the command that replays it.
 */
export function seededPrng(testFile: string): { seed: number; prng: Prng } {
  const given = process.env['NG_SEED'];
  const seed = given !== undefined && given !== '' ? Number(given) : randomInt(2 ** 31);
  if (!Number.isSafeInteger(seed)) throw new Error(`NG_SEED must be an integer, not ${given}`);
  console.log(`seed ${seed}: replay with NG_SEED=${seed} npx vitest run --project int ${testFile}`);
  return { seed, prng: new Prng(seed) };
}

/** Text of about `lines` lines that no other write of the run has (its label is unique). */
export function uniqueText(label: string, prng: Prng, lines = prng.int(1, 120)): string {
  const line = `${label} ${prng.hex64()}\n`;
  return line.repeat(lines);
}

/** Files under `root` (relative, `/`-separated), our temp files and the folder's marker left out. */
export async function listFiles(root: string): Promise<string[]> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      const entries = await readdir(root, { recursive: true, withFileTypes: true });
      return entries
        .filter((e) => e.isFile() && !e.name.startsWith('.ng-tmp-'))
        .map((e) => path.relative(root, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
        .filter((rel) => rel !== MARKER_FILE)
        .sort();
    } catch (e) {
      // A folder the device removed while the walk was in it.
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 5) throw e;
    }
  }
}

/** Waits (bounded) until every folder holds the same tree; returns it. */
export function waitForSameTree(
  folders: readonly string[],
  { timeoutMs = 90_000, what = 'the folders to hold the same tree' } = {},
): Promise<Tree> {
  let last = '';
  return pollUntil(
    what,
    async () => {
      const trees = await Promise.all(folders.map((f) => folderTree(f)));
      const first = JSON.stringify(trees[0]);
      const other = trees.findIndex((t) => JSON.stringify(t) !== first);
      if (other < 0) return trees[0];
      last = treeDifference(trees[0] ?? {}, trees[other] ?? {});
      return undefined;
    },
    { timeoutMs, intervalMs: 200 },
  ).catch((e: unknown) => {
    throw new Error(`${(e as Error).message}; last difference: ${last}`);
  });
}

/** The first few entries two trees disagree on, for failure messages. */
export function treeDifference(a: Tree, b: Tree): string {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys
    .filter((k) => a[k] !== b[k])
    .slice(0, 6)
    .map((k) => `${k}: ${a[k] ?? 'missing'} vs ${b[k] ?? 'missing'}`)
    .join('; ');
}
