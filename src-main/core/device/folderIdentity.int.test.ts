/**
 * The folder guard's first look at a folder its data dir has no id for (a device set up by an
 * earlier version, or opened on a folder made beside it): the folder is taken once, with one id
 * in its marker and in the data dir, however many checks ask at the same moment. Real folders.
 */
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '../../../test/support/tempDir.js';
import { readFolderMarker } from '../files/folderMarker.js';
import { FolderGuard } from './folderIdentity.js';

let tmp: TempDir;
let dataDir: string;
beforeEach(async () => {
  tmp = await makeTempDir('ng-folder-guard-');
  dataDir = path.join(tmp.path, 'data');
  await mkdir(dataDir);
});
afterEach(async () => {
  await tmp.cleanup();
});

/** The id `folder.json` in the data dir records for `space`. */
async function recordedId(space: string): Promise<unknown> {
  const parsed = JSON.parse(await readFile(path.join(dataDir, 'folder.json'), 'utf8')) as {
    folders: Record<string, unknown>;
  };
  return parsed.folders[space];
}

describe('FolderGuard', () => {
  it('takes a folder with no recorded id once when checks ask at the same moment', async () => {
    // A scan, a push's re-record and the folder poll may all ask first. How their file reads and
    // writes interleave is up to the disk, so several folders are taken, each by five checks.
    for (let i = 0; i < 20; i++) {
      const root = path.join(tmp.path, `folder-${i}`);
      await mkdir(root);
      const guard = new FolderGuard(dataDir, `space-${i}`, root);
      const answers = await Promise.all(Array.from({ length: 5 }, () => guard.check()));
      expect(answers).toEqual([null, null, null, null, null]);
      const marker = await readFolderMarker(root);
      expect(marker).toMatch(/^[0-9a-f]{24}$/);
      expect(await recordedId(`space-${i}`)).toBe(marker);
      // And later checks still find it theirs.
      expect(await guard.check()).toBeNull();
    }
  });

  it('says missing while the folder is not there, and takes it once it appears', async () => {
    const absent = path.join(tmp.path, 'later');
    const guard = new FolderGuard(dataDir, 'space-2', absent);
    expect(await Promise.all([guard.check(), guard.check()])).toEqual(['missing', 'missing']);
    await mkdir(absent);
    expect(await guard.check()).toBeNull();
    expect(await recordedId('space-2')).toBe(await readFolderMarker(absent));
  });
});
