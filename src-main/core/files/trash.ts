import { randomBytes } from 'node:crypto';
import { renameSync } from 'node:fs';
import { copyFile, cp, link, mkdir, readdir, readFile, rm, unlink } from 'node:fs/promises';
import path from 'node:path';
import { NetGuardianError } from '../../../src-shared/errors.js';
import { validateEntityPath } from '../../../src-shared/paths.js';
import { err, ok, type Result } from '../../../src-shared/result.js';
import {
  fsyncDir,
  fsyncFile,
  fsyncOwed,
  fsyncTree,
  owedSync,
  renameDurably,
  tempPathBeside,
  writeFileDurably,
  writeFileOwingSync,
  type OwedSync,
} from './durableFs.js';
import { lstatOrUndefined, prepareTarget } from './safePaths.js';
import { releaseTemp } from './tempFiles.js';

/** Why content went to the trash. */
export type TrashReason = 'replaced' | 'deleted' | 'displaced-by-restore';

/** The small JSON record kept beside each trashed item. */
export interface TrashRecord {
  readonly id: string;
  /** Entity id (relative path in the folder) it had. */
  readonly path: string;
  readonly kind: 'file' | 'dir';
  readonly hash: string | null;
  readonly size: number;
  readonly reason: TrashReason;
  /** ISO time it was trashed. */
  readonly trashedAt: string;
}

export interface TrashOptions {
  /** The device's data directory; the trash is `<dataDir>/trash`. */
  readonly dataDir: string;
  readonly now?: () => number;
}

export interface KeepRequest {
  readonly path: string;
  readonly kind: 'file' | 'dir';
  readonly hash: string | null;
  readonly size: number;
  readonly reason: TrashReason;
}

/**
 * Replaced or deleted local content, kept restorable:
 * `<dataDir>/trash/<yyyymmdd-hhmmss>-<random>/<relpath>` plus
 * `<dataDir>/trash/<id>.json`. Nothing is ever removed from the disk without
 * passing through here.
 *
 * `move` and `keepCopy` return once the item and its record are durable (files
 * and folders fsynced), so a caller replacing the original afterwards cannot
 * lose it to a power cut. Given `owed`, they fsync nothing but add what is owed
 * to it instead: the materializer flushes a whole group's at once, before it
 * replaces any of the originals (or records their removal).
 */
export interface Trash {
  readonly dir: string;
  /** Moves `abs` into the trash (rename; copy and unlink across devices). */
  move(abs: string, request: KeepRequest, owed?: OwedSync): Promise<TrashRecord>;
  /** Keeps a copy of the file at `abs`, which stays in place (hard link; copy if links fail). */
  keepCopy(abs: string, request: KeepRequest, owed?: OwedSync): Promise<TrashRecord>;
  /** Newest first; only items whose content is there (see `remove`). */
  list(): Promise<TrashRecord[]>;
  /** The bytes an item holds on disk: a file's size, a folder's files summed. */
  bytesOf(record: TrashRecord): Promise<number>;
  /**
   * Removes an item for good: its record first, then its content. A crash in between leaves
   * content without a record, which `list` never shows and `sweep` removes; never a record
   * naming nothing. Nothing outside the trash folder is touched. False when there was no record.
   */
  remove(id: string): Promise<boolean>;
  /**
   * `remove` for many: every record first (made durable with one fsync of the trash folder),
   * then every content. Returns the ids that had a record.
   */
  removeMany(ids: readonly string[]): Promise<Set<string>>;
  /**
   * Removes what a crash left half there: content without a record whose id is older than
   * `before` (younger content may be an item still being placed, its record not yet written),
   * and records whose content is gone. Returns how many it removed.
   */
  sweep(before: number): Promise<number>;
  /**
   * Puts a trashed item back at its path under `rootReal`; whatever is there
   * now goes to the trash first. Returns the path, for the caller to rescan.
   */
  restore(id: string, rootReal: string): Promise<Result<string, NetGuardianError>>;
}

const ID_PATTERN = /^\d{8}-\d{6}-[0-9a-f]{8}$/;
const ID_TIME = /^(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})-/;

/** When an item was placed, as its id says (`compactUtc`); NaN for a name that is no id. */
function idTime(id: string): number {
  const m = ID_TIME.exec(id);
  if (!m) return Number.NaN;
  const [y = 0, mo = 1, d, h, mi, s] = m.slice(1).map(Number);
  return Date.UTC(y, mo - 1, d, h, mi, s);
}

