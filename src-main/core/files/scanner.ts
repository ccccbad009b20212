import type { Stats } from 'node:fs';
import { lstatSync } from 'node:fs';
import { lstat, realpath } from 'node:fs/promises';
import path from 'node:path';
import type { FileView } from '../../../src-shared/crdt/fileEntity.js';
import type { VectorClockJson } from '../../../src-shared/crdt/vectorClock.js';
import type { ErrorCode, NetGuardianError } from '../../../src-shared/errors.js';
import type { ChunkRef } from '../../../src-shared/events/event.js';
import { DIRECTORY_CONTENT } from '../../../src-shared/fileKinds.js';
import { normalizeEntityPath } from '../../../src-shared/paths.js';
import type { CRDTManager, LocalWrite } from '../crdtManager.js';
import { MARKER_FILE } from './folderMarker.js';
import { childLogger, type Logger } from '../log.js';
import { EventLoopTurns } from '../eventLoopTurns.js';
import { Mutex } from '../mutex.js';
import { hashFile } from './fileHasher.js';
import { HashOrder } from './hashOrder.js';
import { foldsNames, listedAs } from './caseAliases.js';
import { probeFolding } from './folderFolding.js';
import { foldKey, type NameFolding } from '../../../src-shared/nameRules.js';
import { removeIfLeftover } from './staleTemps.js';
import {
  diskStatOf,
  sameStat,
  type FileIndex,
  type FolderEntries,
  type IndexEntry,
} from './fileIndex.js';
import type { IgnoreRules } from './ignoreRules.js';
import { ancestorsOf, checkAncestors, lstatOrUndefined, type CheckedDirs } from './safePaths.js';
import { decideGone, decidePresent, type DiskContent, type ScanDecision } from './scanDecision.js';
import { permissionsOf } from './fileModes.js';
import { ioError, walkTree, type WalkBatch, type WalkedFile } from './treeWalk.js';
import { UnsyncableRun, type SweepScope, type UnsyncableList } from './unsyncableList.js';
import { RacyStats } from './racyStats.js';
import { lstatQuiet } from './localIo.js';
import { unsyncableMessages, type UnsyncableReason } from '../../../src-shared/unsyncable.js';

export interface ScanError {
  readonly path: string;
  readonly code: ErrorCode;
  readonly message: string;
}

export interface ScanSummary {
  /** Files looked at (lstat). */
  readonly scanned: number;
  readonly hashed: number;
  readonly bytesHashed: number;
  readonly created: number;
  readonly updated: number;
  readonly deleted: number;
  /**
   * The folders among `created` and `deleted`, so the activity counts files and folders apart
   * ("2 files and 1 folder added"); absent in summaries made before they were counted.
   */
  readonly foldersCreated?: number;
  readonly foldersDeleted?: number;
  readonly skippedSymlinks: number;
  /** Files that changed while being hashed: left for the next scan (the watcher reports them again). */
  readonly busy: number;
  /** Unreadable files, invalid names, refused writes: reported, never a crash. */
  readonly errors: readonly ScanError[];
}

export interface ScanProgress {
  readonly phase: 'walking' | 'hashing' | 'done';
  readonly filesSeen: number;
  readonly toHash: number;
  readonly hashed: number;
  readonly bytesToHash: number;
  readonly bytesHashed: number;
}

export interface ScannerOptions {
  readonly root: string;
  readonly spaceId: string;
  readonly index: FileIndex;
  readonly manager: CRDTManager;
  /** The current rules (the caller reloads them when `.netguardianignore` changes). */
  readonly ignore: () => IgnoreRules;
  readonly onProgress?: (progress: ScanProgress) => void;
  /** Each chunk of each file hashed (e.g. to keep it in the device's chunk store for upload). */
  readonly onChunk?: (ref: ChunkRef, bytes: Uint8Array) => void | Promise<void>;
  /**
   * After each batch of changes is committed, while the scan goes on: a running device pushes
   * them at once, so a first scan of a large folder reaches the hub (and other devices) as it
   * goes rather than only when it ends. A promise returned holds back the hashing of further
   * files until it settles (the device's push keeping pace); the scan's records are unaffected.
   */
  readonly onBatchRecorded?: () => Promise<void> | void;
  /**
   * Whether the folder is there (its marker, folderMarker.ts): a scan of a folder that is not
   * records nothing (no deletions above all), and deletions are recorded only if it still is
   * when the scan ends.
   */
  readonly folderPresent?: () => Promise<boolean>;
  /**
   * Where the files found and not recordable are listed (symlinks, special files, unreadable
   * files and folders, names that are not valid paths, files too large): each scan notes what it
   * found and removes what it looked at and did not find again.
   */
  readonly unsyncable?: UnsyncableList;
  /** Files hashed at once (default 3). */
  readonly hashConcurrency?: number;
  readonly progressIntervalMs?: number;
  readonly log?: Logger;
  /** How the folder compares names (`folderFolding.ts`); probed at the first scan when not given. */
  readonly folding?: NameFolding;
}

