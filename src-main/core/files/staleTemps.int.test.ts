import { closeSync, existsSync } from 'node:fs';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '../../../test/support/tempDir.js';
import { writeDeviceConfig } from '../deviceConfig.js';
import { createTempFile } from './durableFs.js';
import { removeFolderLeftovers, removeLeftoverTemps } from './staleTemps.js';
import { releaseTemp } from './tempFiles.js';

let tmp: TempDir;
let root: string;
let dataDir: string;
let outside: string;
beforeEach(async () => {
  tmp = await makeTempDir('ng-leftovers-');
  root = path.join(tmp.path, 'folder');
  dataDir = path.join(tmp.path, 'data');
  outside = path.join(tmp.path, 'outside');
  for (const d of [root, dataDir, outside]) await mkdir(d);
});
afterEach(async () => {
  await tmp.cleanup();
});

/** Writes `bytes` bytes at `rel` under `top` (folders created); returns the absolute path. */
async function put(top: string, rel: string, bytes = 1): Promise<string> {
  const abs = path.join(top, ...rel.split('/'));
  await mkdir(path.dirname(abs), { recursive: true });
  await writeFile(abs, Buffer.alloc(bytes, 1));
  return abs;
}

describe('removeLeftoverTemps', () => {
  it('removes exactly our temp files, whatever their age, in the folder and the data directory', async () => {
    // Ours (fresh: at start every one is a leftover), at several depths.
    const ours = [
      await put(root, '.ng-tmp-0123456789ab-0', 100),
      await put(root, 'a/.ng-tmp-0123456789ab-1f', 20),
      await put(root, 'a/b/c/.ng-tmp-abcdef012345', 3),
    ];
    const oursInData = [
      await put(dataDir, '.ng-tmp-0123456789ab-2', 5),
      await put(dataDir, 'trash/.ng-tmp-0123456789ab-3', 7),
      await put(dataDir, 'trash/20260101-000000-0123abcd/docs/.ng-tmp-0123456789ab-4', 11),
    ];
    // Not ours, or not to be touched.
    const kept = [
      await put(root, 'a/b/keep.txt'),
      await put(root, '.ng-tmp-notours'),
      await put(root, 'a/x.ng-tmp-abc'),
      await put(root, 'a/.ng-tmp-0123456789ab-5.txt'),
      // A folder named like ours is not removed, nor entered (as the scanner does).
      await put(root, 'a/.ng-tmp-0123456789ab-6/.ng-tmp-0123456789ab-7'),
      // A symlink to a folder outside is not followed.
      await put(outside, '.ng-tmp-0123456789ab-8'),
      // Folders the ignore rules exclude are not entered (as the scanner does).
      await put(root, 'ignored/.ng-tmp-0123456789ab-9'),
      await put(dataDir, 'config.json'),
      await put(dataDir, 'trash/20260101-000000-0123abcd.json'),
    ];
    await symlink(outside, path.join(root, 'link'));
    await writeFile(path.join(root, '.netguardianignore'), 'ignored/\n');

    const removed = await removeLeftoverTemps({ root, dataDir });

    expect(removed).toEqual({
      folder: { files: 3, bytes: 123 },
      dataDir: { files: 3, bytes: 23 },
    });
    for (const file of [...ours, ...oursInData]) expect(existsSync(file), file).toBe(false);
    for (const file of kept) expect(existsSync(file), file).toBe(true);
  });

  it('recognizes the temp files our writers create', async () => {
    const { temp, fd } = createTempFile(root);
    closeSync(fd);
    // Its write is over (as for a process killed mid-write): a leftover now.
    releaseTemp(temp);
    await writeDeviceConfig(dataDir, {
      version: 1,
      folder: root,
      spaceId: 'space',
      deviceName: 'laptop',
      hub: null,
      syncIntervalMs: 30_000,
      rescanIntervalMs: 900_000,
      paused: false,
    });
    const left = createTempFile(dataDir);
    closeSync(left.fd);
    releaseTemp(left.temp);

    const removed = await removeLeftoverTemps({ root, dataDir });

    expect(removed.folder.files).toBe(1);
    expect(removed.dataDir.files).toBe(1);
    expect(existsSync(temp)).toBe(false);
    expect(existsSync(left.temp)).toBe(false);
    expect(existsSync(path.join(dataDir, 'config.json'))).toBe(true);
  });

  it('keeps a temp file a write still owns, removing the leftover beside it', async () => {
    const owned = createTempFile(root);
    closeSync(owned.fd);
    const leftover = await put(root, '.ng-tmp-0123456789ab-0', 10);

    const removed = await removeFolderLeftovers(root);

    expect(removed).toEqual({ files: 1, bytes: 10 });
    expect(existsSync(owned.temp)).toBe(true);
    expect(existsSync(leftover)).toBe(false);
    releaseTemp(owned.temp);
    expect(await removeFolderLeftovers(root)).toEqual({ files: 1, bytes: 0 });
    expect(existsSync(owned.temp)).toBe(false);
  });

  it('finds nothing to do where the folder does not exist yet', async () => {
    const removed = await removeLeftoverTemps({
      root: path.join(tmp.path, 'not-yet'),
      dataDir: path.join(tmp.path, 'nor-this'),
    });
    expect(removed).toEqual({ folder: { files: 0, bytes: 0 }, dataDir: { files: 0, bytes: 0 } });
  });
});
