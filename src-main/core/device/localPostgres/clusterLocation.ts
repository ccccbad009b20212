import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { NetGuardianError } from '../../../../src-shared/errors.js';
import type { Logger } from '../../log.js';
import { writeFileDurably } from '../../files/durableFs.js';
import { dataDirFiles, homeLayout, relocatedHome } from './layout.js';
import { ensureServerDir, firstBlockedFolder, type ServerUser } from './serverUser.js';

/** Where a data dir's cluster lives, and why. */
export type HomeChoice =
  /** `<dataDir>/postgres`: the server user can reach it. */
  | { readonly kind: 'local'; readonly home: string }
  /** Under the shared clusters dir, to be recorded: the server user cannot enter the data dir. */
  | { readonly kind: 'relocate'; readonly home: string }
  /** Recorded in the data dir (placed elsewhere once); `moved`: recorded by another path. */
  | { readonly kind: 'recorded'; readonly home: string; readonly moved: boolean }
  /** The record was copied with the data dir, and the original still uses that cluster. */
  | { readonly kind: 'copied'; readonly home: string; readonly original: string }
  /** A cluster exists in the data dir, but the server user can no longer enter `folder`. */
  | { readonly kind: 'blocked'; readonly home: string; readonly folder: string };

/** The data dir's record of a cluster placed elsewhere (`postgres-location.json`). */
export interface LocationRecord {
  readonly version: 1;
  readonly home: string;
  /** The real path of the data dir that wrote it: a moved data dir differs, and rewrites it. */
  readonly dataDir: string;
}

export interface HomeFacts {
  readonly realDataDir: string;
  readonly recorded: LocationRecord | undefined;
  /** The data dir the record names still exists and records the same home. */
  readonly recordedByOriginal: boolean;
  readonly localHome: string;
  readonly localClusterExists: boolean;
  /** The first folder from the data dir up that the server user cannot enter. */
  readonly blockedFolder: string | undefined;
  readonly relocatedHome: string;
}

/**
 * The placement rule, in one place. A recorded home wins (so a moved data dir finds its
 * cluster), unless the data dir is a copy whose original still runs on that cluster: two owners
 * must never share one, each would stop the other's server as an orphan.
 */
export function chooseClusterHome(facts: HomeFacts): HomeChoice {
  const { recorded } = facts;
  if (recorded !== undefined) {
    const moved = recorded.dataDir !== facts.realDataDir;
    if (moved && facts.recordedByOriginal)
      return { kind: 'copied', home: recorded.home, original: recorded.dataDir };
    return { kind: 'recorded', home: recorded.home, moved };
  }
  if (facts.blockedFolder === undefined) return { kind: 'local', home: facts.localHome };
  if (facts.localClusterExists)
    return { kind: 'blocked', home: facts.localHome, folder: facts.blockedFolder };
  return { kind: 'relocate', home: facts.relocatedHome };
}

async function readRecord(file: string): Promise<LocationRecord | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  const parsed = JSON.parse(text) as Partial<LocationRecord>;
  if (
    parsed.version !== 1 ||
    typeof parsed.home !== 'string' ||
    !path.isAbsolute(parsed.home) ||
    typeof parsed.dataDir !== 'string'
  )
    throw new NetGuardianError('StoreError', `${file} is not a NetGuardian cluster location`);
  return { version: 1, home: parsed.home, dataDir: parsed.dataDir };
}

/** Decides where the cluster lives, reading only (nothing is created). */
export async function locateCluster(options: {
  readonly realDataDir: string;
  readonly user: ServerUser;
  readonly clustersDir: string;
}): Promise<HomeChoice> {
  const { realDataDir } = options;
  const files = dataDirFiles(realDataDir);
  const recorded = await readRecord(files.locationFile);
  const original =
    recorded !== undefined && recorded.dataDir !== realDataDir
      ? await readRecord(dataDirFiles(recorded.dataDir).locationFile).catch(() => undefined)
      : undefined;
  return chooseClusterHome({
    realDataDir,
    recorded,
    recordedByOriginal: original !== undefined && original.home === recorded?.home,
    localHome: files.localHome,
    localClusterExists: existsSync(homeLayout(files.localHome).pgdata),
    blockedFolder: await firstBlockedFolder(realDataDir, options.user),
    relocatedHome: relocatedHome(options.clustersDir, realDataDir),
  });
}

const cannotEnter = (folder: string, user: ServerUser, todo: string) =>
  new NetGuardianError(
    'FileSystemError',
    `running as root, the store's PostgreSQL runs as the user "${user.kind === 'system' ? user.name : 'self'}", which cannot enter ${folder}: ${todo}`,
    'dataDir',
  );

/**
 * Creates the missing folders down to `dir` (mode 0755: the server user must pass through),
 * and checks the server user can enter every folder above it. Folders that exist are never
 * chmodded: they are not NetGuardian's.
 */
async function ensureSharedParents(dir: string, user: ServerUser): Promise<void> {
  const missing: string[] = [];
  for (let d = dir; !existsSync(d); d = path.dirname(d)) missing.unshift(d);
  for (const d of missing) {
    try {
      await mkdir(d, { mode: 0o755 });
    } catch (e) {
      // Made meanwhile by another device's start: not ours to chmod.
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw e;
    }
    await chmod(d, 0o755);
  }
  const blocked = await firstBlockedFolder(dir, user);
  if (blocked !== undefined)
    throw cannotEnter(
      blocked,
      user,
      `run NetGuardian as a regular user, or let others enter ${blocked} (chmod o+x)`,
    );
}

/** Creates the cluster's home (owned by the server user, 0700) and records where it is. */
export async function prepareClusterHome(
  choice: HomeChoice,
  options: { readonly realDataDir: string; readonly user: ServerUser; readonly log: Logger },
): Promise<string> {
  const { realDataDir, user, log } = options;
  const locationFile = dataDirFiles(realDataDir).locationFile;
  switch (choice.kind) {
    case 'local':
      break;
    case 'recorded':
    case 'relocate':
      await ensureSharedParents(path.dirname(choice.home), user);
      break;
    case 'copied':
      throw new NetGuardianError(
        'StoreError',
        `this data dir is a copy of ${choice.original}, whose store lives in ${choice.home}: run NetGuardian on ${choice.original}, or delete ${locationFile} to start this copy with an empty store`,
        'dataDir',
      );
    case 'blocked':
      throw cannotEnter(
        choice.folder,
        user,
        `let it enter (chmod o+x ${choice.folder}) or move the data dir back where it was`,
      );
    default: {
      const never: never = choice;
      throw new Error(`unknown placement ${JSON.stringify(never)}`);
    }
  }
  await ensureServerDir(choice.home, user);
  if (choice.kind === 'relocate' || (choice.kind === 'recorded' && choice.moved)) {
    const record: LocationRecord = { version: 1, home: choice.home, dataDir: realDataDir };
    await writeFileDurably(locationFile, JSON.stringify(record, null, 2) + '\n', { mode: 0o600 });
    log.info(
      { home: choice.home, record: locationFile },
      choice.kind === 'relocate'
        ? 'the server user cannot enter the data dir: the cluster lives elsewhere, recorded in the data dir'
        : 'the data dir moved: its record of the cluster now names the new place',
    );
  }
  return choice.home;
}