export interface Scanner {
  /** Compares the whole folder with the index and records what changed. */
  fullScan(): Promise<ScanSummary>;
  /** The same for some paths (files or folders, present or gone), e.g. from the watcher. */
  scanPaths(relPaths: readonly string[]): Promise<ScanSummary>;
}

/** A change decided during a scan, waiting to be written with others. */
interface PendingWrite {
  readonly write: LocalWrite;
  readonly p: string;
  readonly st: Stats;
  readonly disk: DiskContent;
  readonly indexed: IndexEntry | undefined;
  readonly chunks: readonly ChunkRef[] | null;
}

/** Local changes written per transaction while a scan runs. */
const WRITE_BATCH = 1_000;

/** Index rows written per statement while a scan runs. */
const FLUSH_ROWS = 2_000;

/**
 * A scan's plan is carried out once it holds this many paths (at the end of a folder), so a
 * scan of a million files holds a few thousand paths and their views at a time, not the folder.
 */
const SEGMENT_PATHS = 4_000;

/** Folders whose index entries may be read ahead of the walk at once (memory: a few folders). */
const MAX_PREFETCHED = 8;

interface Plan {
  readonly dirs: WalkedFile[];
  readonly files: WalkedFile[];
  readonly gone: IndexEntry[];
  readonly forget: string[];
}

/** Every count of a ScanSummary at zero. */
const zeroCounts = (): {
  -readonly [K in keyof Omit<ScanSummary, 'errors'>]-?: number;
} => ({
  scanned: 0,
  hashed: 0,
  bytesHashed: 0,
  created: 0,
  updated: 0,
  deleted: 0,
  foldersCreated: 0,
  foldersDeleted: 0,
  skippedSymlinks: 0,
  busy: 0,
});

const emptyPlan = (): Plan => ({ dirs: [], files: [], gone: [], forget: [] });
const isUnder = (p: string, prefix: string) =>
  prefix === '' || p === prefix || p.startsWith(`${prefix}/`);

/**
 * The scanner: finds what changed on disk since the index, hashes only that,
 * and records CRDT events for real changes (see `scanDecision.ts`). Scans run
 * one at a time.
 */
export function createScanner(options: ScannerOptions): Scanner {
  if (options.index.spaceId !== options.spaceId || options.manager.spaceId !== options.spaceId) {
    throw new Error(
      `scanner for space ${options.spaceId} given an index or manager of another space`,
    );
  }
  const mutex = new Mutex();
  // Across scans: the watcher's next report of a racily indexed file must hash it.
  const racy = new RacyStats();
  const log = childLogger(options.log, 'scanner');
  let rootReal: string | undefined;

  async function resolveRoot(): Promise<string> {
    rootReal ??= await realpath(options.root);
    const st = await lstat(rootReal);
    if (!st.isDirectory()) throw new Error(`${rootReal} is not a folder`);
    return rootReal;
  }

  let folding = options.folding;

  const run = (scope: SweepScope, collect: (scan: ScanRun) => Promise<void>) =>
    mutex.run(async () => {
      const started = Date.now();
      let scan: ScanRun;
      try {
        const rootReal = await resolveRoot();
        scan = new ScanRun(options, rootReal, (folding ??= probeFolding(rootReal)), racy);
      } catch (e) {
        // Root missing (an unmounted drive?): record nothing, above all no deletes.
        return {
          ...ScanRun.emptySummary(),
          errors: [toScanError('', ioError('', 'open the folder', e))],
        };
      }
      if (options.folderPresent && !(await options.folderPresent()))
        return { ...ScanRun.emptySummary(), errors: [folderMissing(options.root)] };
      await collect(scan);
      await scan.execute();
      await scan.listUnsyncable(scope);
      const summary = scan.finish();
      log.info(
        { ...summary, errors: summary.errors.length, ms: Date.now() - started },
        'scan finished',
      );
      return summary;
    });

  return {
    fullScan: () => run({ kind: 'all' }, (scan) => scan.collectTree('')),
    scanPaths: (relPaths) =>
      run({ kind: 'paths', paths: validPaths(relPaths), subtrees: true }, (scan) =>
        scan.collectPaths(relPaths),
      ),
  };
}

