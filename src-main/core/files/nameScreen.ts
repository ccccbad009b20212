import { readdirSync } from 'node:fs';
import path from 'node:path';
import { foldKey, nameProblem, type NameFolding } from '../../../src-shared/nameRules.js';
import { unsyncableMessages, type UnsyncableFile } from '../../../src-shared/unsyncable.js';
import { ancestorsOf } from './safePaths.js';
import { lstatQuiet } from './localIo.js';

/**
 * Before the materializer writes a batch: the received paths this device can't write under
 * their own name. Two kinds, both listed (remote side), never written:
 * - a name this platform refuses (`nameRules.ts`: `a:b.txt` on Windows);
 * - on a folder that does not tell case or Unicode normalization apart (`folderFolding.ts`), a
 *   path that would land on another one: a twin in the same batch (`A.txt` beside `a.txt`,
 *   `café` in NFC beside NFD), or a file or folder already here under another spelling. Writing
 *   it would replace the other file's content, and the scanner would then record the result
 *   under the spelling on disk: two devices' files mixed into one.
 * Of twins, the one already on disk (indexed) keeps its place, else the first by path. On a
 * folder that tells every name apart (Linux), only the platform's rules apply.
 */

export interface NameScreenInput {
  readonly rootReal: string;
  readonly platform: string;
  readonly folding: NameFolding;
  /** Valid entity ids, sorted. */
  readonly ids: readonly string[];
  /** Whether the store has the entity (a deleted one is only removed, never written). */
  readonly exists: (id: string) => boolean;
  /** Whether the index has the entity: it is on disk under this spelling. */
  readonly indexed: (id: string) => boolean;
  /**
   * Whether the store has the entity as deleted (in this batch): its spelling on disk does not
   * keep its place, so a case-only rename (`Readme.md` → `README.md`) is written, as a rename
   * of the entry (the materializer's `renameCase`), not refused as a collision.
   */
  readonly deleted?: (id: string) => boolean;
}

export interface NameScreenResult {
  /** The ids to settle. */
  readonly settle: string[];
  /** The present ids not written here, with why. */
  readonly refused: UnsyncableFile[];
}

const notAllowed = (id: string, why: string): UnsyncableFile => ({
  path: id,
  reason: 'name-not-allowed',
  message: unsyncableMessages.notAllowedHere(why),
  side: 'remote',
});

const collision = (id: string, other: string): UnsyncableFile => ({
  path: id,
  reason: 'name-collision',
  message: unsyncableMessages.collision(other),
  side: 'remote',
});

export function screenNames(input: NameScreenInput): NameScreenResult {
  const settle: string[] = [];
  const refused: UnsyncableFile[] = [];
  const allowed: string[] = [];
  for (const id of input.ids) {
    const why = nameProblem(id, input.platform);
    if (why === undefined) allowed.push(id);
    // A deleted entity under a name this device can't hold has nothing here to remove.
    else if (input.exists(id)) refused.push(notAllowed(id, why));
  }
  const { folding } = input;
  if (!folding.caseInsensitive && !folding.normalizationInsensitive)
    return { settle: allowed, refused };

  const disk = new DiskSpelling(input.rootReal, folding);
  // Each folded path (the path and every folder above it) → the spelling that holds it here.
  const taken = new Map<string, string>();
  const claim = (id: string): string | undefined => {
    for (const p of [...ancestorsOf(id), id]) {
      const key = foldKey(p, folding);
      const holder = taken.get(key);
      if (holder !== undefined && holder !== p) return holder;
    }
    for (const p of [...ancestorsOf(id), id]) taken.set(foldKey(p, folding), p);
    return undefined;
  };
  // What is on disk under its own spelling keeps its place (unless deleted); then the rest.
  const deleted = input.deleted ?? (() => false);
  const onDisk = allowed.filter((id) => input.indexed(id) && !deleted(id));
  for (const id of onDisk) claim(id);
  for (const id of allowed) {
    if (input.indexed(id)) {
      settle.push(id);
      continue;
    }
    const elsewhere = disk.otherSpelling(id);
    if (!input.exists(id)) {
      // Nothing of this deleted entity is here if the disk holds another spelling there.
      if (elsewhere === undefined) settle.push(id);
      continue;
    }
    const other =
      (elsewhere !== undefined && !deleted(elsewhere) ? elsewhere : undefined) ?? claim(id);
    if (other === undefined) settle.push(id);
    else refused.push(collision(id, other));
  }
  return { settle, refused };
}

/** Which spelling the disk holds for a path, on a folder that folds names (listings cached). */
class DiskSpelling {
  private readonly listings = new Map<string, readonly string[] | undefined>();

  constructor(
    private readonly rootReal: string,
    private readonly folding: NameFolding,
  ) {}

  /**
   * The path (or a folder above it) as the disk spells it, when that differs from `id`;
   * undefined when it is spelled so, or not there.
   */
  otherSpelling(id: string): string | undefined {
    let spelled = '';
    for (const segment of id.split('/')) {
      const parent = spelled;
      spelled = parent === '' ? segment : `${parent}/${segment}`;
      const abs = path.join(this.rootReal, ...spelled.split('/'));
      if (lstatQuiet(abs) === undefined) return undefined;
      const names = this.list(parent);
      if (names === undefined || names.includes(segment)) continue;
      const key = foldKey(segment, this.folding);
      const real = names.find((n) => foldKey(n, this.folding) === key);
      if (real !== undefined) return parent === '' ? real : `${parent}/${real}`;
    }
    return undefined;
  }

  private list(dir: string): readonly string[] | undefined {
    if (this.listings.has(dir)) return this.listings.get(dir);
    let names: string[] | undefined;
    try {
      names = readdirSync(path.join(this.rootReal, ...dir.split('/')));
    } catch {
      names = undefined;
    }
    this.listings.set(dir, names);
    return names;
  }
}
