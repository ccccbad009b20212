import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '../../../test/support/tempDir.js';
import { TempFlusher } from './tempFlusher.js';

let dir: TempDir;
const savedPath = process.env['PATH'];
beforeAll(async () => {
  dir = await makeTempDir('ng-flusher-');
  for (const name of ['a', 'b', 'c']) await writeFile(path.join(dir.path, name), name);
});
afterEach(() => {
  process.env['PATH'] = savedPath;
});
afterAll(async () => {
  await dir.cleanup();
});

const files = () => ['a', 'b', 'c'].map((n) => path.join(dir.path, n));

describe('TempFlusher', () => {
  it.runIf(process.platform === 'linux')(
    'on Linux flushes a group with one syncfs and keeps batching',
    async () => {
      const flusher = new TempFlusher();
      await flusher.flush(files());
      expect(flusher.batches).toBe(true);
      expect(await readFile(path.join(dir.path, 'b'), 'utf8')).toBe('b');
    },
  );

  it('where `sync` cannot be run, falls back to an fsync per file, and says it no longer batches', async () => {
    const flusher = new TempFlusher({ syncfs: true });
    process.env['PATH'] = path.join(dir.path, 'no-such-bin');
    await flusher.flush(files());
    expect(flusher.batches).toBe(false);
  });

  it('without syncfs, a file that is not there fails the flush with its error', async () => {
    const flusher = new TempFlusher({ syncfs: false });
    expect(flusher.batches).toBe(false);
    await expect(flusher.flush([...files(), path.join(dir.path, 'gone')])).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });

  it.runIf(process.platform === 'linux')(
    'once syncfs has worked, a later failure is an error, not a silent fallback',
    async () => {
      const flusher = new TempFlusher({ syncfs: true });
      await flusher.flush(files());
      process.env['PATH'] = path.join(dir.path, 'no-such-bin');
      await expect(flusher.flush(files())).rejects.toThrow(/sync -f .* failed/);
    },
  );
});
