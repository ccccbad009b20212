import { readFile, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { MARKER_FILE } from '../core/files/folderMarker.js';

/**
 * What `init` makes, taken back when it fails (a hub out of reach, an invite refused): the data
 * dir's entries it created (the whole dir, and the folders above it that it made, if it made
 * it), the device's PostgreSQL cluster when it was placed outside the data dir, the folder's
 * marker, and the folder if it made it. Never a file the user had: only what was not there
 * before is removed.
 */
export async function madeHere(dataDir: string, folder: string): Promise<() => Promise<void>> {
  const dataBefore = await entries(dataDir);
  const dataTop = await topMissing(dataDir);
  const folderBefore = await entries(folder);
  const folderTop = await topMissing(folder);
  return async () => {
    if (dataBefore === undefined || !dataBefore.has(LOCATION_FILE))
      await removeRelocatedCluster(dataDir);
    await removeNew(dataDir, dataBefore, dataTop);
    if (folderBefore === undefined) await rm(folderTop, { recursive: true, force: true });
    else if (!folderBefore.has(MARKER_FILE))
      await rm(path.join(folder, MARKER_FILE), { force: true });
  };
}

/** The data dir's record of a cluster placed elsewhere (localPostgres/layout.ts). */
const LOCATION_FILE = 'postgres-location.json';

/** The cluster this init placed outside the data dir (as root: under the shared clusters dir). */
async function removeRelocatedCluster(dataDir: string): Promise<void> {
  let home: unknown;
  try {
    home = (
      JSON.parse(await readFile(path.join(dataDir, LOCATION_FILE), 'utf8')) as {
        home?: unknown;
      }
    ).home;
  } catch {
    return;
  }
  if (typeof home === 'string' && path.isAbsolute(home))
    await rm(home, { recursive: true, force: true });
}

/** The names in `dir`, or undefined when there is no such folder. */
async function entries(dir: string): Promise<Set<string> | undefined> {
  try {
    return new Set(await readdir(dir));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** The highest folder on the way to `dir` that does not exist yet (`dir` itself at least). */
async function topMissing(dir: string): Promise<string> {
  let top = path.resolve(dir);
  while (path.dirname(top) !== top && (await entries(path.dirname(top))) === undefined)
    top = path.dirname(top);
  return top;
}

async function removeNew(dir: string, before: Set<string> | undefined, top: string): Promise<void> {
  if (before === undefined) {
    await rm(top, { recursive: true, force: true });
    return;
  }
  for (const name of (await entries(dir)) ?? [])
    if (!before.has(name)) await rm(path.join(dir, name), { recursive: true, force: true });
}
