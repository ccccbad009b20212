import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileDurably } from '../files/durableFs.js';
import {
  isFolder,
  newFolderId,
  readFolderMarker,
  writeFolderMarker,
} from '../files/folderMarker.js';

/** Where the data dir keeps the id of the folder it syncs (the marker's; see folderMarker.ts). */
const FOLDER_FILE = 'folder.json';

async function readRecordedId(dataDir: string): Promise<string | undefined> {
  try {
    const parsed = JSON.parse(await readFile(path.join(dataDir, FOLDER_FILE), 'utf8')) as {
      folderId?: unknown;
    };
    return typeof parsed.folderId === 'string' ? parsed.folderId : undefined;
  } catch {
    return undefined;
  }
}

async function recordId(dataDir: string, folderId: string): Promise<void> {
  await writeFileDurably(
    path.join(dataDir, FOLDER_FILE),
    `${JSON.stringify({ version: 1, folderId }, null, 2)}\n`,
    { mode: 0o600 },
  );
}

/**
 * The id of this device's folder: the one the data dir recorded. A device set up by an earlier
 * version has none: its folder, if it is there now, is taken as it is (its marker's id when it has
 * one, else a new marker is written), once; if the folder is not there, nothing is decided
 * (undefined) and the device waits for it. `init` calls this on the folder it just made.
 */
export async function folderIdOf(dataDir: string, folder: string): Promise<string | undefined> {
  const recorded = await readRecordedId(dataDir);
  if (recorded !== undefined) return recorded;
  if (!(await isFolder(folder))) return undefined;
  const folderId = (await readFolderMarker(folder)) ?? newFolderId();
  await writeFolderMarker(folder, folderId);
  await recordId(dataDir, folderId);
  return folderId;
}

/**
 * Whether the device's folder is there: a folder whose marker names the device's folder id.
 * Everything that reads or writes the folder asks first (the scanner, the materializer).
 */
export class FolderGuard {
  private folderId: string | undefined;

  constructor(
    private readonly dataDir: string,
    private readonly folder: string,
  ) {}

  async present(): Promise<boolean> {
    this.folderId ??= await folderIdOf(this.dataDir, this.folder);
    if (this.folderId === undefined) return false;
    return (await readFolderMarker(this.folder)) === this.folderId;
  }
}
