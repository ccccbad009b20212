import { readdirSync, readFileSync, unlinkSync, type Dirent } from 'node:fs';
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { childLogger, type Logger } from '../log.js';
import { IGNORE_FILE, IgnoreRules, TEMP_PREFIX } from './ignoreRules.js';
import { lstatQuiet } from './localIo.js';
import { discardTemp, isOurTempName, isTempInFlight } from './tempFiles.js';

/**
 * Removes `abs` if it is a leftover temp file of ours: ours by name (`isOurTempName`), a regular
 * file, and owned by no write in flight (tempFiles.ts); returns whether it did. The scanner's
 * walks call it for the temp files they skip, full scans and the folders the watcher names alike
 * (a folder the user moved is always one), so a leftover goes as soon as a walk meets it. Errors
 * (gone meanwhile, no permission) leave it for the next walk.
 */
export function removeIfLeftover(abs: string, name: string): boolean {
  return removeLeftover(abs, name) !== undefined;
}

/** Removes `abs` if a leftover temp file of ours (see `removeIfLeftover`): the bytes freed. */
function removeLeftover(abs: string, name: string): number | undefined {
  // In flight: a write (this process's: the owner's lock says no other writes here) owns it.
  if (!isOurTempName(name) || isTempInFlight(name)) return undefined;
  try {
    const st = lstatQuiet(abs);
    if (!st?.isFile()) return undefined;
    unlinkSync(abs);
    return st.size;
  } catch {
    // Gone meanwhile, or not ours to remove (permissions): left where it is.
    return undefined;
  }
}

export interface LeftoverCount {
  readonly files: number;
  readonly bytes: number;
}

export interface LeftoverTemps {
  readonly folder: LeftoverCount;
  readonly dataDir: LeftoverCount;
}

export interface LeftoverTempsOptions {
  /** The synced folder. */
  readonly root: string;
  /** The device's data directory (config, trash, store). */
  readonly dataDir: string;
  /** The folder's ignore rules; default: read from its `.netguardianignore` now. */
  readonly ignore?: IgnoreRules;
  readonly log?: Logger;
}

/**
 * Removes every leftover temp file of ours (exact name, `isOurTempName`; regular files only; in
 * flight in no write) from the synced folder and the data directory, whatever its age. For the
 * start of the process that owns the data directory, before anything else runs: it holds the
 * data directory's exclusive lock, so no process of ours is writing a temp file there, and every
 * one found is a leftover of a crash or a kill. (While running, the scanner's walks remove those
 * they meet: `removeIfLeftover`.)
 *
 * The folder is walked as `removeFolderLeftovers` walks it. The data directory is walked whole.
 * A missing or unreadable folder is skipped (nothing to remove there).
 */
export async function removeLeftoverTemps(options: LeftoverTempsOptions): Promise<LeftoverTemps> {
  const log = childLogger(options.log, 'staleTemps');
  const started = Date.now();
  const folder = await removeFolderLeftovers(options.root, options.ignore);
  const dataDir = await removeTempsUnder(options.dataDir, () => false);
  log.info(
    {
      folderFiles: folder.files,
      folderBytes: folder.bytes,
      dataDirFiles: dataDir.files,
      dataDirBytes: dataDir.bytes,
      ms: Date.now() - started,
    },
    'leftover temp files removed',
  );
  return { folder, dataDir };
}

/**
 * Removes every leftover temp file of ours from the synced folder, walking into the folders the
 * scanner's walk enters (treeWalk.ts: symlinks not followed, temp-named folders and folders the
 * ignore rules exclude not entered), so it finds the temp files the scanner would. Temp files in
 * flight stay. `ignore`: the folder's rules; default: read from its `.netguardianignore` now.
 */
export async function removeFolderLeftovers(
  root: string,
  ignore: IgnoreRules = readIgnoreRules(root),
): Promise<LeftoverCount> {
  return removeTempsUnder(root, (rel) => ignore.ignoresDir(rel));
}

/**
 * Gives up one temp file a write made in the synced folder `root`: removed where it was made, or,
 * if it was not there (the user moved its folder meanwhile), wherever in the folder it is now,
 * with any other leftover. For single writes (an upload, an import); the materializer gives up
 * many and looks once (`DiscardedTemps`).
 */
export async function giveUpTemp(temp: string, root: string): Promise<void> {
  if (!discardTemp(temp)) await removeFolderLeftovers(root);
}

/**
 * The temp files a run of writes into the synced folder gives up (`discard`). One not found
 * where it was made had its folder moved (or removed) by the user while it was written: if
 * moved, it is somewhere else in the folder now, released, and `findMissing`, called once the
 * run's writes are done with their temp files, walks the folder and removes it with any other
 * leftover. The scanner's walk of the moved folder (the watcher names it) removes it too, but
 * only if that walk comes after the release; the one the move itself brings may come while the
 * file is still in flight, and then nothing else would walk there.
 */
export class DiscardedTemps {
  private missing = 0;

  constructor(
    private readonly root: string,
    private readonly ignore?: () => IgnoreRules,
  ) {}

  /** Removes a temp file this run gives up, and notes it if it was not where it was made. */
  readonly discard = (temp: string): void => {
    if (!discardTemp(temp)) this.missing++;
  };

  /** Looks for the temp files `discard` did not find (none: nothing is walked); what it removed. */
  async findMissing(): Promise<LeftoverCount & { readonly missing: number }> {
    const missing = this.missing;
    if (missing === 0) return { files: 0, bytes: 0, missing };
    this.missing = 0;
    return { ...(await removeFolderLeftovers(this.root, this.ignore?.())), missing };
  }
}

/** Entries handled between two turns of the event loop. */
const SLICE = 512;

/**
 * Removes our temp files under `top`: one folder listed at a time (a stack of folders still to
 * list, never a list of every path), never through a symlink (a listing says "symlink", not
 * "folder"), not into temp-named folders nor those `skipDir` names (relative POSIX path). Types
 * come from the listing: only the temp files are stat'ed, so a folder of 10,000 files takes
 * about 10 ms (the scanner's walk, which stats and checks every entry, takes 60-150 ms).
 */
async function removeTempsUnder(
  top: string,
  skipDir: (rel: string) => boolean,
): Promise<LeftoverCount> {
  let topReal: string;
  try {
    topReal = await realpath(top);
  } catch {
    return { files: 0, bytes: 0 };
  }
  let files = 0;
  let bytes = 0;
  let sinceTurn = 0;
  const stack = [''];
  for (let rel = stack.pop(); rel !== undefined; rel = stack.pop()) {
    const abs = rel === '' ? topReal : path.join(topReal, ...rel.split('/'));
    let entries: Dirent[];
    try {
      entries = readdirSync(abs, { withFileTypes: true });
    } catch {
      // Gone, or unreadable: there is nothing of ours to remove there.
      continue;
    }
    for (const entry of entries) {
      if (++sinceTurn >= SLICE) {
        sinceTurn = 0;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      if (entry.name.startsWith(TEMP_PREFIX)) {
        const freed = removeLeftover(path.join(abs, entry.name), entry.name);
        if (freed !== undefined) {
          files++;
          bytes += freed;
        }
        continue;
      }
      const child = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory() && !skipDir(child)) stack.push(child);
    }
  }
  return { files, bytes };
}

function readIgnoreRules(root: string): IgnoreRules {
  try {
    return IgnoreRules.fromText(readFileSync(path.join(root, IGNORE_FILE), 'utf8'));
  } catch {
    // No ignore file (or none readable): the built-in rules, as the device uses then.
    return IgnoreRules.fromText('');
  }
}