const isMissing = (e: unknown) => (e as NodeJS.ErrnoException).code === 'ENOENT';

/** The bytes of the files under `abs` (symlinks count as themselves, never followed). */
async function treeBytes(abs: string): Promise<number> {
  const st = await lstatOrUndefined(abs);
  if (!st) return 0;
  if (!st.isDirectory()) return st.isFile() ? st.size : 0;
  let total = 0;
  for (const name of await readdir(abs)) total += await treeBytes(path.join(abs, name));
  return total;
}

function compactUtc(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}-${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}

const isCrossDevice = (e: unknown) => (e as NodeJS.ErrnoException).code === 'EXDEV';

/**
 * A rename (its folders' fsyncs owed), or, when source and target are on different file systems,
 * a copy made durable under a temp name, renamed into place durably, and only then the source
 * removed.
 */
async function moveAcross(
  from: string,
  to: string,
  kind: 'file' | 'dir',
  owed: OwedSync,
): Promise<void> {
  try {
    renameSync(from, to);
    owed.dirs.push(path.dirname(to), path.dirname(from));
    return;
  } catch (e) {
    if (!isCrossDevice(e)) throw e;
  }
  const temp = tempPathBeside(to);
  try {
    if (kind === 'file') {
      await copyFile(from, temp);
      await fsyncFile(temp);
    } else {
      await cp(from, temp, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
      await fsyncTree(temp);
    }
    await renameDurably(temp, to);
  } catch (e) {
    await rm(temp, { recursive: true, force: true });
    throw e;
  } finally {
    releaseTemp(temp);
  }
  await rm(from, { recursive: true, force: true });
  await fsyncDir(path.dirname(from));
}

/**
 * The folders holding each folder `mkdir -p` created, from `first` (the top one created) down to
 * `last`: fsyncing them makes the new folders' entries durable. (A file system check would
 * otherwise be free to drop a new folder, and what was placed in it, after a power cut.)
 */
function parentsOfCreated(first: string, last: string): string[] {
  const parents: string[] = [];
  for (let d = last; ; d = path.dirname(d)) {
    parents.push(path.dirname(d));
    if (d === first || path.dirname(d) === d) return parents;
  }
}

export function createTrash(options: TrashOptions): Trash {
  const dir = path.join(options.dataDir, 'trash');
  const now = options.now ?? Date.now;

  /** Puts an item at its place in the trash (`put`, owing its fsyncs), then its record. */
  async function place(
    request: KeepRequest,
    put: (target: string, owed: OwedSync) => Promise<void>,
    owed: OwedSync | undefined,
  ): Promise<TrashRecord> {
    const at = now();
    const id = `${compactUtc(at)}-${randomBytes(4).toString('hex')}`;
    const target = path.join(dir, id, ...request.path.split('/'));
    // Private like the data dir it is in (privateDataDir.ts): the trash holds the user's files.
    const first = await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
    const item = owed ?? owedSync();
    await put(target, item);
    if (first !== undefined) item.dirs.push(...parentsOfCreated(first, path.dirname(target)));
    const record: TrashRecord = { id, ...request, trashedAt: new Date(at).toISOString() };
    const recordPath = path.join(dir, `${id}.json`);
    const text = JSON.stringify(record, null, 2);
    if (owed) {
      await writeFileOwingSync(recordPath, text, owed);
    } else {
      // The item durable before the record naming it; writing the record fsyncs the trash folder.
      await fsyncOwed({ files: item.files, dirs: item.dirs.filter((d) => d !== dir) });
      await writeFileDurably(recordPath, text);
    }
    return record;
  }

  /** Where an item's content is (its record's path checked by `readRecord`). */
  function contentPath(record: TrashRecord): string {
    return path.join(dir, record.id, ...record.path.split('/'));
  }

  /** The record of `id`, or undefined when there is none, it is damaged, or it names a bad path. */
  async function readRecord(id: string): Promise<TrashRecord | undefined> {
    let record: TrashRecord;
    try {
      record = JSON.parse(await readFile(path.join(dir, `${id}.json`), 'utf8')) as TrashRecord;
    } catch {
      return undefined;
    }
    // A record is ours, but a damaged one must never lead a path out of its item's folder.
    if (record.id !== id || !validateEntityPath(record.path).ok) return undefined;
    return record;
  }

  const trash: Trash = {
    dir,
    move: (abs, request, owed) =>
      place(request, (target, item) => moveAcross(abs, target, request.kind, item), owed),
    keepCopy: (abs, request, owed) =>
      place(
        request,
        async (target, item) => {
          try {
            await link(abs, target);
          } catch {
            await copyFile(abs, target);
            item.files.push(target);
          }
          item.dirs.push(path.dirname(target));
        },
        owed,
      ),

    async list() {
      let names: string[];
      try {
        names = await readdir(dir);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw e;
      }
      const records: TrashRecord[] = [];
      for (const name of names) {
        if (!name.endsWith('.json') || !ID_PATTERN.test(name.slice(0, -5))) continue;
        const record = await readRecord(name.slice(0, -5));
        // Damaged, or its content gone (a restore cut short): not listed; `sweep` removes it.
        if (record && (await lstatOrUndefined(contentPath(record)))) records.push(record);
      }
      return records.sort((a, b) =>
        a.trashedAt === b.trashedAt
          ? b.id.localeCompare(a.id)
          : b.trashedAt.localeCompare(a.trashedAt),
      );
    },

    async bytesOf(record) {
      return treeBytes(contentPath(record));
    },

    async remove(id) {
      return (await trash.removeMany([id])).has(id);
    },

    async removeMany(ids) {
      const valid = ids.filter((id) => ID_PATTERN.test(id));
      const had = new Set<string>();
      for (const id of valid) {
        try {
          await unlink(path.join(dir, `${id}.json`));
          had.add(id);
        } catch (e) {
          if (!isMissing(e)) throw e;
        }
      }
      // The records' removal durable before any content goes: a power cut cannot keep a record
      // whose content is gone.
      if (had.size > 0) await fsyncDir(dir);
      for (const id of valid) await rm(path.join(dir, id), { recursive: true, force: true });
      return had;
    },

    async sweep(before) {
      let names: string[];
      try {
        names = await readdir(dir);
      } catch (e) {
        if (isMissing(e)) return 0;
        throw e;
      }
      const present = new Set(names);
      let removed = 0;
      for (const name of names) {
        if (ID_PATTERN.test(name) && !present.has(`${name}.json`) && idTime(name) < before) {
          await rm(path.join(dir, name), { recursive: true, force: true });
          removed++;
        } else if (name.endsWith('.json') && ID_PATTERN.test(name.slice(0, -5))) {
          const id = name.slice(0, -5);
          const record = await readRecord(id);
          // A damaged record is left alone, and so is its content: nothing says what it is.
          if (record && !(await lstatOrUndefined(contentPath(record)))) {
            await trash.remove(id);
            removed++;
          }
        }
      }
      return removed;
    },

    async restore(id, rootReal) {
      if (!ID_PATTERN.test(id)) {
        return err(
          new NetGuardianError('InvalidArgument', `${JSON.stringify(id)} is not a trash id`, 'id'),
        );
      }
      const recordPath = path.join(dir, `${id}.json`);
      let record: TrashRecord;
      try {
        record = JSON.parse(await readFile(recordPath, 'utf8')) as TrashRecord;
      } catch {
        return err(new NetGuardianError('NotFound', `nothing in the trash with id ${id}`, 'id'));
      }
      const valid = validateEntityPath(record.path);
      if (!valid.ok) return valid;
      const source = path.join(dir, id, ...record.path.split('/'));
      if (!(await lstatOrUndefined(source))) {
        return err(new NetGuardianError('NotFound', `trash item ${id} has no content left`, 'id'));
      }
      const target = await prepareTarget(rootReal, record.path);
      if (!target.ok) return target;
      const current = await lstatOrUndefined(target.value.abs);
      if (current && !current.isSymbolicLink()) {
        await trash.move(target.value.abs, {
          path: record.path,
          kind: current.isDirectory() ? 'dir' : 'file',
          hash: null,
          size: current.size,
          reason: 'displaced-by-restore',
        });
      } else if (current) {
        return err(
          new NetGuardianError(
            'PathEscapesRoot',
            `${record.path} is a symlink now; not replacing it`,
            'path',
          ),
        );
      }
      const moved = owedSync();
      await moveAcross(source, target.value.abs, record.kind, moved);
      await fsyncOwed(moved);
      // The content is back in the folder: what is left of the item goes, record first.
      await trash.remove(id);
      return ok(record.path);
    },
  };
  return trash;
}
