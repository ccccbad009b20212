/**
 * The benchmark tree, built in Node from a seed (no Python, no shared folder): the shape of
 * /work/shared/bench/make-tree.py, `small/dNNN/fNNNNN.bin` (1–4 KiB each, spread over the
 * folders round robin) plus `big/bigNN.bin`. The bytes come from AES-128-CTR keyed by the seed, a
 * fast deterministic stream: the same seed gives the same tree on every run. (They are not
 * make-tree.py's bytes, which come from Python's Mersenne Twister; only the shape matters for
 * timing random, incompressible content.)
 *
 * `treeDigest` is what "identical" means: the number of files, their bytes, and one SHA-256 over
 * every relative path with the SHA-256 of its content, in path order.
 */
import { createCipheriv, createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MARKER_FILE } from '../../src-main/core/files/folderMarker.js';

export interface TreeShape {
  readonly smallFiles: number;
  readonly dirs: number;
  readonly bigFiles: number;
  readonly bigBytes: number;
}

/** make-tree.py's defaults: 10,000 files of 1–4 KiB in 100 folders plus 20 × 4 MiB. */
export const REFERENCE_TREE: TreeShape = {
  smallFiles: 10_000,
  dirs: 100,
  bigFiles: 20,
  bigBytes: 4 * 1024 * 1024,
};

const SMALL_MIN = 1024;
const SMALL_MAX = 4096;
/** Files written at once while building a tree. */
const WRITE_CONCURRENCY = 16;

/** A seeded stream of pseudo-random bytes (AES-128-CTR over zeros). */
export class SeededBytes {
  private readonly cipher;

  constructor(seed: string) {
    const key = createHash('sha256').update(`netguardian-bench:${seed}`).digest();
    this.cipher = createCipheriv('aes-128-ctr', key.subarray(0, 16), key.subarray(16, 32));
  }

  next(length: number): Buffer {
    return this.cipher.update(Buffer.alloc(length));
  }

  /** An integer in [min, max], uniform enough for file sizes. */
  int(min: number, max: number): number {
    return min + (this.next(4).readUInt32LE(0) % (max - min + 1));
  }
}

export interface TreeStats {
  readonly files: number;
  readonly bytes: number;
}

/** Runs `work` over `items`, `concurrency` at a time. */
export async function forEachConcurrent<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/** Writes the tree into `root` (created if needed). Sizes and bytes depend only on `seed`. */
export async function writeTree(root: string, shape: TreeShape, seed: string): Promise<TreeStats> {
  const rnd = new SeededBytes(seed);
  for (let d = 0; d < shape.dirs; d++)
    await mkdir(path.join(root, 'small', `d${String(d).padStart(3, '0')}`), { recursive: true });
  const files: { rel: string; data: Buffer }[] = [];
  let bytes = 0;
  for (let i = 0; i < shape.smallFiles; i++) {
    const data = rnd.next(rnd.int(SMALL_MIN, SMALL_MAX));
    const dir = `d${String(i % shape.dirs).padStart(3, '0')}`;
    files.push({ rel: `small/${dir}/f${String(i).padStart(5, '0')}.bin`, data });
    bytes += data.length;
  }
  await forEachConcurrent(files, WRITE_CONCURRENCY, (f) =>
    writeFile(path.join(root, ...f.rel.split('/')), f.data),
  );
  if (shape.bigFiles > 0) await mkdir(path.join(root, 'big'), { recursive: true });
  for (let j = 0; j < shape.bigFiles; j++) {
    await writeFile(
      path.join(root, 'big', `big${String(j).padStart(2, '0')}.bin`),
      rnd.next(shape.bigBytes),
    );
    bytes += shape.bigBytes;
  }
  return { files: shape.smallFiles + shape.bigFiles, bytes };
}

/**
 * Relative POSIX paths of the regular files under `root`, sorted; `skip` prunes names (files and
 * folders). The folder's marker (each device's own, never synced) is never listed.
 */
export async function listFiles(
  root: string,
  skip: (name: string) => boolean = () => false,
): Promise<string[]> {
  const out: string[] = [];
  const stack = [''];
  for (let guard = 0; stack.length > 0 && guard < 10_000_000; guard++) {
    const rel = stack.pop() as string;
    for (const entry of await readdir(path.join(root, rel), { withFileTypes: true })) {
      if (skip(entry.name)) continue;
      const child = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (child === MARKER_FILE) continue;
      if (entry.isDirectory()) stack.push(child);
      else if (entry.isFile()) out.push(child);
    }
  }
  return out.sort();
}

export async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const buf of createReadStream(file, {
    highWaterMark: 1024 * 1024,
  }) as AsyncIterable<Buffer>)
    hash.update(buf);
  return hash.digest('hex');
}

export interface TreeDigest extends TreeStats {
  /** SHA-256 over `path \0 sha256(content) \n` for every file in path order. */
  readonly digest: string;
}

/** Files, bytes and one digest of every path and content under `root` (`skip`: as `listFiles`). */
export async function treeDigest(
  root: string,
  skip: (name: string) => boolean = () => false,
): Promise<TreeDigest> {
  const files = await listFiles(root, skip);
  const hashes = new Array<string>(files.length);
  let bytes = 0;
  await forEachConcurrent(
    files.map((rel, i) => ({ rel, i })),
    8,
    async ({ rel, i }) => {
      const hash = createHash('sha256');
      for await (const buf of createReadStream(path.join(root, ...rel.split('/')), {
        highWaterMark: 1024 * 1024,
      }) as AsyncIterable<Buffer>) {
        hash.update(buf);
        bytes += buf.length;
      }
      hashes[i] = hash.digest('hex');
    },
  );
  const all = createHash('sha256');
  files.forEach((rel, i) => all.update(`${rel}\0${hashes[i] as string}\n`));
  return { files: files.length, bytes, digest: all.digest('hex') };
}