const toScanError = (p: string, e: NetGuardianError): ScanError => ({
  path: p,
  code: e.code,
  message: e.message,
});

/** One scan: collects a plan (what to hash, what is gone), then executes it. */
class ScanRun {
  /** What the paths collected since the last `execute` need; carried out a segment at a time. */
  private plan = emptyPlan();
  /** Files planned for hashing so far, and their bytes (progress across segments). */
  private planned = { files: 0, bytes: 0 };
  /** The index's entries of the folder being walked (`collectTree`), read before it is listed. */
  private folderKnown: FolderEntries = { entries: new Map(), implied: [] };
  /** Reads of the next folders' index entries already under way (`prefetch`). */
  private readonly prefetched = new Map<string, Promise<FolderEntries>>();
  private folderMissingReported = false;
  private readonly rules: IgnoreRules;
  private readonly errors: ScanError[] = [];
  private readonly unreadable: string[] = [];
  /** What this scan found and cannot record, written to the list as it goes. */
  private readonly unsyncable: UnsyncableRun;
  private readonly rows: IndexEntry[] = [];
  private readonly pendingWrites: PendingWrite[] = [];
  /** While set, the hash workers wait: the push of the batch before the last is not done yet. */
  private pushedAhead: Promise<void> | undefined;
  private readonly counts = zeroCounts();
  private progress: ScanProgress = {
    phase: 'walking',
    filesSeen: 0,
    toHash: 0,
    hashed: 0,
    bytesToHash: 0,
    bytesHashed: 0,
  };
  private lastProgressAt = 0;

  static emptySummary(): ScanSummary {
    return { ...zeroCounts(), errors: [] };
  }

  constructor(
    private readonly options: ScannerOptions,
    private readonly rootReal: string,
    private readonly folding: NameFolding,
    private readonly racy: RacyStats,
  ) {
    this.rules = options.ignore();
    this.unsyncable = new UnsyncableRun(options.unsyncable);
  }

  private abs(p: string): string {
    return path.join(this.rootReal, ...p.split('/'));
  }

  private error(p: string, e: NetGuardianError): void {
    this.errors.push(toScanError(p, e));
    if (e.code === 'PayloadTooLarge')
      this.cantSync(p, 'too-large', unsyncableMessages.tooLarge(e.message));
    else if (e.code === 'InvalidPath')
      this.cantSync(p, 'name-not-allowed', unsyncableMessages.localName(e.message));
  }

  /** A path found here that cannot sync: listed with its reason (see `unsyncableList.ts`). */
  private cantSync(p: string, reason: UnsyncableReason, message: string): void {
    this.unsyncable.add({ path: p, reason, message, side: 'local' });
  }

  /** A symlink, or a FIFO, socket or device, met where a file could be (ignored ones are not listed). */
  private notAFile(p: string, kind: 'symlink' | 'special-file'): void {
    if (this.isIgnored(p, false)) return;
    if (kind === 'symlink') this.counts.skippedSymlinks++;
    this.cantSync(
      p,
      kind,
      kind === 'symlink' ? unsyncableMessages.symlink : unsyncableMessages.specialFile,
    );
  }

  /** Writes what this scan found unsyncable and drops what it looked at and no longer found. */
  async listUnsyncable(scope: SweepScope): Promise<void> {
    await this.unsyncable.finish('local', scope);
  }

  private isIgnored(p: string, isDir: boolean): boolean {
    return this.rules.excludes(p, isDir);
  }

  // ---- collecting -------------------------------------------------------------

  /**
   * Walks `start` (`''`: the root; itself compared by the caller) folder by folder, comparing
   * each folder with what the index holds of it (read just before the folder is listed), and
   * carries out the plan whenever it holds `SEGMENT_PATHS` paths: memory holds one folder's
   * entries and one segment, never the whole index or the whole folder (issue 14).
   */
  async collectTree(start: string): Promise<void> {
    for await (const batch of walkTree({
      rootReal: this.rootReal,
      start,
      isIgnored: (p, isDir) => (isDir ? this.rules.ignoresDir(p) : this.rules.ignoresFile(p)),
      isKnown: (p) => this.folderKnown.entries.has(p),
      beforeList: async (dir) => {
        const read = this.prefetched.get(dir) ?? this.options.index.children(dir);
        this.prefetched.delete(dir);
        this.folderKnown = await read;
      },
      upcoming: (dirs) => this.prefetch(dirs),
      onSymlink: (p) => this.notAFile(p, 'symlink'),
      onSpecialFile: (p) => this.notAFile(p, 'special-file'),
      onError: (p, e) => this.error(p, e),
      onUnreadableDir: (p, e) => {
        this.unreadable.push(p);
        this.cantSync(p, 'unreadable', unsyncableMessages.unlistable(errnoOf(e)));
      },
      // Temp files no write owns go (ours by name, not in flight): a crash's, or one whose
      // write could not remove it because the user moved its folder meanwhile.
      onTempFile: (abs, name) => void removeIfLeftover(abs, name),
    })) {
      await this.compareFolder(batch, this.folderKnown);
      if (this.plannedPaths() >= SEGMENT_PATHS) await this.execute();
    }
  }

