/**
 * The crash test's work and what it must lead to. Each round a writer device gets a seeded batch
 * of whole files (new or overwritten small files, a few multi-MiB ones) and deletes in its folder;
 * the other device may change a few of the same files at the same moment. Paths come from a fixed
 * pool, so the folders stay a few hundred files however many rounds run (this disk is slow to
 * create files after mass deletes: nothing is created and deleted wholesale).
 *
 * `FolderModel` is the spec's outcome, written out per path: a file written on one device ends on
 * both at its content; a file changed on both at once ends with one version at its path and the
 * other beside it as a conflict copy (docs/ARCHITECTURE.md §5), nothing lost.
 */
import { createHash } from 'node:crypto';
import { mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isConflictCopyPath } from '../../../src-shared/conflictNames.js';
import type { Prng } from '../../convergence/prng.js';
import type { Tree } from '../../folderSync/support/folderTree.js';

const SMALL_DIRS = 6;
const SMALL_PER_DIR = 60;
const BIG_SLOTS = 5;
const MIB = 1024 * 1024;
/** Our temp files' names start so (the materializer's `.ng-tmp-<hex>[-n]`). */
export const TEMP_PREFIX = '.ng-tmp-';

export interface FileBody {
  readonly path: string;
  readonly bytes: Buffer;
  readonly hash: string;
}

/** Same path, one version per device. */
export interface ConcurrentEdit {
  readonly writer: FileBody;
  readonly other: FileBody;
}

export interface RoundWork {
  /** Whole files the writer's folder gets. */
  readonly writes: readonly FileBody[];
  /** Files removed from the writer's folder. */
  readonly deletes: readonly string[];
  /** Files changed on both devices before either syncs. */
  readonly concurrent: readonly ConcurrentEdit[];
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Seeded bytes, unique to (round, path, side) by their first line. */
function body(rng: Prng, round: number, p: string, side: string, size: number): FileBody {
  const head = Buffer.from(`round ${round} ${side} ${p}\n`);
  const bytes = Buffer.alloc(Math.max(size, head.length));
  head.copy(bytes);
  let i = head.length;
  for (; i + 4 <= bytes.length; i += 4) bytes.writeUInt32LE(rng.uint32(), i);
  for (; i < bytes.length; i += 1) bytes[i] = rng.uint32() & 0xff;
  return { path: p, bytes, hash: sha256(bytes) };
}

const smallPath = (d: number, f: number) => `s${d}/f${String(f).padStart(3, '0')}.txt`;
const bigPath = (n: number) => `big/b${n}.bin`;

/** Up to `n` distinct items of `items`, seeded. */
function sample<T>(rng: Prng, items: readonly T[], n: number): T[] {
  const pool = [...items];
  const out: T[] = [];
  while (out.length < n && pool.length > 0)
    out.push(pool.splice(rng.int(0, pool.length - 1), 1)[0] as T);
  return out;
}

/**
 * A round's work, sizes and counts seeded. `existing`: the files both devices hold now;
 * `retired`: paths left alone for good (see `FolderModel.retired`).
 */
export function planWork(
  rng: Prng,
  round: number,
  pool: { readonly existing: readonly string[]; readonly retired: ReadonlySet<string> },
  options: { readonly concurrent: boolean },
): RoundWork {
  const small = Array.from({ length: SMALL_DIRS * SMALL_PER_DIR }, (_, i) =>
    smallPath(Math.floor(i / SMALL_PER_DIR), i % SMALL_PER_DIR),
  ).filter((p) => !pool.retired.has(p));
  const have = new Set(pool.existing);
  const smallExisting = small.filter((p) => have.has(p));
  const concurrentPaths = options.concurrent ? sample(rng, smallExisting, rng.int(1, 2)) : [];
  const taken = new Set(concurrentPaths);
  const deletes = sample(
    rng,
    smallExisting.filter((p) => !taken.has(p)),
    rng.int(0, 8),
  );
  for (const p of deletes) taken.add(p);
  const writes = [
    ...sample(
      rng,
      small.filter((p) => !taken.has(p)),
      rng.int(150, 260),
    ).map((p) => body(rng, round, p, 'w', rng.int(40, 6_000))),
    ...sample(
      rng,
      Array.from({ length: BIG_SLOTS }, (_, n) => bigPath(n)),
      rng.int(2, 3),
    ).map((p) => body(rng, round, p, 'w', rng.int(2 * MIB, 4 * MIB))),
  ];
  const concurrent = concurrentPaths.map((p) => ({
    writer: body(rng, round, p, 'w', rng.int(40, 3_000)),
    other: body(rng, round, p, 'o', rng.int(40, 3_000)),
  }));
  return { writes, deletes, concurrent };
}

/**
 * Puts files in a folder whole: written in `staging` (same file system, outside the folder), then
 * renamed in, so the device never sees a half-written file of ours.
 */
export async function placeFiles(
  folder: string,
  staging: string,
  files: readonly FileBody[],
): Promise<void> {
  let n = 0;
  for (const f of files) {
    const staged = path.join(staging, `file-${n++}`);
    await writeFile(staged, f.bytes);
    const target = path.join(folder, ...f.path.split('/'));
    await mkdir(path.dirname(target), { recursive: true });
    await rename(staged, target);
  }
}

export async function removeFiles(folder: string, paths: readonly string[]): Promise<void> {
  for (const p of paths) await unlink(path.join(folder, ...p.split('/')));
}

interface Expected {
  readonly hash: string;
  readonly size: number;
}

/** Two versions of a path: one must end at the path, the other as its conflict copy. */
interface OpenConflict {
  readonly path: string;
  readonly versions: readonly [Expected, Expected];
}

const entry = (e: Expected) => `file ${e.hash} -`;

/** Whether `copy` is a conflict copy of `p` (`<dir>/<stem>.conflict-<node>-<time><ext>`). */
function isCopyOf(copy: string, p: string): boolean {
  const slash = p.lastIndexOf('/');
  const name = p.slice(slash + 1);
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name;
  const ext = dot > 0 ? name.slice(dot) : '';
  const prefix = `${p.slice(0, slash + 1)}${stem}.conflict-`;
  return copy.startsWith(prefix) && copy.endsWith(ext) && isConflictCopyPath(copy);
}

/** What both folders must hold (see the module comment). */
export class FolderModel {
  private readonly files = new Map<string, Expected>();
  private open: OpenConflict[] = [];

