import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '../../../test/support/tempDir.js';
import { Chunker } from './fastCdc.js';
import { EMPTY_HASH, hashFile } from './fileHasher.js';

const MiB = 1024 * 1024;

/** What hashing `bytes` held in memory gives: whole SHA-256, size, and the chunker's cuts. */
function expected(bytes: Buffer) {
  const chunker = new Chunker();
  const parts = [...chunker.push(bytes), ...chunker.end()];
  return {
    hash: createHash('sha256').update(bytes).digest('hex'),
    size: bytes.length,
    chunks: parts.map((p) => ({
      hash: createHash('sha256').update(p).digest('hex'),
      size: p.length,
    })),
  };
}

let dir: TempDir;
beforeAll(async () => {
  dir = await makeTempDir('ng-hasher-');
});
afterAll(async () => {
  await dir.cleanup();
});

describe('hashFile', () => {
  // Small files are read in one buffer, larger ones streamed: both give the same result.
  it.each([
    ['empty', 0],
    ['a few KiB', 3_000],
    ['exactly the one-buffer limit', MiB],
    ['one byte over it (streamed)', MiB + 1],
    ['several MiB (streamed)', 5 * MiB + 123],
  ])('%s: whole hash, size and chunks as if hashed in memory', async (_, size) => {
    const bytes = randomBytes(size);
    const file = path.join(dir.path, `f-${size}`);
    await writeFile(file, bytes);
    const chunksSeen: number[] = [];
    const got = await hashFile(file, { onChunk: (ref) => void chunksSeen.push(ref.size) });
    expect(got).toEqual(expected(bytes));
    expect(chunksSeen).toEqual(got.chunks.map((c) => c.size));
    if (size === 0) expect(got.hash).toBe(EMPTY_HASH);
  });

  it('refuses a FIFO put where a file was, without blocking on it', async () => {
    const fifo = path.join(dir.path, 'fifo');
    execFileSync('mkfifo', [fifo]);
    // Opening a FIFO for reading blocks until a writer comes, in a synchronous open the whole
    // process; the open is non-blocking and the FIFO refused as not a regular file.
    await expect(hashFile(fifo)).rejects.toMatchObject({ code: 'EINVAL' });
  });

  it('does not follow a symlink', async () => {
    const target = path.join(dir.path, 'target');
    await writeFile(target, 'x');
    const link = path.join(dir.path, 'link');
    await symlink(target, link);
    await expect(hashFile(link)).rejects.toMatchObject({ code: 'ELOOP' });
  });

  it('rejects a path that is not there', async () => {
    await expect(hashFile(path.join(dir.path, 'missing'))).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });
});