  /**
   * Starts reading the index's entries of the folders the walk lists next, so a rescan's round
   * trips to the store overlap its listing and comparing instead of adding up (1,000 folders:
   * one query each). A folder's entries change only while that folder is compared (what a
   * segment records is in folders already compared), but anything read before or while a
   * segment is carried out is dropped anyway (`execute`). A failed read throws where it is used.
   */
  private prefetch(dirs: readonly string[]): void {
    for (const dir of dirs) {
      if (this.prefetched.has(dir) || this.prefetched.size >= MAX_PREFETCHED) continue;
      const read = this.options.index.children(dir);
      read.catch(() => undefined); // rethrown by the await in beforeList, if it is used
      this.prefetched.set(dir, read);
    }
  }

  /** One folder listed against the index's entries of it: what to record, what is gone. */
  private async compareFolder(batch: WalkBatch, known: FolderEntries): Promise<void> {
    const seen = new Set<string>();
    for (const dir of batch.dirs) {
      seen.add(dir.path);
      if (folderChanged(known.entries.get(dir.path), dir.stats)) this.plan.dirs.push(dir);
    }
    const implied = new Set(known.implied);
    for (const file of batch.files) {
      seen.add(file.path);
      this.counts.scanned++;
      const k = known.entries.get(file.path);
      if (k?.kind === 'file' && sameStat(k, diskStatOf(file.stats))) continue;
      // A folder replaced by this file: what the index holds under it is gone (its own row is
      // the file's now).
      if (k?.kind === 'dir' || implied.has(file.path))
        await this.planSubtreeAbsent(file.path, false);
      this.plan.files.push(file);
    }
    this.report({ filesSeen: this.counts.scanned });
    for (const entry of known.entries.values()) {
      if (seen.has(entry.path)) continue;
      if (entry.kind === 'dir') await this.planSubtreeAbsent(entry.path, true);
      else this.planAbsent(entry);
    }
    for (const p of implied) if (!seen.has(p)) await this.planSubtreeAbsent(p, true);
  }

  /** Everything the index holds under `top` (and `top` itself, if `withTop`) is not on disk. */
  private async planSubtreeAbsent(top: string, withTop: boolean): Promise<void> {
    for await (const page of this.options.index.subtree(top))
      for (const entry of page) if (withTop || entry.path !== top) this.planAbsent(entry);
  }

  private plannedPaths(): number {
    const { dirs, files, gone, forget } = this.plan;
    return dirs.length + files.length + gone.length + forget.length;
  }

  /** An indexed path not found on disk: gone, or only hidden from us (ignored, unreadable). */
  private planAbsent(entry: IndexEntry): void {
    if (this.unreadable.some((u) => isUnder(entry.path, u))) return;
    if (this.isIgnored(entry.path, entry.kind === 'dir')) this.plan.forget.push(entry.path);
    else this.plan.gone.push(entry);
  }

