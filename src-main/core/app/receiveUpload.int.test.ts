import { readdirSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '../../../test/support/tempDir.js';
import { receiveUpload } from './receiveUpload.js';

/**
 * An upload into a folder the user moves while the bytes arrive: its temp file moves with the
 * folder, and the upload, which can no longer place it, fails. The temp file must not stay in
 * the moved folder, and the user's files there stay as they are. Real folder; the move happens
 * between two parts of the body.
 */

let tmp: TempDir;
let root: string;
beforeEach(async () => {
  tmp = await makeTempDir('ng-upload-moved-');
  root = path.join(tmp.path, 'folder');
  await mkdir(path.join(root, 'in'), { recursive: true });
  await writeFile(path.join(root, 'in', 'keep.txt'), 'kept\n');
  await writeFile(path.join(root, 'in', '.ng-tmp-notes.txt'), 'a look-alike of the user\n');
});
afterEach(async () => {
  await tmp.cleanup();
});

describe('receiveUpload into a folder moved meanwhile', () => {
  it('fails and leaves no temp file where the folder went', async () => {
    const seen: string[] = [];
    async function* body() {
      yield Buffer.alloc(1000, 1);
      await rename(path.join(root, 'in'), path.join(root, 'moved'));
      seen.push(...readdirSync(path.join(root, 'moved')).sort());
      yield Buffer.alloc(1000, 2);
    }
    const recorded: string[][] = [];

    await expect(
      receiveUpload(
        { root, record: (p) => Promise.resolve(void recorded.push([...p])), onProgress: () => {} },
        'in/upload.bin',
        body(),
        2000,
      ),
    ).rejects.toThrow();

    // The upload's temp file was in the folder when it moved.
    expect(seen).toHaveLength(3);
    expect(seen.filter((n) => /^\.ng-tmp-[0-9a-f]{12}-[0-9a-z]+$/.test(n))).toHaveLength(1);
    expect(recorded).toEqual([]);
    expect(readdirSync(root)).toEqual(['moved']);
    expect(readdirSync(path.join(root, 'moved')).sort()).toEqual(['.ng-tmp-notes.txt', 'keep.txt']);
  });
});
