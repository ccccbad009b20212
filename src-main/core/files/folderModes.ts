import type { Stats } from 'node:fs';
import type { Json } from '../../../src-shared/json.js';
import type { VectorClockJson } from '../../../src-shared/crdt/vectorClock.js';
import { applyMode } from './applyMode.js';
import { indexEntryOf, type FileIndex, type IndexEntry } from './fileIndex.js';
import {
  folderModeToSet,
  lacksOwnerRwx,
  OWNER_RWX,
  permissionsOf,
  sameBits,
  wantedFolderMode,
} from './fileModes.js';
import { lstatQuiet } from './localIo.js';
import { checkAncestors, entityAbsPath, type CheckedDirs } from './safePaths.js';

/**
 * Folders' permission bits in one materializer run (what syncs: fileModes.ts). A folder's mode
 * is set once the run has written what it holds, deepest folder first (`finish`): a folder
 * received read-only (0555) is first filled, then closed. A folder the run writes or removes in
 * whose owner can't read, write or enter it (a read-only folder getting a file from a peer, in
 * this run or a later one) is opened for the run (owner rwx added, `open`) and given its mode
 * back at the end.
 *
 * Never an echo: the scanner records a folder's bits only when they differ from both the store's
 * and the index's. An opened folder's index row says "opened" before the chmod does, and is put
 * back when the bits are; a set mode is the store's, less the umask as a file's
 * (`folderModeToSet`). A folder whose bits someone else changed during the run (not what this
 * run left there) is not touched again: the scanner records that.
 */
export class FolderModes {
  /** Folders the run settled that the store gives a mode: the bits, and what was on disk then. */
  private readonly wanted = new Map<string, Wanted>();
  /** Folders opened for the run: their bits before, and their index row before (if indexed). */
  private readonly opened = new Map<string, Opened>();

  constructor(
    private readonly rootReal: string,
    private readonly index: FileIndex,
  ) {}

  /**
   * Opens the folders the run writes or removes in, `folders` (not the root, whose mode never
   * syncs and is the user's), whose owner lacks read, write or search. Only real folders under
   * real folders: nothing is changed through a symlink. Each indexed one's row is written with
   * the opened bits before its chmod; `indexed` (the run's rows) gets those rows too.
   */
  async open(folders: readonly string[], indexed: Map<string, IndexEntry>): Promise<void> {
    const checked: CheckedDirs = new Set();
    const closed: { id: string; mode: number }[] = [];
    for (const id of [...new Set(folders)].sort()) {
      const above = await checkAncestors(this.rootReal, id, checked);
      if (!above.ok || above.value.length > 0) continue;
      const st = lstatQuiet(this.absOf(id));
      if (st?.isDirectory() && lacksOwnerRwx(st.mode)) closed.push({ id, mode: st.mode });
    }
    if (closed.length === 0) return;
    const rows = await this.index.getMany(closed.map((c) => c.id));
    const openedRows = closed.flatMap(({ id, mode }) => {
      const row = rows.get(id);
      return row?.kind === 'dir' ? [{ ...row, mode: mode | OWNER_RWX }] : [];
    });
    await this.index.upsertMany(openedRows);
    for (const row of openedRows) if (indexed.has(row.path)) indexed.set(row.path, row);
    for (const { id, mode } of closed) {
      const before = rows.get(id);
      if (!chmodFolder(this.absOf(id), (mode & 0o7777) | OWNER_RWX)) {
        // Gone meanwhile, or its bits are kept (not the owner, FAT): the row says what is there.
        if (before?.kind === 'dir') await this.index.upsertMany([before]);
        continue;
      }
      this.opened.set(id, {
        before: mode,
        opened: mode | OWNER_RWX,
        ...(before?.kind === 'dir' ? { row: before } : {}),
      });
    }
  }

  /**
   * A folder the run found or made (`seen`: as it was then) where the store has one (`fields`:
   * the store's), its bits set at `finish`. `versionClock`: the version its index row comes from.
   */
  want(
    id: string,
    fields: Readonly<Record<string, Json>>,
    versionClock: VectorClockJson,
    seen: Stats,
  ): void {
    const bits = wantedFolderMode(fields);
    if (bits === undefined) return;
    this.wanted.set(id, { bits, seen: permissionsOf(seen.mode), versionClock });
  }

  /**
   * Sets each wanted folder's bits and gives each opened one its own back, deepest first (a
   * folder closed before its subfolder would keep the run out of it). Returns the index rows of
   * the folders it changed, to be written with the run's others, and the folders given the
   * store's bits. Runs once; later calls do nothing.
   */
  finish(): { rows: IndexEntry[]; changed: string[] } {
    const ids = [...new Set([...this.wanted.keys(), ...this.opened.keys()])].sort().reverse();
    const rows: IndexEntry[] = [];
    const changed: string[] = [];
    for (const id of ids) {
      const done = this.settle(id);
      if (done.row) rows.push(done.row);
      if (done.changed) changed.push(id);
    }
    this.wanted.clear();
    this.opened.clear();
    return { rows, changed };
  }

  private settle(id: string): { row?: IndexEntry | undefined; changed?: boolean } {
    const abs = this.absOf(id);
    const now = lstatQuiet(abs);
    if (!now?.isDirectory()) return {};
    const bits = permissionsOf(now.mode);
    const wanted = this.wanted.get(id);
    const opened = this.opened.get(id);
    // What this run left there. Changed since, it is someone's chmod, for the scanner to record
    // (an opened folder's row goes back to what it was, so the scanner sees the change).
    const left = wanted?.seen ?? (opened ? permissionsOf(opened.opened) : bits);
    if (bits !== left) return { row: opened?.row };
    if (wanted) {
      if (sameBits(wanted.bits, bits))
        return { row: indexEntryOf(id, now, null, null, wanted.versionClock) };
      const mode = folderModeToSet(now.mode, wanted.bits);
      if (!chmodFolder(abs, mode)) return { row: opened?.row };
      const row = indexEntryOf(id, now, null, null, wanted.versionClock);
      return { row: { ...row, mode: (now.mode & ~0o7777) | mode }, changed: true };
    }
    if (opened) chmodFolder(abs, opened.before & 0o7777);
    return { row: opened?.row };
  }

  private absOf(id: string): string {
    const abs = entityAbsPath(this.rootReal, id);
    if (!abs.ok) throw abs.error;
    return abs.value;
  }
}

/**
 * `applyMode` on a folder: false when the file system keeps its bits, or when the folder went
 * meanwhile (a local removal, which the scanner records).
 */
function chmodFolder(abs: string, mode: number): boolean {
  try {
    return applyMode(abs, mode);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}

interface Wanted {
  readonly bits: number;
  readonly seen: number;
  readonly versionClock: VectorClockJson;
}

interface Opened {
  readonly before: number;
  readonly opened: number;
  readonly row?: IndexEntry;
}