  async collectPaths(relPaths: readonly string[]): Promise<void> {
    const ids = new Set<string>();
    for (const raw of relPaths) {
      const id = normalizeEntityPath(raw);
      if (id.ok) ids.add(id.value);
      else this.error(raw, id.error);
    }
    const walked: string[] = [];
    // One query for every path's own entry. An indexed file can have nothing indexed under it,
    // so only folders and unknown paths need the subtree query: the watcher's echo of files the
    // materializer just wrote (thousands during a first sync) costs an lstat each, not a query.
    // Their folders' entries come with it: a path under one indexed as a file means that file
    // became a folder (`rm f && mkdir f && touch f/x`), scanned too, so it is recorded as a
    // folder before what it holds, whatever the watcher reported first.
    // The other way round, a folder indexed above a path that is a file now (`rm -rf d && echo x
    // > d`, which the watcher may report only through what `d` held): scanned too, so the file
    // is recorded (after what the folder held is recorded gone), not left unseen under a path
    // that can't be reached.
    const above = [...new Set([...ids].flatMap(ancestorsOf))].filter((a) => !ids.has(a));
    const own = await this.options.index.getMany([...ids, ...above]);
    for (const a of above) {
      const kind = own.get(a)?.kind;
      if (kind === 'file' || (kind === 'dir' && this.replacedByFile(a))) ids.add(a);
    }
    const checked: CheckedDirs = new Set();
    const folds = new Map<string, number>();
    if (foldsNames(this.folding))
      for (const p of ids) {
        const key = foldKey(p, this.folding);
        folds.set(key, (folds.get(key) ?? 0) + 1);
      }
    for (const p of [...ids].sort()) {
      if (walked.some((w) => isUnder(p, w))) continue;
      const entry = own.get(p);
      const ancestors = await checkAncestors(this.rootReal, p, checked);
      const found =
        ancestors.ok && ancestors.value.length === 0 ? await this.lstatSafe(p) : undefined;
      const st = found && this.reachedByOtherName(p, found, entry, folds) ? undefined : found;
      if (!ancestors.ok && ancestors.error.code === 'PathEscapesRoot')
        this.counts.skippedSymlinks++;
      if (st?.isSymbolicLink()) this.notAFile(p, 'symlink');
      else if (st && !st.isFile() && !st.isDirectory()) this.notAFile(p, 'special-file');
      if (st?.isDirectory() && !this.isIgnored(p, true)) {
        walked.push(p);
        if (folderChanged(entry, st)) this.plan.dirs.push({ path: p, stats: st });
        await this.collectTree(p);
        continue;
      }
      // A file, or nothing (gone, ignored, unreadable): compared with what is indexed at and
      // under `p` (a folder there before is gone but for what is unreadable or ignored).
      const known =
        entry?.kind === 'file'
          ? new Map([[p, entry]])
          : new Map((await this.options.index.list(p)).map((e) => [e.path, e]));
      if (st?.isFile() && !this.isIgnored(p, false)) {
        // A folder replaced by this file: everything indexed under it is planned below, once.
        if (entry?.kind === 'dir') walked.push(p);
        this.counts.scanned++;
        const k = known.get(p);
        // A path the watcher names: an lstat equal to a racy row may hide a second save made
        // within the same tick of the file system's clock (racyStats.ts). A full scan trusts the
        // lstat: the watcher names every save, and a rescan must not hash fresh files again.
        const stat = diskStatOf(st);
        if (!(k?.kind === 'file' && sameStat(k, stat) && !this.racy.suspect(p, stat)))
          this.plan.files.push({ path: p, stats: st });
        known.delete(p);
      }
      // Whatever else was indexed here (or under here, if it was a folder) is absent now.
      for (const entry of known.values()) this.planAbsent(entry);
    }
  }

  /** Whether the folder indexed at `p` is a file now (an unreadable path is not). */
  private replacedByFile(p: string): boolean {
    try {
      return lstatQuiet(this.abs(p))?.isFile() === true;
    } catch {
      return false;
    }
  }

  /**
   * Whether `p` only reaches an entry listed under another name (a case-only rename on a file
   * system that ignores case, caseAliases.ts): that entry is the other name's, and `p` is gone.
   * Asked for folders, files to hash, and names differing only in case from another path asked
   * for (a rename's two names); an unchanged file named alone costs no look.
   */
  private reachedByOtherName(
    p: string,
    st: Stats,
    entry: IndexEntry | undefined,
    folds: ReadonlyMap<string, number>,
  ): boolean {
    if (!foldsNames(this.folding) || (!st.isFile() && !st.isDirectory())) return false;
    const unchanged = st.isFile() && entry?.kind === 'file' && sameStat(entry, diskStatOf(st));
    if (unchanged && (folds.get(foldKey(p, this.folding)) ?? 0) < 2) return false;
    try {
      return listedAs(this.rootReal, p, this.folding) !== undefined;
    } catch (e) {
      this.error(p, ioError(p, 'look up', e));
      return false;
    }
  }

  private async lstatSafe(p: string): Promise<Stats | undefined> {
    try {
      return await lstatOrUndefined(this.abs(p));
    } catch (e) {
      const error = ioError(p, 'stat', e);
      this.error(p, error);
      this.unreadable.push(p);
      this.cantSync(p, 'unreadable', unsyncableMessages.unreadable(errnoOf(error)));
      return undefined;
    }
  }

  // ---- executing --------------------------------------------------------------

