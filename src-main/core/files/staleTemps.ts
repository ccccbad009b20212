import { readdirSync, readFileSync, unlinkSync, type Dirent } from 'node:fs';
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { childLogger, type Logger } from '../log.js';
import { isOurTempName } from './durableFs.js';
import { IGNORE_FILE, IgnoreRules, TEMP_PREFIX } from './ignoreRules.js';
import { lstatQuiet } from './localIo.js';

/**
 * While running, a temp file is left over (from a crash or a kill mid-write) once its status has
 * not changed for this long: one younger may be a file being written right now. ctime, not mtime:
 * a temp file being written gets the remote version's mtime before it is renamed, and no one can
 * set a ctime.
 */
const STALE_AFTER_MS = 60 * 60 * 1000;

/**
 * Removes `abs` if it is one of our temp files (by name, `isOurTempName`) and left over (by age);
 * returns whether it did. Full scans call it for the temp files they skip, so a crash's leftovers
 * do not stay in the folder. Errors (gone meanwhile, no permission) leave it for the next scan.
 */
export function removeIfStaleTemp(abs: string, name: string, now = Date.now()): boolean {
  return removeTemp(abs, name, (st) => now - st.ctimeMs >= STALE_AFTER_MS) !== undefined;
}

/** Removes `abs` if ours by name, a regular file, and `when` says so: the bytes freed. */
function removeTemp(
  abs: string,
  name: string,
  when: (st: { ctimeMs: number }) => boolean,
): number | undefined {
  if (!isOurTempName(name)) return undefined;
  try {
    const st = lstatQuiet(abs);
    if (!st?.isFile() || !when(st)) return undefined;
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
 * Removes every temp file of ours (exact name, `isOurTempName`; regular files only) from the
 * synced folder and the data directory, whatever its age. Only for the start of the process that
 * owns the data directory, before anything else runs: it holds the data directory's exclusive
 * lock, so no process of ours is writing a temp file there, and every one found is a leftover
 * of a crash or a kill. (While running, full scans remove them after an hour: `removeIfStaleTemp`.)
 *
 * The folder is walked into the folders the scanner's walk enters (treeWalk.ts: symlinks not
 * followed, temp-named folders and folders the ignore rules exclude not entered), so this finds
 * the temp files the scanner would, at start rather than an hour later. The data directory is
 * walked whole. A missing or unreadable folder is skipped (nothing to remove there).
 */
export async function removeLeftoverTemps(options: LeftoverTempsOptions): Promise<LeftoverTemps> {
  const log = childLogger(options.log, 'staleTemps');
  const started = Date.now();
  const ignore = options.ignore ?? readIgnoreRules(options.root);
  const folder = await removeTempsUnder(options.root, (rel) => ignore.ignoresDir(rel));
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
        const freed = removeTemp(path.join(abs, entry.name), entry.name, () => true);
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
