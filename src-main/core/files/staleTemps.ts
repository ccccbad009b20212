import { readFileSync, unlinkSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { childLogger, type Logger } from '../log.js';
import { isOurTempName } from './durableFs.js';
import { IGNORE_FILE, IgnoreRules } from './ignoreRules.js';
import { lstatQuiet } from './localIo.js';
import { walkTree } from './treeWalk.js';

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
 * The folder is walked as the scanner walks it (`walkTree`: one folder listed at a time, symlinks
 * not followed, folders the ignore rules exclude not entered), so this finds exactly the temp
 * files the scanner would, and at start, not an hour later. The data directory is walked whole.
 * A missing or unreadable folder is skipped (nothing to remove there).
 */
export async function removeLeftoverTemps(options: LeftoverTempsOptions): Promise<LeftoverTemps> {
  const log = childLogger(options.log, 'staleTemps');
  const started = Date.now();
  const ignore = options.ignore ?? readIgnoreRules(options.root);
  const folder = await removeTempsUnder(options.root, (p, isDir) =>
    isDir ? ignore.ignoresDir(p) : ignore.ignoresFile(p),
  );
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

async function removeTempsUnder(
  top: string,
  isIgnored: (path: string, isDir: boolean) => boolean,
): Promise<LeftoverCount> {
  let rootReal: string;
  try {
    rootReal = await realpath(top);
  } catch {
    return { files: 0, bytes: 0 };
  }
  let files = 0;
  let bytes = 0;
  const walk = walkTree({
    rootReal,
    start: '',
    isIgnored,
    onSymlink: () => undefined,
    onError: () => undefined,
    onUnreadableDir: () => undefined,
    onTempFile: (abs, name) => {
      const freed = removeTemp(abs, name, () => true);
      if (freed === undefined) return;
      files++;
      bytes += freed;
    },
  });
  // The batches (each folder's entries) are not needed: the temp files are handled as met.
  for await (const batch of walk) void batch;
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