  /** Carries out the plan collected so far (a segment of a full scan, or all of it). */
  async execute(): Promise<void> {
    // What was read ahead of the walk may predate what this segment records: read it again.
    this.prefetched.clear();
    try {
      await this.executePlan();
    } finally {
      this.prefetched.clear();
    }
  }

  private async executePlan(): Promise<void> {
    const { dirs, files, gone, forget } = this.plan;
    this.plan = emptyPlan();
    const paths = [
      ...dirs.map((d) => d.path),
      ...files.map((f) => f.path),
      ...gone.map((g) => g.path),
    ];
    if (paths.length === 0 && forget.length === 0) return;
    const indexed = await this.options.index.getMany(paths);
    const views = await loadViews(this.options.manager, paths);

    // A folder replaced by a file (`rm -rf d && echo x > d`): what it held is recorded gone
    // before the file, so a device pulling them in separate batches has emptied the folder
    // when the file arrives.
    const replacedDirs = files.filter((f) => indexed.get(f.path)?.kind === 'dir');
    const heldByReplaced = (g: IndexEntry) =>
      replacedDirs.some((d) => g.path !== d.path && isUnder(g.path, d.path));
    const emptiedFirst = gone.filter(heldByReplaced);
    if (emptiedFirst.length > 0) await this.recordDeletes(emptiedFirst, indexed, views);

    for (const dir of [...dirs].sort((a, b) => (a.path < b.path ? -1 : 1))) {
      const disk: DiskContent = {
        content: DIRECTORY_CONTENT,
        mode: permissionsOf(dir.stats.mode),
        mtimeMs: dir.stats.mtimeMs,
      };
      await this.record(dir.path, dir.stats, disk, indexed.get(dir.path), views.get(dir.path));
    }

    this.planned = {
      files: this.planned.files + files.length,
      bytes: this.planned.bytes + files.reduce((n, f) => n + f.stats.size, 0),
    };
    this.progress = {
      ...this.progress,
      phase: 'hashing',
      toHash: this.planned.files,
      bytesToHash: this.planned.bytes,
    };
    const queue = new HashOrder(files);
    const turns = new EventLoopTurns();
    const workers = Array.from(
      { length: Math.max(1, this.options.hashConcurrency ?? 3) },
      async () => {
        for (let next = queue.next(); next; next = queue.next()) {
          await turns.take();
          if (this.pushedAhead) await this.pushedAhead;
          await this.hashAndRecord(next, indexed.get(next.path), views.get(next.path));
        }
      },
    );
    await Promise.all(workers);
    await this.flushWrites();
    await this.recordDeletes(
      gone.filter((g) => !heldByReplaced(g)),
      indexed,
      views,
    );
    await this.flushRows(0);
    await this.options.index.deleteMany([...gone.map((g) => g.path), ...forget]);
  }

  /**
   * Records the deletion of paths found gone, only in a folder that is still there (not moved
   * away or replaced by an empty mount point while the scan ran).
   */
  private async recordDeletes(
    gone: readonly IndexEntry[],
    indexed: ReadonlyMap<string, IndexEntry>,
    views: ReadonlyMap<string, FileView>,
  ): Promise<void> {
    const stillThere = !this.options.folderPresent || (await this.options.folderPresent());
    if (!stillThere && !this.folderMissingReported) {
      this.folderMissingReported = true;
      this.errors.push(folderMissing(this.options.root));
    }
    const deletes: { path: string; folder: boolean; write: LocalWrite }[] = [];
    for (const entry of stillThere ? gone : []) {
      const decision = decideGone(indexed.get(entry.path) ?? entry, views.get(entry.path));
      if (decision.action === 'delete') {
        deletes.push({
          path: entry.path,
          folder: entry.kind === 'dir',
          write: {
            op: 'delete',
            path: entry.path,
            ...(decision.basis ? { basis: decision.basis } : {}),
          },
        });
      }
    }
    // A folder deleted with its 10,000 files is one transaction, not 10,000.
    for (let i = 0; i < deletes.length; i += WRITE_BATCH) {
      const part = deletes.slice(i, i + WRITE_BATCH);
      const results = await this.options.manager.writeBatch(part.map((d) => d.write));
      // Deletes are few and cheap to record: the scan does not wait for their push.
      void this.options.onBatchRecorded?.();
      for (const [j, result] of results.entries()) {
        if (result.ok) {
          this.counts.deleted++;
          if (part[j]?.folder === true) this.counts.foldersDeleted++;
        }
        // NotFound: deleted meanwhile by a peer's event; nothing to record.
        else if (result.error.code !== 'NotFound')
          this.error((part[j] as { path: string }).path, result.error);
      }
    }
  }