  /** A conflict copy of `p` not known yet (copies of earlier conflicts are ordinary files now). */
  private isNewCopyOf(copy: string, p: string): boolean {
    return !this.files.has(copy) && isCopyOf(copy, p);
  }

  /**
   * Paths once changed on both devices. Their conflict stays open until someone resolves it
   * (ARCHITECTURE §5): the losing version stays a sibling, so a later edit on the device whose
   * version won is concurrent with it again, and a later delete loses to it (a lost delete, §6).
   * The model does not follow a register's siblings past the first conflict: those paths get no
   * more work.
   */
  readonly retired = new Set<string>();

  /** Files both devices hold once the last round settled. */
  paths(): string[] {
    return [...this.files.keys()];
  }

  /** Records a round's work as done on disk (the writer's files, both sides of each edit). */
  apply(work: RoundWork): void {
    for (const f of work.writes) this.files.set(f.path, { hash: f.hash, size: f.bytes.length });
    for (const p of work.deletes) this.files.delete(p);
    for (const c of work.concurrent) {
      this.files.delete(c.writer.path);
      this.retired.add(c.writer.path);
      this.open.push({
        path: c.writer.path,
        versions: [
          { hash: c.writer.hash, size: c.writer.bytes.length },
          { hash: c.other.hash, size: c.other.bytes.length },
        ],
      });
    }
  }

  /**
   * Whether a folder's files (path → size, from a cheap walk) can match: worth hashing. Used to
   * poll for convergence without hashing every file each time.
   */
  mayMatch(sizes: ReadonlyMap<string, number>): boolean {
    for (const [p, e] of this.files) if (sizes.get(p) !== e.size) return false;
    for (const c of this.open) {
      if (!sizes.has(c.path)) return false;
      const copies = [...sizes.keys()].filter((q) => this.isNewCopyOf(q, c.path));
      if (copies.length !== 1) return false;
    }
    for (const p of sizes.keys()) if (p.split('/').pop()?.startsWith(TEMP_PREFIX)) return false;
    return true;
  }

  /**
   * What is wrong with a folder's tree (`folderTree`): each expected file at its content, each
   * open conflict as one version at the path and the other as its copy, nothing else but
   * folders, no temp file of ours. Empty when it matches.
   */
  problems(label: string, tree: Tree): string[] {
    const out: string[] = [];
    const known = new Set<string>();
    for (const [p, e] of this.files) {
      known.add(p);
      if (tree[p] !== entry(e))
        out.push(`${label}: ${p} is ${tree[p] ?? 'missing'}, expected ${entry(e)}`);
    }
    for (const c of this.open) {
      known.add(c.path);
      const [x, y] = c.versions;
      const copies = Object.keys(tree).filter((q) => this.isNewCopyOf(q, c.path));
      for (const q of copies) known.add(q);
      const at = tree[c.path];
      const loser = at === entry(x) ? y : at === entry(y) ? x : undefined;
      if (loser === undefined) {
        out.push(
          `${label}: ${c.path} (changed on both devices) is ${at ?? 'missing'}, expected ${entry(x)} or ${entry(y)}`,
        );
        continue;
      }
      const holding = copies.filter((q) => tree[q] === entry(loser));
      if (holding.length !== 1 || copies.length !== 1)
        out.push(
          `${label}: ${c.path} (changed on both devices) has conflict copies [${copies.map((q) => `${q}: ${tree[q]}`).join(', ')}], expected one holding ${entry(loser)}`,
        );
    }
    for (const [p, v] of Object.entries(tree)) {
      if (p.split('/').pop()?.startsWith(TEMP_PREFIX)) out.push(`${label}: temp file ${p} left`);
      else if (v.startsWith('file ') && !known.has(p)) out.push(`${label}: unexpected file ${p}`);
    }
    return out;
  }

  /** The open conflicts settled as `tree` shows them: winner at the path, loser at its copy. */
  settle(tree: Tree): void {
    for (const c of this.open) {
      const copy = Object.keys(tree).find((q) => this.isNewCopyOf(q, c.path));
      const [x, y] = c.versions;
      const winner = tree[c.path] === entry(x) ? x : y;
      this.files.set(c.path, winner);
      if (copy !== undefined) this.files.set(copy, winner === x ? y : x);
    }
    this.open = [];
  }
}
