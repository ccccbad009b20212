import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FolderProblem } from '../../../src-shared/ipc/contract.js';
import { writeFileDurably } from '../files/durableFs.js';
import {
  isFolder,
  markerExists,
  newFolderId,
  readFolderMarker,
  writeFolderMarker,
} from '../files/folderMarker.js';

/**
 * Where the data dir keeps the id of its folder (the marker's; see folderMarker.ts), per space:
 * a device syncs one folder, but a store may hold several spaces (the library, tests).
 */
const FOLDER_FILE = 'folder.json';

async function readRecorded(dataDir: string): Promise<Record<string, string>> {
  try {
    const parsed = JSON.parse(await readFile(path.join(dataDir, FOLDER_FILE), 'utf8')) as {
      folders?: unknown;
    };
    return typeof parsed.folders === 'object' && parsed.folders !== null
      ? (parsed.folders as Record<string, string>)
      : {};
  } catch {
    return {};
  }
}

async function recordId(dataDir: string, spaceId: string, folderId: string): Promise<void> {
  const folders = { ...(await readRecorded(dataDir)), [spaceId]: folderId };
  await writeFileDurably(
    path.join(dataDir, FOLDER_FILE),
    `${JSON.stringify({ version: 1, folders }, null, 2)}\n`,
    { mode: 0o600 },
  );
}

/**
 * The id of this device's folder: the one the data dir recorded. A device set up by an earlier
 * version has none: its folder, if it is there now, is taken as it is (its marker's id when it has
 * one, else a new marker is written), once; if the folder is not there, nothing is decided
 * (undefined) and the device waits for it. `init` calls this on the folder it just made.
 */
export async function folderIdOf(
  dataDir: string,
  spaceId: string,
  folder: string,
): Promise<string | undefined> {
  const recorded = (await readRecorded(dataDir))[spaceId];
  if (typeof recorded === 'string') return recorded;
  if (!(await isFolder(folder))) return undefined;
  const folderId = (await readFolderMarker(folder)) ?? newFolderId();
  await writeFolderMarker(folder, folderId);
  await recordId(dataDir, spaceId, folderId);
  return folderId;
}

/**
 * Whether the device's folder is there: a folder whose marker names the device's folder id.
 * Everything that reads or writes the folder asks first (the scanner, the materializer).
 */
export class FolderGuard {
  private folderId: string | undefined;
  /**
   * The lookup under way. Checks run concurrently (a scan, a push's re-record, the folder poll):
   * two first lookups of a folder with no marker would each write a new id, and the guard would
   * keep one while the marker held the other: its own folder refused for good.
   */
  private lookup: Promise<string | undefined> | undefined;

  constructor(
    private readonly dataDir: string,
    private readonly spaceId: string,
    private readonly folder: string,
  ) {}

  async present(): Promise<boolean> {
    return (await this.check()) === null;
  }

  /** Why the folder is not used now; null when it is there with its marker. */
  async check(): Promise<FolderProblem | null> {
    this.folderId ??= await this.lookUpId();
    if (this.folderId === undefined || !(await isFolder(this.folder))) return 'missing';
    if ((await readFolderMarker(this.folder)) === this.folderId) return null;
    return (await markerExists(this.folder)) ? 'marker-other' : 'marker-missing';
  }

  /**
   * Writes the marker with the device's folder id: the folder at the path is the synced folder
   * from now on. Only `folder attach` calls it, after the user asked and `decideAttach` agreed.
   */
  async attach(): Promise<void> {
    this.folderId ??= await this.lookUpId();
    if (this.folderId === undefined)
      throw new Error('attach: no folder id is recorded and no folder is there');
    await writeFolderMarker(this.folder, this.folderId);
  }

  /** `folderIdOf`, one at a time; a lookup that found no folder is tried again next time. */
  private lookUpId(): Promise<string | undefined> {
    this.lookup ??= folderIdOf(this.dataDir, this.spaceId, this.folder).finally(() => {
      this.lookup = undefined;
    });
    return this.lookup;
  }
}
