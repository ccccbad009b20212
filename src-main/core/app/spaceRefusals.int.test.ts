import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '../../../test/support/tempDir.js';
import { DiskSpace } from '../files/diskSpace.js';
import { importPaths } from './importFiles.js';
import { receiveUpload } from './receiveUpload.js';

/**
 * Uploads and imports the folder's disk can't take (diskSpace.ts) are refused before anything is
 * written: no file, no temp file, nothing recorded. The disk is told to the DiskSpace (5 MiB
 * free on a 64 MiB disk, 1 MiB kept, 8 MiB at most a file); the folder is real.
 */

const MiB = 1024 * 1024;

let tmp: TempDir;
let root: string;
let recorded: string[][];
const space = new DiskSpace({
  limits: () => ({ reserveBytes: MiB, maxFileBytes: 8 * MiB }),
  measure: () => ({ freeBytes: 5 * MiB, sizeBytes: 64 * MiB }),
});
const context = () => ({
  root,
  record: (p: readonly string[]) => Promise.resolve(void recorded.push([...p])),
  onProgress: () => undefined,
  space,
});

beforeEach(async () => {
  tmp = await makeTempDir('ng-space-refusals-');
  root = path.join(tmp.path, 'folder');
  await mkdir(root);
  recorded = [];
});
afterEach(async () => {
  await tmp.cleanup();
});

async function* body(bytes: number) {
  await Promise.resolve();
  yield Buffer.alloc(bytes, 1);
}

describe('receiveUpload on a disk short of space', () => {
  it('refuses an upload that would leave less than the reserve free, writing nothing', async () => {
    // 4.5 MiB + 1 MiB kept, 5 MiB free: 0.5 MiB more.
    await expect(
      receiveUpload(context(), 'in/big.bin', body(4.5 * MiB), 4.5 * MiB),
    ).rejects.toMatchObject({
      code: 'NoSpace',
      message: `upload: it needs 512 KB more free space on ${space.volumeOf(root)} (NetGuardian keeps 1.0 MB free there); nothing was written: free some space and try again`,
    });
    expect(await readdir(root, { recursive: true })).toEqual(['in']);
    expect(recorded).toEqual([]);
  });

  it('takes one that fits', async () => {
    await receiveUpload(context(), 'fits.bin', body(4 * MiB), 4 * MiB);
    expect(await readdir(root)).toEqual(['fits.bin']);
    expect(recorded).toEqual([['fits.bin']]);
  });
});

describe('importPaths on a disk short of space', () => {
  it('refuses the whole import when its files together do not fit, before copying any', async () => {
    const source = path.join(tmp.path, 'photos');
    await mkdir(source);
    await writeFile(path.join(source, '1.jpg'), Buffer.alloc(3 * MiB, 1));
    await writeFile(path.join(source, '2.jpg'), Buffer.alloc(3 * MiB, 2));
    // 6 MiB + 1 MiB kept, 5 MiB free: 2 MiB more.
    await expect(importPaths(context(), [source], '')).rejects.toMatchObject({
      code: 'NoSpace',
      message: `files:import: it needs 2.0 MB more free space on ${space.volumeOf(root)} (NetGuardian keeps 1.0 MB free there); nothing was written: free some space and try again`,
    });
    expect(await readdir(root)).toEqual([]);
    expect(recorded).toEqual([]);
  });

  it('refuses a file over the per-file maximum', async () => {
    const source = path.join(tmp.path, 'disk.img');
    await writeFile(source, Buffer.alloc(9 * MiB));
    await expect(importPaths(context(), [source], '')).rejects.toMatchObject({
      code: 'PayloadTooLarge',
      message:
        'files:import: the file is 9.0 MB, over the 8.0 MB this device takes for one file (maxFileBytes in its config.json); nothing was written',
    });
    expect(await readdir(root)).toEqual([]);
  });
});
