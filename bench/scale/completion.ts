/**
 * What "B has the tree" means for both products alike: every file of A's tree is in B's folder
 * at its final name with its size (polled cheaply, PresenceCheck), then the bytes are compared:
 * every file up to `FULL_COMPARE_MAX` files, an even sample of `SAMPLE` files above (reading a
 * million files twice would take longer than the sync). The byte compare is not timed.
 */
import { lstat, readFile } from 'node:fs/promises';
import path from 'node:path';
import { listFiles, forEachConcurrent } from '../folder/tree.js';
import { PresenceCheck } from '../folder/waits.js';

const FULL_COMPARE_MAX = 20_000;
const SAMPLE = 2_000;

export interface ExpectedTree {
  readonly root: string;
  readonly files: readonly string[];
  readonly sizes: ReadonlyMap<string, number>;
  readonly bytes: number;
}

/** A's files and their sizes (Syncthing's `.stfolder` marker holds none). */
export async function expectedTree(root: string): Promise<ExpectedTree> {
  const files = await listFiles(root);
  const sizes = new Map<string, number>();
  let bytes = 0;
  await forEachConcurrent(files, 16, async (rel) => {
    const size = (await lstat(path.join(root, ...rel.split('/')))).size;
    sizes.set(rel, size);
    bytes += size;
  });
  return { root, files, sizes, bytes };
}

export const presenceOn = (folder: string, tree: ExpectedTree) =>
  new PresenceCheck(folder, tree.files, tree.sizes);

/** How many of the compared files differ between A's tree and `folder`, and how many were compared. */
export async function compareBytes(
  tree: ExpectedTree,
  folder: string,
): Promise<{ compared: number; differing: number }> {
  const step = tree.files.length <= FULL_COMPARE_MAX ? 1 : Math.ceil(tree.files.length / SAMPLE);
  const picked = tree.files.filter((_, i) => i % step === 0);
  let differing = 0;
  await forEachConcurrent(picked, 8, async (rel) => {
    const parts = rel.split('/');
    const [a, b] = await Promise.all([
      readFile(path.join(tree.root, ...parts)),
      readFile(path.join(folder, ...parts)),
    ]);
    if (!a.equals(b)) differing += 1;
  });
  return { compared: picked.length, differing };
}