  private async hashAndRecord(
    file: WalkedFile,
    indexed: IndexEntry | undefined,
    view: FileView | undefined,
  ): Promise<void> {
    const abs = this.abs(file.path);
    let hashed;
    let after: Stats;
    try {
      hashed = await hashFile(abs, this.options.onChunk ? { onChunk: this.options.onChunk } : {});
      after = lstatSync(abs);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // Removed while we looked: the watcher reports it.
      if (code === 'ENOENT') return;
      const error = ioError(file.path, 'read', e);
      this.error(file.path, error);
      // EINVAL: no longer a regular file (a FIFO put where it was; see localIo.ts).
      if (code === 'EINVAL') this.notAFile(file.path, 'special-file');
      else this.cantSync(file.path, 'unreadable', unsyncableMessages.unreadable(errnoOf(error)));
      return;
    }
    this.counts.hashed++;
    this.counts.bytesHashed += hashed.size;
    this.report({ hashed: this.counts.hashed, bytesHashed: this.counts.bytesHashed });
    if (!sameStat(diskStatOf(file.stats), diskStatOf(after)) || after.size !== hashed.size) {
      this.counts.busy++;
      return;
    }
    this.racy.note(file.path, diskStatOf(after), Date.now());
    const disk: DiskContent = {
      content: { hash: hashed.hash, size: hashed.size, chunks: hashed.chunks },
      mode: permissionsOf(after.mode),
      mtimeMs: after.mtimeMs,
    };
    await this.record(file.path, after, disk, indexed, view, hashed.chunks);
  }

  /**
   * Decides one present path. A change is queued and written with others in one transaction
   * (`flushWrites`): a first scan of 10,000 new files is a few batches, not 10,000 writes.
   */
  private async record(
    p: string,
    st: Stats,
    disk: DiskContent,
    indexed: IndexEntry | undefined,
    view: FileView | undefined,
    chunks: readonly ChunkRef[] | null = null,
  ): Promise<void> {
    const decision: ScanDecision = decidePresent(indexed, view, disk);
    if (decision.action === 'create' || decision.action === 'update') {
      this.pendingWrites.push({
        write: { op: decision.action, path: p, change: decision.change },
        p,
        st,
        disk,
        indexed,
        chunks,
      });
      if (this.pendingWrites.length >= WRITE_BATCH) await this.flushWrites();
      return;
    }
    await this.recordNow(p, st, disk, indexed, view, chunks);
  }

  /** Writes the queued changes in one batch; one a peer's event raced is decided again alone. */
  private async flushWrites(): Promise<void> {
    const batch = this.pendingWrites.splice(0, this.pendingWrites.length);
    if (batch.length === 0) return;
    const results = await this.options.manager.writeBatch(batch.map((b) => b.write));
    for (const [i, result] of results.entries()) {
      const b = batch[i] as PendingWrite;
      if (!result.ok) {
        const raced = result.error.code === 'NotFound' || result.error.code === 'InvalidArgument';
        if (raced)
          await this.recordNow(
            b.p,
            b.st,
            b.disk,
            b.indexed,
            await this.options.manager.getFileState(b.p),
            b.chunks,
          );
        else this.error(b.p, result.error);
        continue;
      }
      if (b.write.op === 'create') {
        this.counts.created++;
        if (b.st.isDirectory()) this.counts.foldersCreated++;
      } else this.counts.updated++;
      const change = b.write.op === 'delete' ? undefined : b.write.change;
      const versionClock = change?.content
        ? ownVersionClock(result.value, this.options.manager.nodeId, b.disk.content.hash)
        : (b.indexed?.versionClock ?? result.value.winner?.clock ?? null);
      this.rows.push({
        path: b.p,
        kind: b.st.isDirectory() ? 'dir' : 'file',
        ...diskStatOf(b.st),
        hash: b.st.isDirectory() ? null : b.disk.content.hash,
        chunks: b.st.isDirectory() ? null : b.chunks,
        versionClock,
      });
    }
    // The batch's index rows go in now, before the batch is pushed: the upload reads each new
    // chunk from the file the index says holds it.
    await this.flushRows(0);
    const ahead = this.options.onBatchRecorded?.();
    if (ahead) {
      const gate: Promise<void> = ahead.finally(() => {
        if (this.pushedAhead === gate) this.pushedAhead = undefined;
      });
      this.pushedAhead = gate;
    }
  }

