import { lstatSync, renameSync, type Stats } from 'node:fs';
import { MARKER_FILE } from './folderMarker.js';
import { mkdir, readdir, realpath, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { conflictCopyPath } from '../../../src-shared/conflictNames.js';
import type { FileVersion, FileView } from '../../../src-shared/crdt/fileEntity.js';
import type { VectorClockJson } from '../../../src-shared/crdt/vectorClock.js';
import { NetGuardianError, type ErrorCode } from '../../../src-shared/errors.js';
import type { ChunkRef, ContentRef } from '../../../src-shared/events/event.js';
import { DIRECTORY_CONTENT, isDirectoryContent } from '../../../src-shared/fileKinds.js';
import type { CRDTManager } from '../crdtManager.js';
import { childLogger, type Logger } from '../log.js';
import { EventLoopTurns } from '../eventLoopTurns.js';
import { Mutex } from '../mutex.js';
import type { ChunkSource } from './chunkStore.js';
import { mtimeToWrite, writeConflictCopies } from './conflictCopies.js';
import { ChunkResolver, writeTempFile } from './contentWriter.js';
import { DiskSpace, isOutOfSpace, receivedFileError } from './diskSpace.js';
import { owedSync } from './durableFs.js';
import {
  diskStatOf,
  indexEntryOf,
  matchesDisk,
  sameContentStat,
  type FileIndex,
  type IndexEntry,
} from './fileIndex.js';
import { foldsNames, listedAs, listedByReading, sameEntry } from './caseAliases.js';
import { TEMP_PREFIX, type IgnoreRules } from './ignoreRules.js';
import {
  ancestorsOf,
  entityAbsPath,
  lstatOrUndefined,
  prepareTarget,
  resolveExisting,
  type CheckedDirs,
} from './safePaths.js';
import { lstatQuiet } from './localIo.js';
import { applyMode } from './applyMode.js';
import {
  modeToApply,
  modeToWrite,
  permissionsOf,
  FOLDER_MODE_FIELD,
  wantedMode,
  type WantedMode,
} from './fileModes.js';
import { FolderModes } from './folderModes.js';
import { loadViews, type Scanner } from './scanner.js';
import { TempFlusher } from './tempFlusher.js';
import { DiscardedTemps } from './staleTemps.js';
import { releaseTemp } from './tempFiles.js';
import { createTrash, type KeepRequest, type Trash, type TrashReason } from './trash.js';
import { ioError } from './treeWalk.js';
import { validateEntityPath } from '../../../src-shared/paths.js';
import { foldKey, type NameFolding } from '../../../src-shared/nameRules.js';
import { probeFolding } from './folderFolding.js';
import { screenNames } from './nameScreen.js';
import { planDisplaced } from './displacedFiles.js';
import { UnsyncableRun, type UnsyncableList } from './unsyncableList.js';

export interface MaterializerOptions {
  readonly root: string;
  readonly spaceId: string;
  /** The device's data directory (the trash lives there). */
  readonly dataDir: string;
  readonly index: FileIndex;
  readonly manager: CRDTManager;
  /** Where chunk bytes come from when no local file holds them (the hub's chunk store). */
  readonly chunks: ChunkSource;
  /** Scans a local edit found just before replacing a file, so it becomes a conflict sibling. */
  readonly scanner: Scanner;
  /** Paths ignored here are not materialized (as Syncthing: ignored means not synced, either way). */
  readonly ignore?: () => IgnoreRules;
  /** How written files are made durable before their rename; default: a TempFlusher. */
  readonly flusher?: TempFlusher;
  /**
   * Whether the folder is there (its marker, folderMarker.ts): asked before anything is written
   * and again before each group, so a folder that went away is never recreated or filled.
   */
  readonly folderPresent?: () => Promise<boolean>;
  /**
   * Where received paths not written here are listed (a name this platform refuses, one that
   * clashes with another on this folder; `nameScreen.ts`), and cleared once they are written or
   * deleted.
   */
  readonly unsyncable?: UnsyncableList;
  /** Whose naming rules apply (default: this process's platform; tests name another). */
  readonly platform?: string;
  /** How the folder compares names (default: probed in the folder once, `folderFolding.ts`). */
  readonly folding?: NameFolding;
  /**
   * The folder's disk (diskSpace.ts): files over the per-file maximum are refused, and files the
   * disk has no room for (keeping its reserve) wait, listed, before anything of them is written.
   * The device's own, shared with its other writers; default: one with the default limits.
   */
  readonly space?: DiskSpace;
  readonly log?: Logger;
}

export interface MaterializeError {
  readonly path: string;
  readonly code: ErrorCode;
  readonly message: string;
}

/** A file not written for want of free space (listed as `no-space`; nothing of it was left). */
export interface WaitingForSpace {
  readonly path: string;
  /** The size of what waits (the file, or its conflict copy). */
  readonly bytes: number;
  /** The mount point of the disk it waits on (diskSpace.ts). */
  readonly volume: string;
}

export interface MaterializeReport {
  /** Files whose content was written. */
  readonly written: string[];
  /** Files and folders whose permission bits were changed in place. */
  readonly modeChanged: string[];
  readonly dirsCreated: string[];
  /** Files and folders moved to the trash because the store says they are gone. */
  readonly removed: string[];
  readonly conflictCopies: string[];
  /** Already as the store says. */
  readonly unchanged: string[];
  /** Still changing locally after re-checks, or in the way: tried again on the next apply. */
  readonly deferred: string[];
  /** Not written: the disk lacks room for them and the reserve (tried again once it has it). */
  readonly waitingForSpace: WaitingForSpace[];
  readonly errors: MaterializeError[];
  readonly chunksReused: number;
  readonly chunksDownloaded: number;
}

export interface Materializer {
  /** Makes the disk match the store's view of these entities. Runs one call at a time. */
  apply(entityIds: readonly string[]): Promise<MaterializeReport>;
  readonly trash: Trash;
}

/**
 * Small files' chunks are fetched in one request per group of this many bytes; the next group is
 * fetched while the current one is written, so two groups' bytes are held at most.
 */
const PREFETCH_BYTES = 8 * 1024 * 1024;
const PREFETCH_FILE_MAX = 1024 * 1024;
/** Files written at once: enough to overlap their fsyncs, few enough to bound memory. */
const WRITE_CONCURRENCY = 8;
/** Re-check rounds before an entity still changing locally is deferred. */
const MAX_ROUNDS = 3;

export function createMaterializer(options: MaterializerOptions): Materializer {
  if (options.index.spaceId !== options.spaceId || options.manager.spaceId !== options.spaceId) {
    throw new Error(
      `materializer for space ${options.spaceId} given an index or manager of another space`,
    );
  }
  const trash = createTrash({ dataDir: options.dataDir });
  const flusher = options.flusher ?? new TempFlusher();
  const space = options.space ?? new DiskSpace();
  const mutex = new Mutex();
  const log = childLogger(options.log, 'materializer');
  let folding = options.folding;
  const foldingOf = (rootReal: string) => (folding ??= probeFolding(rootReal));
  return {
    trash,
    apply: (entityIds) =>
      mutex.run(async () => {
        const started = Date.now();
        const run = new ApplyRun(options, trash, flusher, space, foldingOf);
        try {
          await run.apply(entityIds);
        } finally {
          // A run that failed midway still gives the folders it opened their bits back.
          await run.closeFolders();
        }
        const report = run.report();
        log.info(
          {
            written: report.written.length,
            removed: report.removed.length,
            conflictCopies: report.conflictCopies.length,
            deferred: report.deferred.length,
            waitingForSpace: report.waitingForSpace.length,
            errors: report.errors.length,
            ms: Date.now() - started,
          },
          'materialized',
        );
        // Temp files whose folder the user moved while they were written: removed where it went
        // (fewer found than missing: moved out of the folder, or removed with it).
        if (run.movedTemps.missing > 0)
          log.info(run.movedTemps, 'temp files looked for where their folder was moved');
        // Each path that could not be made to match the store, and why (the first few): what a
        // user would ask about when a file does not arrive.
        if (report.errors.length > 0)
          log.warn({ errors: report.errors.slice(0, 20) }, 'paths not written as the store says');
        return report;
      }),
  };
}

type Outcome = 'done' | 'rescan';

/** A file's new content in a temp file beside it, waiting to be renamed into place. */
interface PendingWrite {
  readonly id: string;
  readonly temp: string;
  readonly abs: string;
  readonly content: ContentRef;
  readonly view: FileView;
  /** What was at the target when it was decided (the last look compares with `indexed`). */
  readonly st: Stats | undefined;
  readonly indexed: IndexEntry | undefined;
}

/** One `apply` call. */
class ApplyRun {
  private rootReal = '';
  private folderGoneReported = false;
  private resolver: ChunkResolver | undefined;
  private readonly out = {
    written: [] as string[],
    modeChanged: [] as string[],
    dirsCreated: [] as string[],
    removed: [] as string[],
    conflictCopies: [] as string[],
    unchanged: [] as string[],
    deferred: [] as string[],
    waitingForSpace: [] as WaitingForSpace[],
    errors: [] as MaterializeError[],
  };
  private readonly rows: IndexEntry[] = [];
  private readonly dropped: string[] = [];
  /**
   * Files replacing a folder (another device removed it and wrote a file under its name): their
   * temp files are written and durable, waiting for this run's removals to empty the folder
   * (`replaceFolders`).
   */
  private readonly overFolders: PendingWrite[] = [];
  /** Files settled as folders (displacedFiles.ts). */
  private displaced: ReadonlySet<string> = new Set();
  /**
   * Folders this run made where the store has a file (displaced), with the clock of every
   * version the store had there: recorded as folders once durable (`recordDisplacingFolders`).
   */
  private readonly displacing: { readonly id: string; readonly basis: VectorClockJson }[] = [];
  /** The parents of the paths this run removed: a file may replace one once it is empty. */
  private readonly vacated = new Set<string>();
  /** This run's ids by `foldKey`, on a folder that folds names: the ones it takes for one. */
  private readonly byFold = new Map<string, string[]>();
  /** Folders seen to be real folders during this run (each is lstat'ed once). */
  private readonly checkedDirs: CheckedDirs = new Set();
  /** While a group of files is written: their temp files wait for one flush (`commitWrites`). */
  private deferFlush = false;
  private readonly pendingWrites: PendingWrite[] = [];
  /**
   * Changes a power cut could still undo, and what waits on them: files renamed into place and
   * paths moved to the trash or removed, whose index rows (written / dropped) wait for `syncDirs`
   * to make their folders (and the trash's items) durable. Invariant: the index never says a
   * file is there, or gone, when a power cut could take that back.
   */
  private readonly unsynced = {
    renamed: [] as { readonly id: string; readonly row: IndexEntry }[],
    removed: [] as string[],
    dirs: new Set<string>(),
    /** The trash's moves (owed their fsyncs, flushed with the folders). */
    trash: owedSync(),
  };

  /** Received paths not written here, with why (see `nameScreen.ts`). */
  private readonly unsyncable: UnsyncableRun;
  /** Folders' permission bits: set once what they hold is written (`folderModes.ts`). */
  private folderModes: FolderModes | undefined;

  /** The temp files this run gave up; those not found where they were made are looked for. */
  private readonly temps: DiscardedTemps;
  /** Temp files not found where they were written (their folder moved), and how many were found. */
  readonly movedTemps = { missing: 0, removed: 0 };

  constructor(
    private readonly options: MaterializerOptions,
    private readonly trash: Trash,
    private readonly flusher: TempFlusher,
    private readonly space: DiskSpace,
    private readonly foldingOf: (rootReal: string) => NameFolding,
  ) {
    this.unsyncable = new UnsyncableRun(options.unsyncable);
    this.temps = new DiscardedTemps(options.root, options.ignore);
  }

  report(): MaterializeReport {
    return {
      ...this.out,
      chunksReused: this.resolver?.reused ?? 0,
      chunksDownloaded: this.resolver?.downloaded ?? 0,
    };
  }

  private error(p: string, e: NetGuardianError): void {
    this.out.errors.push({ path: p, code: e.code, message: e.message });
    // Stuck until someone moves one of the two: listed, so the status can't say "Synced".
    if (e.code === 'PathBlocked')
      this.unsyncable.add({ path: p, reason: 'path-blocked', message: e.message, side: 'remote' });
  }

  /**
   * A file (or its conflict copy, `bytes` into `dir`) the writer refused before writing anything
   * (contentWriter.ts, `space`): one waiting for free space is listed as such and tried again
   * once there is room (device/spaceWait.ts); one over the per-file maximum is listed as too
   * large. Any other failure is an error.
   */
  private notWritten(id: string, e: NetGuardianError, bytes: number, dir: string): void {
    if (e.code === 'NoSpace') {
      this.unsyncable.add({ path: id, reason: 'no-space', message: e.message, side: 'remote' });
      this.out.waitingForSpace.push({ path: id, bytes, volume: this.space.volumeOf(dir) });
      return;
    }
    if (e.code === 'PayloadTooLarge')
      this.unsyncable.add({ path: id, reason: 'too-large', message: e.message, side: 'remote' });
    this.error(id, e);
  }

  private ignored(p: string, isDir: boolean): boolean {
    const rules = this.options.ignore?.();
    if (rules) return rules.excludes(p, isDir);
    return p.slice(p.lastIndexOf('/') + 1).startsWith(TEMP_PREFIX);
  }

  async apply(entityIds: readonly string[]): Promise<void> {
    try {
      this.rootReal = await realpath(this.options.root);
    } catch (e) {
      this.error('', ioError('', 'open the folder', e));
      return;
    }
    if (!(await this.folderStillThere())) return;
    this.folderModes = new FolderModes(this.rootReal, this.options.index);
    this.resolver = new ChunkResolver({
      rootReal: this.rootReal,
      spaceId: this.options.spaceId,
      index: this.options.index,
      source: this.options.chunks,
    });
    // Paths unsafe on every device are errors (a peer's event with one never gets here: it is
    // quarantined); names only this device can't write are listed instead (`screenNames`).
    const candidates: string[] = [];
    for (const id of [...new Set(entityIds)].sort()) {
      if (validateEntityPath(id).ok) candidates.push(id);
      else {
        const abs = entityAbsPath(this.rootReal, id);
        if (!abs.ok) this.error(id, abs.error);
      }
    }
    const views = await loadViews(this.options.manager, candidates);
    const indexed = await this.options.index.getMany(candidates);
    const screened = screenNames({
      rootReal: this.rootReal,
      platform: this.options.platform ?? process.platform,
      folding: this.foldingOf(this.rootReal),
      ids: candidates,
      exists: (id) => views.get(id)?.exists === true,
      deleted: (id) => views.get(id)?.exists === false,
      indexed: (id) => indexed.has(id),
    });
    for (const file of screened.refused) this.unsyncable.add(file);
    const ids: string[] = [];
    for (const id of screened.settle) {
      const abs = entityAbsPath(this.rootReal, id);
      if (!abs.ok) this.error(id, abs.error);
      else ids.push(id);
    }
    // A file the store has where it also has entries under it is settled as a folder
    // (displacedFiles.ts); one above this batch is settled with it, before what it holds.
    const plan = await planDisplaced(this.options.manager, ids, views);
    this.displaced = plan.displaced;
    if (plan.extraViews.size > 0) {
      const extra = [...plan.extraViews.keys()];
      for (const [id, view] of plan.extraViews) views.set(id, view);
      for (const [id, row] of await this.options.index.getMany(extra)) indexed.set(id, row);
      ids.push(...extra);
      ids.sort();
    }
    const folding = this.foldingOf(this.rootReal);
    if (foldsNames(folding))
      for (const id of ids) {
        const key = foldKey(id, folding);
        this.byFold.set(key, [...(this.byFold.get(key) ?? []), id]);
      }
    const present = ids.filter((id) => views.get(id)?.exists);
    // Children before parents, and after every write (a rename's new file reuses the old one's chunks).
    const absent = ids.filter((id) => !views.get(id)?.exists).reverse();
    // Read-only folders the run writes or removes in (those above its paths, and those it removes:
    // a folder moved to the trash is written in too) are open until it ends.
    await this.folderModes.open([...ids.flatMap(ancestorsOf), ...absent], indexed);

    // Folders first, parents before children; then files, several at once (no file is another's
    // parent), group by group: a group's temp files are made durable together, then renamed.
    const isDir = (id: string) =>
      isDirectoryContent(views.get(id)?.content) || this.displaced.has(id);
    for (const id of present.filter(isDir)) await this.settle(id, views.get(id), indexed.get(id));
    const files = present.filter((id) => !isDir(id));
    const groups = [...this.prefetchGroups(files, views, indexed)];
    const resolver = this.resolver;
    const fetchAhead = (i: number) => {
      const group = groups[i];
      if (!group) return undefined;
      const fetched = resolver.fetchAhead(group.refs);
      // Awaited below; a failure meanwhile must not count as unhandled.
      fetched.catch(() => undefined);
      return fetched;
    };
    let ahead = fetchAhead(0);
    const turns = new EventLoopTurns();
    for (const [i, group] of groups.entries()) {
      if (!(await this.folderStillThere())) break;
      resolver.usePrefetched((await ahead) ?? new Map());
      // The next group's chunks download while this group's files are written.
      ahead = fetchAhead(i + 1);
      const queue = [...group.ids];
      const worker = async () => {
        for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
          await turns.take();
          await this.settle(id, views.get(id), indexed.get(id));
        }
      };
      // The group's files go to temp files first, made durable together, then renamed.
      this.deferFlush = true;
      try {
        await Promise.all(Array.from({ length: WRITE_CONCURRENCY }, worker));
      } finally {
        this.deferFlush = false;
        // Also after a failure: the temp files written are whole and verified.
        await this.commitWrites();
        // The group's temp files are all renamed or given up: any its writes did not find where
        // they were made (their folder moved) is looked for now, not left there.
        await this.findMissingTemps();
      }
    }
    try {
      if (await this.folderStillThere()) {
        for (const id of absent) await this.settle(id, views.get(id), indexed.get(id));
        await this.settleVacated(new Set(ids));
        await this.replaceFolders();
      }
    } finally {
      // Folders that could not be replaced (or a folder gone meanwhile): their files wait.
      for (const w of this.overFolders.splice(0, this.overFolders.length))
        this.temps.discard(w.temp);
      resolver.clear();
      await this.findMissingTemps();
    }
    this.finishFolders();
    await this.flushIndex();
    await this.recordDisplacingFolders();
    // Listed: what this batch refused; no longer listed: the rest of it (written, or deleted).
    await this.unsyncable.finish('remote', { kind: 'paths', paths: candidates, subtrees: false });
    if (this.out.conflictCopies.length > 0) {
      // Recorded as ordinary files; the same copy written by several devices is one version.
      const scan = await this.options.scanner.scanPaths(this.out.conflictCopies);
      for (const e of scan.errors) this.out.errors.push(e);
    }
  }

  /** Folders' bits, once everything in them is written: the store's, or their own if opened. */
  private finishFolders(): void {
    const done = this.folderModes?.finish();
    if (!done) return;
    this.rows.push(...done.rows);
    this.out.modeChanged.push(...done.changed);
  }

  /** After a run that threw: the folders it opened get their bits back (their rows with them). */
  async closeFolders(): Promise<void> {
    const done = this.folderModes?.finish();
    if (done && done.rows.length > 0) await this.options.index.upsertMany(done.rows);
  }

  /**
   * Removes the temp files this run gave up but did not find where it made them (the user moved
   * their folder while they were written), wherever in the folder they are now, with any other
   * leftover (`DiscardedTemps`).
   */
  private async findMissingTemps(): Promise<void> {
    const found = await this.temps.findMissing();
    this.movedTemps.missing += found.missing;
    this.movedTemps.removed += found.files;
  }

  /** Whether the folder is still there (see `folderPresent`); when not, says so once. */
  private async folderStillThere(): Promise<boolean> {
    if (!this.options.folderPresent || (await this.options.folderPresent())) return true;
    if (!this.folderGoneReported) {
      this.folderGoneReported = true;
      this.error(
        '',
        new NetGuardianError(
          'NotFound',
          `the folder ${this.options.root} is missing (or its ${MARKER_FILE} file is): nothing is written until it is back`,
        ),
      );
    }
    return false;
  }

  private async flushIndex(): Promise<void> {
    await this.syncDirs();
    await this.options.index.upsertMany(this.rows.splice(0, this.rows.length));
    await this.options.index.deleteMany(this.dropped.splice(0, this.dropped.length));
  }

  /** Present entities in order, grouped so small files' missing chunks are fetched in one request per group. */
  private *prefetchGroups(
    ids: readonly string[],
    views: ReadonlyMap<string, FileView | undefined>,
    indexed: ReadonlyMap<string, IndexEntry>,
  ): Generator<{ ids: string[]; refs: ChunkRef[] }> {
    let group: string[] = [];
    let refs: ChunkRef[] = [];
    let bytes = 0;
    for (const id of ids) {
      const content = views.get(id)?.content;
      const needs =
        content &&
        !isDirectoryContent(content) &&
        content.size <= PREFETCH_FILE_MAX &&
        indexed.get(id)?.hash !== content.hash;
      if (needs && bytes + content.size > PREFETCH_BYTES && group.length > 0) {
        yield { ids: group, refs };
        group = [];
        refs = [];
        bytes = 0;
      }
      group.push(id);
      if (needs) {
        refs.push(...(content.chunks ?? []));
        bytes += content.size;
      }
    }
    if (group.length > 0) yield { ids: group, refs };
  }

  /**
   * Makes one entity's path match the store. Before replacing or removing
   * anything, the disk is compared with the index: an unscanned local change
   * is scanned first (so it becomes its own version, a conflict sibling) and
   * the decision is made again on the new view.
   */
  private async settle(
    id: string,
    firstView: FileView | undefined,
    firstIndexed: IndexEntry | undefined,
    rescanFirst = false,
  ): Promise<void> {
    let view = firstView;
    let indexed = firstIndexed;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      if (round > 0 || rescanFirst) {
        await this.flushIndex();
        await this.options.scanner.scanPaths([id]);
        view = await this.options.manager.getFileState(id);
        indexed = await this.options.index.get(id);
      }
      const isDir =
        view?.exists === true && (isDirectoryContent(view.content) || this.displaced.has(id));
      if (this.ignored(id, isDir)) return;
      const where = await resolveExisting(this.rootReal, id, this.checkedDirs);
      if (!where.ok) {
        this.error(id, where.error);
        return;
      }
      let outcome: Outcome;
      try {
        const st = where.value === undefined ? undefined : await lstatOrUndefined(where.value);
        if (st?.isSymbolicLink()) {
          this.error(
            id,
            new NetGuardianError('PathEscapesRoot', `${id} is a symlink here; left alone`, 'path'),
          );
          return;
        }
        // Found under another name (a case-only rename on a file system that ignores case)?
        const alias = st && !matchesDisk(st, indexed) ? this.aliasOf(id, st) : undefined;
        if (st && alias !== undefined) {
          outcome = view?.exists
            ? await this.renameCase(alias, id, view, st)
            : this.forgetAlias(id, indexed);
        } else if (!matchesDisk(st, indexed)) {
          outcome = 'rescan';
        } else if (view?.exists) {
          outcome = await this.settlePresent(id, view, indexed, st);
        } else {
          outcome = await this.settleAbsent(id, indexed, st);
        }
      } catch (e) {
        this.error(id, e instanceof NetGuardianError ? e : ioError(id, 'write', e));
        return;
      }
      if (outcome === 'done') return;
    }
    this.out.deferred.push(id);
  }

  /** `settle` for a path found changed locally just before its rename: scanned, then decided anew. */
  private async settleAgain(id: string): Promise<void> {
    const deferring = this.deferFlush;
    this.deferFlush = false;
    try {
      await this.settle(id, undefined, undefined, true);
    } finally {
      this.deferFlush = deferring;
    }
  }

  private async settlePresent(
    id: string,
    view: FileView,
    indexed: IndexEntry | undefined,
    st: Stats | undefined,
  ): Promise<Outcome> {
    if (this.displaced.has(id)) return this.settleDisplaced(id, view, indexed, st);
    const content = view.content as ContentRef;
    // Also when a folder won over a file: the file's copy is written before it goes below.
    await this.writeCopies(id, view.conflicts, view, indexed);
    const versionClock = view.winner?.clock ?? view.clock;
    if (isDirectoryContent(content)) {
      if (st?.isDirectory()) {
        // A chmod here not scanned yet is recorded first (its own version), then decided again.
        if (indexed?.kind === 'dir' && permissionsOf(indexed.mode) !== permissionsOf(st.mode))
          return 'rescan';
        this.out.unchanged.push(id);
      } else {
        if (st?.isFile()) {
          await this.trash.move(
            this.absOf(id),
            {
              path: id,
              kind: 'file',
              hash: indexed?.hash ?? null,
              size: st.size,
              reason: 'replaced',
            },
            this.unsynced.trash,
          );
        }
        const target = await prepareTarget(this.rootReal, id, this.checkedDirs);
        if (!target.ok) throw target.error;
        await this.indexCreatedDirs(target.value.createdDirs);
        await mkdir(target.value.abs);
        this.unsynced.dirs.add(path.dirname(target.value.abs));
        this.out.dirsCreated.push(id);
      }
      // What this settle saw (or made): a chmod since is the next scan's to find.
      const seen = st?.isDirectory() ? st : lstatSync(this.absOf(id));
      this.rows.push(indexEntryOf(id, seen, null, null, versionClock));
      this.folderModes?.want(id, view.fields, versionClock, seen);
      return 'done';
    }

    const wanted = wantedMode(view.fields);
    // A folder where the file goes (removed on another device, a file written under its name):
    // the file is written beside it now, and put in place once this run's removals have emptied
    // the folder (`replaceFolders`), so its content can still come from the folder's files.
    if (st && !st.isDirectory() && indexed?.hash === content.hash) {
      // Bits already the version's (as set here, or masked by the umask as written) stay.
      const mode = modeToApply(st.mode, wanted);
      const chmodded = mode !== undefined && applyMode(this.absOf(id), mode);
      // The conflict copies were written above (awaited): a save made since `st` is another
      // content. Indexed as this one, no scan would ever look at it again; it is scanned first.
      const now = lstatQuiet(this.absOf(id));
      if (!now || !sameContentStat(indexed, diskStatOf(now))) return 'rescan';
      this.out[chmodded ? 'modeChanged' : 'unchanged'].push(id);
      // The row is what this settle saw (`st`, checked against the index) and did, never a
      // later look: a chmod made meanwhile is then a change for the next scan.
      const row = indexEntryOf(id, st, content.hash, content.chunks ?? [], versionClock);
      this.rows.push(chmodded ? { ...row, mode: (st.mode & ~0o7777) | mode } : row);
      return 'done';
    }
    return this.writeContent(id, content, wanted, view, st, indexed);
  }

  /** Writes `versions` (losers, or a displaced winner) as conflict copies beside `id`. */
  private async writeCopies(
    id: string,
    versions: readonly FileVersion[],
    view: FileView,
    indexed: IndexEntry | undefined,
  ): Promise<void> {
    const copies = await writeConflictCopies(
      id,
      { ...view, conflicts: versions },
      {
        rootReal: this.rootReal,
        manager: this.options.manager,
        resolver: this.resolver as ChunkResolver,
        checkedDirs: this.checkedDirs,
        // The file at the path may hold the copies' chunks.
        hints: indexed ? [indexed] : [],
        discard: this.temps.discard,
        space: this.space,
      },
    );
    this.out.conflictCopies.push(...copies.written);
    for (const e of copies.errors) {
      const version = versions.find((v) => conflictCopyPath(id, v) === e.path);
      if ((e.code === 'NoSpace' || e.code === 'PayloadTooLarge') && version?.value) {
        // Listed under the file, which reconcile takes up again while it is in conflict.
        const why = new NetGuardianError(
          e.code,
          `its conflict copy ${e.path} is not written: ${e.message}`,
          'content',
        );
        this.notWritten(id, why, version.value.size, path.dirname(this.absOf(e.path)));
      } else this.out.errors.push(e);
    }
  }

  /**
   * A file the store has at a path it also has entries under (displacedFiles.ts): the file's
   * version (and any losing ones) is written beside it under its copy name, and the path becomes
   * a folder. A file on disk there goes to the trash (kept there) only once its copy is written
   * or recorded. A folder made here is recorded at the end of the run.
   */
  private async settleDisplaced(
    id: string,
    view: FileView,
    indexed: IndexEntry | undefined,
    st: Stats | undefined,
  ): Promise<Outcome> {
    const winner = view.winner as FileVersion;
    await this.writeCopies(id, [winner, ...view.conflicts], view, indexed);
    if (st?.isDirectory()) {
      if (indexed?.kind === 'dir') {
        // A chmod here not scanned yet is recorded first (its own version), as for any folder.
        if (permissionsOf(indexed.mode) !== permissionsOf(st.mode)) return 'rescan';
        this.out.unchanged.push(id);
        // Its row keeps the version it was recorded from.
        this.folderModes?.want(id, view.fields, indexed.versionClock ?? view.clock, st);
      } else {
        // A folder this device did not record (made as a parent, or found here).
        this.displacingFolder(id, view, st);
      }
      return 'done';
    }
    if (st) {
      // The copy is in the folder, or is an entity of its own (recorded by a device that wrote
      // it, and written here from it): either way the file's bytes stay reachable.
      const copyId = conflictCopyPath(id, winner);
      const copyKept =
        lstatQuiet(this.absOf(copyId)) !== undefined ||
        (await this.options.manager.getFileState(copyId)) !== undefined;
      if (!copyKept) {
        this.error(id, copyNotWritten(id, copyId));
        return 'done';
      }
      await this.trash.move(
        this.absOf(id),
        { path: id, kind: 'file', hash: indexed?.hash ?? null, size: st.size, reason: 'replaced' },
        this.unsynced.trash,
      );
    }
    const target = await prepareTarget(this.rootReal, id, this.checkedDirs);
    if (!target.ok) throw target.error;
    await this.indexCreatedDirs(target.value.createdDirs);
    await mkdir(target.value.abs);
    this.unsynced.dirs.add(path.dirname(target.value.abs));
    this.out.dirsCreated.push(id);
    this.displacingFolder(id, view, lstatSync(target.value.abs));
    return 'done';
  }

  /**
   * A folder where the store has a displaced file, to be recorded at the end of the run with the
   * store's bits, not mkdir's (or whatever it had): `recordDisplacingFolders` runs after
   * `finishFolders` set them, so its version says what the other devices have.
   */
  private displacingFolder(id: string, view: FileView, seen: Stats): void {
    this.displacing.push({ id, basis: view.clock });
    this.folderModes?.want(id, view.fields, view.clock, seen);
  }

  /**
   * Records the folders `settleDisplaced` made (durable by now: `flushIndex` ran), each on the
   * basis of every version the store had at its path, so the path converges to one folder.
   */
  private async recordDisplacingFolders(): Promise<void> {
    for (const { id, basis } of this.displacing.splice(0, this.displacing.length)) {
      const st = lstatQuiet(this.absOf(id));
      if (!st?.isDirectory()) continue;
      // With the bits it has: the store's, set by `finishFolders`, unless a scan recorded this
      // folder meanwhile with mkdir's (the watcher saw it made), which then was newer. Recorded
      // as they are, every device ends with the same bits whichever way that race went.
      const recorded = await this.options.manager.updateFileState(id, {
        content: DIRECTORY_CONTENT,
        fields: { [FOLDER_MODE_FIELD]: permissionsOf(st.mode) },
        basis,
      });
      if (!recorded.ok) {
        this.error(id, recorded.error);
        continue;
      }
      const clock = recorded.value.winner?.clock ?? recorded.value.clock;
      await this.options.index.upsertMany([indexEntryOf(id, st, null, null, clock)]);
    }
  }

  /** Writes new content atomically: temp file beside the target, fsync, mode, mtime, rename. */
  private async writeContent(
    id: string,
    content: ContentRef,
    wanted: WantedMode,
    view: FileView,
    st: Stats | undefined,
    indexed: IndexEntry | undefined,
  ): Promise<Outcome> {
    const target = await prepareTarget(this.rootReal, id, this.checkedDirs);
    if (!target.ok) throw target.error;
    await this.indexCreatedDirs(target.value.createdDirs);
    const abs = target.value.abs;
    const deferred = this.deferFlush && this.flusher.batches;
    const temp = await writeTempFile(
      path.dirname(abs),
      content,
      this.resolver as ChunkResolver,
      indexed ? [indexed] : [],
      // The winner's own modification time (the field may be another sibling's: LWW by hlc).
      {
        mode: modeToWrite(st?.isFile() ? st.mode : undefined, wanted),
        ...mtimeToWrite(view.winner, view.fields['mtimeMs']),
      },
      { flushLater: deferred, discard: this.temps.discard, space: this.space },
    );
    if (!temp.ok) {
      this.notWritten(id, temp.error, content.size, path.dirname(abs));
      return 'done';
    }
    const write: PendingWrite = { id, temp: temp.value, abs, content, view, st, indexed };
    if (!deferred && st?.isDirectory()) {
      this.overFolders.push(write);
      return 'done';
    }
    if (deferred) {
      // Renamed once the group's temp files are durable together (`commitWrites`).
      this.pendingWrites.push(write);
      return 'done';
    }
    return this.renameIntoPlace(write);
  }

  /**
   * Makes the changes since the last call durable (the folders of the files renamed or removed,
   * each once, and the trash's moves) with one flush, then lets their index rows be written. If
   * that fails, those paths are reported as errors and the index is left as it was: the next
   * scan finds the disk equal to the store, or records what is still there.
   */
  private async syncDirs(): Promise<void> {
    const { renamed, removed, dirs, trash } = this.unsynced;
    if (dirs.size === 0 && trash.dirs.length === 0) return;
    const written = renamed.splice(0, renamed.length);
    const gone = removed.splice(0, removed.length);
    const files = trash.files.splice(0, trash.files.length);
    // A folder removed since its entries changed (its files deleted, then itself) needs no fsync:
    // its removal is made durable with the folder that held it, which is among these.
    const folders = [...new Set([...dirs, ...trash.dirs.splice(0, trash.dirs.length)])].filter(
      (d) => lstatQuiet(d)?.isDirectory(),
    );
    dirs.clear();
    try {
      await this.flusher.flush(files, folders);
    } catch (e) {
      for (const id of [...written.map((w) => w.id), ...gone])
        this.error(id, ioError(id, 'make durable', e));
      return;
    }
    for (const { id, row } of written) {
      this.rows.push(row);
      this.out.written.push(id);
    }
    for (const id of gone) {
      this.dropped.push(id);
      this.out.removed.push(id);
    }
  }

  /**
   * Makes the group's temp files durable with one flush; then keeps the replaced files in the
   * trash, made durable with another; then moves each into place, and makes the renames durable
   * with one more (`syncDirs`). One whose target changed locally meanwhile is settled again
   * (scanned first, so the edit is kept).
   */
  private async commitWrites(): Promise<void> {
    const writes = this.pendingWrites.splice(0, this.pendingWrites.length);
    if (writes.length === 0) return;
    try {
      await this.flusher.flush(writes.map((w) => w.temp));
    } catch (e) {
      for (const w of writes) this.failWrite(w, e);
      return;
    }
    const changed: string[] = [];
    const overFolder = (w: PendingWrite) => w.st?.isDirectory() === true;
    this.overFolders.push(...writes.filter(overFolder));
    for (const w of await this.keepReplaced(
      writes.filter((w) => !overFolder(w)),
      changed,
    )) {
      try {
        if ((await this.renameIntoPlace(w, true)) === 'rescan') changed.push(w.id);
      } catch (e) {
        this.error(w.id, e instanceof NetGuardianError ? e : ioError(w.id, 'write', e));
      }
    }
    await this.syncDirs();
    for (const id of changed) await this.settleAgain(id);
  }

  private failWrite(w: PendingWrite, e: unknown): void {
    this.temps.discard(w.temp);
    const dir = path.dirname(w.abs);
    // Full at the flush (delayed allocation): the file waits for space, as if refused at first.
    const full = isOutOfSpace(e) ? this.space.shortOf(dir, w.content.size, 1) : undefined;
    if (full) this.notWritten(w.id, receivedFileError(full), w.content.size, dir);
    else this.error(w.id, e instanceof NetGuardianError ? e : ioError(w.id, 'write', e));
  }

  /**
   * The trash's copies of the files a group replaces, made durable together before any of them
   * is replaced (one flush for the group, not a few fsyncs per file). A target changed locally
   * since it was decided gets no copy and goes to `changed`. Returns the writes to rename.
   */
  private async keepReplaced(
    writes: readonly PendingWrite[],
    changed: string[],
  ): Promise<PendingWrite[]> {
    const owed = owedSync();
    const ready: PendingWrite[] = [];
    for (const w of writes) {
      try {
        if (!matchesDisk(lstatQuiet(w.abs), w.indexed)) {
          this.temps.discard(w.temp);
          changed.push(w.id);
          continue;
        }
        if (w.st?.isFile()) await this.trash.keepCopy(w.abs, replacedRequest(w, w.st), owed);
        ready.push(w);
      } catch (e) {
        this.failWrite(w, e);
      }
    }
    try {
      await this.flusher.flush(owed.files, owed.dirs);
    } catch (e) {
      for (const w of ready) this.failWrite(w, e);
      return [];
    }
    return ready;
  }

  /**
   * The last look at the target, the replaced file's copy to the trash (durable before the
   * rename; made already when `kept`), the rename; the index row waits for the folder's fsync
   * (`syncDirs`).
   */
  private async renameIntoPlace(write: PendingWrite, kept = false): Promise<Outcome> {
    const { id, temp, abs, content, view, st, indexed } = write;
    let placed: Stats;
    // Synchronous calls (see localIo.ts): nothing but the replaced file's copy to the trash
    // comes between the last look and the rename.
    try {
      // Last look: a local write since the check above is scanned, not overwritten.
      if (!matchesDisk(lstatQuiet(abs), indexed)) {
        this.temps.discard(temp);
        return 'rescan';
      }
      if (st?.isFile() && !kept) await this.trash.keepCopy(abs, replacedRequest(write, st));
      // The temp file as written is what goes to the index (the rename keeps its inode, size,
      // mtime and mode): a look after the rename could see a change the user just made.
      placed = lstatSync(temp);
      renameSync(temp, abs);
    } catch (e) {
      // Not renamed: ENOENT here means the user moved its folder meanwhile (`DiscardedTemps`).
      this.temps.discard(temp);
      throw e;
    }
    releaseTemp(temp);
    this.unsynced.dirs.add(path.dirname(abs));
    const row = indexEntryOf(
      id,
      placed,
      content.hash,
      content.chunks ?? [],
      view.winner?.clock ?? view.clock,
    );
    this.unsynced.renamed.push({ id, row });
    return 'done';
  }

  private async settleAbsent(
    id: string,
    indexed: IndexEntry | undefined,
    st: Stats | undefined,
  ): Promise<Outcome> {
    this.vacated.add(parentOf(id));
    if (!st) {
      if (indexed) this.dropped.push(id);
      return 'done';
    }
    // The old name of a case-only rename, where the file system takes both names for one entry:
    // removing it would remove the file under its new name.
    if (this.aliasOf(id, st) !== undefined) return this.forgetAlias(id, indexed);
    const abs = this.absOf(id);
    if (st.isFile()) {
      // Moves to the trash owe their fsyncs: made durable with the others before the rows go.
      await this.trash.move(
        abs,
        { path: id, kind: 'file', hash: indexed?.hash ?? null, size: st.size, reason: 'deleted' },
        this.unsynced.trash,
      );
    } else if (st.isDirectory()) {
      if ((await this.removeFolder(id, 'deleted')).length > 0) {
        // Still holds synced or new files: it stays, and the next scan records it again.
        this.dropped.push(id);
        this.out.deferred.push(id);
        return 'done';
      }
    } else {
      return 'done';
    }
    this.unsynced.removed.push(id);
    return 'done';
  }

  /**
   * The entity id the entry at `id` (`st`) is listed under, when that is another name for it
   * (caseAliases.ts): asked of the OS, else found as the entry of another id of this run that
   * differs only in case (unless both names are listed: hard links).
   */
  private aliasOf(id: string, st: Stats): string | undefined {
    const folding = this.foldingOf(this.rootReal);
    if (!foldsNames(folding)) return undefined;
    const listed = listedAs(this.rootReal, id, folding);
    if (listed !== undefined) return listed;
    for (const other of this.byFold.get(foldKey(id, folding)) ?? []) {
      if (other === id) continue;
      const there = lstatQuiet(this.absOf(other));
      if (there && sameEntry(there, st)) return listedByReading(this.rootReal, id, folding);
    }
    return undefined;
  }

  /** `id` only reaches an entry listed under another name: nothing of its own is here. */
  private forgetAlias(id: string, indexed: IndexEntry | undefined): Outcome {
    if (indexed) this.dropped.push(id);
    return 'done';
  }

  /**
   * A case-only rename on a file system that ignores case: `id` (which the store has) reaches
   * the entry listed as `listed`. If the store no longer has `listed` and the entry is as
   * indexed there, the entry is renamed to `id` (applied as a rename: no second file written
   * over it, nothing removed) and its index row follows; then `id` is settled as any other
   * path. If the store has both names, this folder cannot hold both: `listed` stays.
   */
  private async renameCase(
    listed: string,
    id: string,
    view: FileView,
    st: Stats,
  ): Promise<Outcome> {
    await this.flushIndex();
    if ((await this.options.manager.getFileState(listed))?.exists) {
      this.error(
        id,
        new NetGuardianError(
          'DuplicatePath',
          `${id} and ${listed} differ only in case, and this folder's file system takes them for one name: ${listed} is kept and ${id} is not written here`,
          'path',
        ),
      );
      return 'done';
    }
    const was = await this.options.index.get(listed);
    if (!was || !matchesDisk(st, was)) {
      // Changed here since it was last scanned: recorded first (its own version, nothing lost),
      // and decided on the next apply.
      await this.options.scanner.scanPaths([listed]);
      this.out.deferred.push(id);
      return 'done';
    }
    const abs = this.absOf(id);
    renameSync(this.absOf(listed), abs);
    this.checkedDirs.delete(listed);
    this.unsynced.dirs.add(path.dirname(abs));
    this.dropped.push(listed);
    const now = lstatSync(abs);
    if (this.aliasOf(id, now) !== undefined)
      throw new NetGuardianError(
        'FileSystemError',
        `cannot rename ${listed} to ${id}: the file system kept the old name`,
        'path',
      );
    const row: IndexEntry = { ...was, path: id, ...diskStatOf(now) };
    return this.settlePresent(id, view, row, now);
  }

  /**
   * Removes a folder the store no longer has as a folder (deleted, or replaced by a file): an
   * empty one is removed, one holding only ignored leftovers (.DS_Store, build output) goes to
   * the trash with them. One holding anything else stays: returns what it holds (a few names),
   * empty when the folder is gone.
   */
  private async removeFolder(id: string, reason: TrashReason): Promise<string[]> {
    const abs = this.absOf(id);
    this.checkedDirs.delete(id);
    const entries = await readdir(abs, { withFileTypes: true });
    if (entries.length === 0) {
      try {
        await rmdir(abs);
      } catch (e) {
        // Something was put in it since the listing: it stays (rmdir removes only an empty folder).
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOTEMPTY' || code === 'EEXIST') return readdir(abs);
        throw e;
      }
      this.unsynced.dirs.add(path.dirname(abs));
      return [];
    }
    const held = entries.filter((e) => !this.ignored(`${id}/${e.name}`, e.isDirectory()));
    if (held.length > 0) return held.map((e) => e.name);
    await this.trash.move(
      abs,
      { path: id, kind: 'dir', hash: null, size: 0, reason },
      this.unsynced.trash,
    );
    return [];
  }

  /**
   * Paths whose entries this run removed, and that the store has as files (not in this run:
   * their folder was replaced by a file in an earlier pull, while it still held files whose
   * deletions came in this one): written now that the folder may be empty.
   */
  private async settleVacated(settled: ReadonlySet<string>): Promise<void> {
    const candidates = [...this.vacated].filter((p) => p !== '' && !settled.has(p));
    this.vacated.clear();
    if (candidates.length === 0) return;
    const views = await loadViews(this.options.manager, candidates);
    const files = candidates.filter((p) => {
      const view = views.get(p);
      return view?.exists === true && !isDirectoryContent(view.content);
    });
    if (files.length === 0) return;
    const indexed = await this.options.index.getMany(files);
    for (const p of files.sort()) {
      const abs = this.absOf(p);
      if (lstatQuiet(abs)?.isDirectory()) {
        let held: string[];
        try {
          held = await readdir(abs);
        } catch (e) {
          this.error(p, ioError(p, 'list', e));
          continue;
        }
        // Still holding entries whose deletions a later apply writes: that one comes back here.
        if ((await this.sortHeld(p, held)).leaving.length > 0) continue;
      }
      await this.settle(p, views.get(p), indexed.get(p));
    }
  }

  /**
   * A folder that a file replaces still holds entries. Those the store has as deleted are
   * removed by an apply still to come (a pulled batch is stored while the one before it is
   * written), which settles the file again (`settleVacated`): deferred. Any other (a file not
   * synced yet, or one the store still has) keeps the folder: an error names them.
   */
  private async folderStillHeld(id: string, held: readonly string[]): Promise<void> {
    const { staying } = await this.sortHeld(id, held);
    if (staying.length === 0) this.out.deferred.push(id);
    else this.error(id, folderInTheWay(id, staying));
  }

  /** A folder's entries (names): those the store has as deleted (`leaving`), and the others. */
  private async sortHeld(
    id: string,
    held: readonly string[],
  ): Promise<{ leaving: string[]; staying: string[] }> {
    const heldIds = held.map((name) => `${id}/${name}`);
    const views = await loadViews(this.options.manager, heldIds);
    const leaving = heldIds.filter((h) => views.get(h)?.exists === false);
    return { leaving, staying: heldIds.filter((h) => views.get(h)?.exists !== false) };
  }

  /**
   * Puts the files replacing folders in place: each folder, if its files were all removed (by
   * this run or earlier), is removed (`removeFolder`), then the file is renamed to its name. A
   * folder still holding files is kept and the file is not written (`folderStillHeld`). One
   * changed locally since it was decided is settled again (scanned first, so the change is kept).
   */
  private async replaceFolders(): Promise<void> {
    for (let round = 0; round < MAX_ROUNDS && this.overFolders.length > 0; round++) {
      const changed: string[] = [];
      for (const w of this.overFolders.splice(0, this.overFolders.length)) {
        try {
          const now = lstatQuiet(w.abs);
          if (!matchesDisk(now, w.indexed)) {
            this.temps.discard(w.temp);
            changed.push(w.id);
            continue;
          }
          const held = await this.removeFolder(w.id, 'replaced');
          if (held.length > 0) {
            this.temps.discard(w.temp);
            await this.folderStillHeld(w.id, held);
            continue;
          }
          // The folder is gone: the last look expects nothing there.
          const placed = await this.renameIntoPlace({ ...w, st: undefined, indexed: undefined });
          if (placed === 'rescan') changed.push(w.id);
        } catch (e) {
          this.failWrite(w, e);
        }
      }
      await this.syncDirs();
      for (const id of changed) await this.settleAgain(id);
    }
  }

  /**
   * Folders created as parents are indexed when the store has them as folders (else the scanner
   * records them); the folders holding them are fsynced before any index row is written.
   */
  private async indexCreatedDirs(dirs: readonly string[]): Promise<void> {
    for (const dir of dirs) {
      this.unsynced.dirs.add(path.dirname(this.absOf(dir)));
      const view = await this.options.manager.getFileState(dir);
      if (!view?.exists || !isDirectoryContent(view.content)) continue;
      const st = lstatSync(this.absOf(dir));
      const versionClock = view.winner?.clock ?? view.clock;
      this.rows.push(indexEntryOf(dir, st, null, null, versionClock));
      this.folderModes?.want(dir, view.fields, versionClock, st);
    }
  }

  private absOf(id: string): string {
    const abs = entityAbsPath(this.rootReal, id);
    if (!abs.ok) throw abs.error;
    return abs.value;
  }
}

const parentOf = (id: string): string => id.slice(0, Math.max(0, id.lastIndexOf('/')));

/** Why a folder another device replaced by a file is still here (`held`: what it holds). */
function folderInTheWay(id: string, held: readonly string[]): NetGuardianError {
  const shown = held.slice(0, 3);
  const more = held.length > shown.length ? ` and ${held.length - shown.length} more` : '';
  return new NetGuardianError(
    'PathBlocked',
    `${id} is a file on another device, but here the folder ${id} still holds ${shown.join(', ')}${more}, ` +
      `which that device does not have: the folder is kept and the file is not written until it is empty`,
    'path',
  );
}

/** Why a file that must give way to a folder is still there. */
function copyNotWritten(id: string, copyId: string): NetGuardianError {
  return new NetGuardianError(
    'PathBlocked',
    `${id} is a folder on another device, holding files, and a file here: the file stays until ` +
      `its copy ${copyId} is written (its content is not here yet)`,
    'path',
  );
}

/** The trash request for the file a write replaces (`st`: what was there). */
const replacedRequest = (write: PendingWrite, st: Stats): KeepRequest => ({
  path: write.id,
  kind: 'file',
  hash: write.indexed?.hash ?? null,
  size: st.size,
  reason: 'replaced',
});
