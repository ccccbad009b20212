import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '../../../test/support/tempDir.js';
import { TempFlusher } from './tempFlusher.js';

let dir: TempDir;
const savedPath = process.env['PATH'];
beforeAll(async () => {
  dir = await makeTempDir('ng-flusher-');
  for (let i = 0; i < 64; i++) await writeFile(path.join(dir.path, `f${i}`), `${i}`);
});
afterEach(() => {
  process.env['PATH'] = savedPath;
});
afterAll(async () => {
  await dir.cleanup();
});

/** A group large enough for syncfs. */
const files = () => Array.from({ length: 64 }, (_, i) => path.join(dir.path, `f${i}`));

describe('TempFlusher', () => {
  it.runIf(process.platform === 'linux')(
    'on Linux flushes a group with one syncfs and keeps batching',
    async () => {
      const flusher = new TempFlusher();
      await flusher.flush(files());
      expect(flusher.batches).toBe(true);
      expect(await readFile(path.join(dir.path, 'f7'), 'utf8')).toBe('7');
    },
  );

  it('fsyncs a small group file by file, without trying syncfs', async () => {
    const flusher = new TempFlusher({ syncfs: true });
    process.env['PATH'] = path.join(dir.path, 'no-such-bin');
    await flusher.flush(files().slice(0, 3));
    // Not tried, so not given up on: a large group still uses it.
    expect(flusher.batches).toBe(true);
  });

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

  it('flushes folders with the files; a folder that is not there fails the flush', async () => {
    const flusher = new TempFlusher({ syncfs: false });
    await flusher.flush(files().slice(0, 2), [dir.path]);
    await expect(flusher.flush([], [path.join(dir.path, 'gone')])).rejects.toMatchObject({
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