  /** Decides and records one present path, then queues its index row. Retries once if a peer's event raced. */
  private async recordNow(
    p: string,
    st: Stats,
    disk: DiskContent,
    indexed: IndexEntry | undefined,
    view: FileView | undefined,
    chunks: readonly ChunkRef[] | null = null,
  ): Promise<void> {
    const manager = this.options.manager;
    let current = view;
    for (let attempt = 0; attempt < 2; attempt++) {
      const decision: ScanDecision = decidePresent(indexed, current, disk);
      let versionClock: VectorClockJson | null;
      if (decision.action === 'none') versionClock = decision.versionClock;
      else if (decision.action === 'create' || decision.action === 'update') {
        const result =
          decision.action === 'create'
            ? await manager.createFileState(p, decision.change)
            : await manager.updateFileState(p, decision.change);
        if (!result.ok) {
          const raced = result.error.code === 'NotFound' || result.error.code === 'InvalidArgument';
          if (raced && attempt === 0) {
            current = await manager.getFileState(p);
            continue;
          }
          this.error(p, result.error);
          return;
        }
        if (decision.action === 'create') {
          this.counts.created++;
          if (st.isDirectory()) this.counts.foldersCreated++;
        } else this.counts.updated++;
        versionClock = decision.change.content
          ? ownVersionClock(result.value, manager.nodeId, disk.content.hash)
          : (indexed?.versionClock ?? result.value.winner?.clock ?? null);
      } else return;
      this.rows.push({
        path: p,
        kind: st.isDirectory() ? 'dir' : 'file',
        ...diskStatOf(st),
        hash: st.isDirectory() ? null : disk.content.hash,
        chunks: st.isDirectory() ? null : chunks,
        versionClock,
      });
      await this.flushRows(FLUSH_ROWS);
      return;
    }
  }

  private async flushRows(atLeast: number): Promise<void> {
    if (this.rows.length === 0 || this.rows.length < atLeast) return;
    const rows = this.rows.splice(0, this.rows.length);
    await this.options.index.upsertMany(rows);
  }

  // ---- reporting ----------------------------------------------------------------

  private report(update: Partial<ScanProgress>): void {
    this.progress = { ...this.progress, ...update };
    const now = Date.now();
    if (
      !this.options.onProgress ||
      now - this.lastProgressAt < (this.options.progressIntervalMs ?? 100)
    )
      return;
    this.lastProgressAt = now;
    this.options.onProgress(this.progress);
  }

  finish(): ScanSummary {
    this.progress = { ...this.progress, phase: 'done' };
    this.options.onProgress?.(this.progress);
    return { ...this.counts, errors: this.errors };
  }
}

/** Whether a folder is new or changed since indexed: not indexed as a folder, or chmodded. */
const folderChanged = (known: IndexEntry | undefined, st: Stats): boolean =>
  known?.kind !== 'dir' || permissionsOf(known.mode) !== permissionsOf(st.mode);

/** The version vector of the version this device just wrote (the LWW winner, being the newest). */
function ownVersionClock(view: FileView, nodeId: string, hash: string): VectorClockJson {
  const w = view.winner;
  return w && w.nodeId === nodeId && w.value?.hash === hash ? w.clock : view.clock;
}

/** The store's views of these paths, in one query per 10,000 (absent ones are missing from the map). */
export async function loadViews(
  manager: CRDTManager,
  paths: readonly string[],
): Promise<Map<string, FileView>> {
  const pathOf = new Map<string, string>();
  for (const p of paths) {
    const id = normalizeEntityPath(p);
    if (id.ok) pathOf.set(id.value, p);
  }
  const views = new Map<string, FileView>();
  const snapshots = await manager.store.getSnapshots(manager.spaceId, [...pathOf.keys()]);
  for (const [id, entity] of snapshots) views.set(pathOf.get(id) as string, entity.get());
  return views;
}

/** A scan's error for a folder that is not there (its marker missing): nothing was recorded. */
function folderMissing(root: string): ScanError {
  return {
    path: '',
    code: 'NotFound',
    message: `the folder ${root} is missing (or its ${MARKER_FILE} file is): nothing is recorded until it is back`,
  };
}

/** The ids of the paths a `scanPaths` call looks at (the rest it reports as errors). */
function validPaths(relPaths: readonly string[]): string[] {
  const out: string[] = [];
  for (const raw of relPaths) {
    const id = normalizeEntityPath(raw);
    if (id.ok) out.push(id.value);
  }
  return out;
}

/** The file system's reason in a few words (`EACCES: permission denied`), from an ioError. */
function errnoOf(e: NetGuardianError): string {
  const at = e.message.indexOf(': ');
  return at < 0 ? e.message : e.message.slice(at + 2);
}
