import { execFileSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '../../../test/support/tempDir.js';
import { lstatQuiet, readRange, readWholeIfSmall, READ_FLAGS } from './localIo.js';

let dir: TempDir;
beforeAll(async () => {
  dir = await makeTempDir('ng-localio-');
  await writeFile(path.join(dir.path, 'ten'), '0123456789');
});
afterAll(async () => {
  await dir.cleanup();
});

describe('lstatQuiet', () => {
  it('stats what is there and gives undefined for a missing path or a file used as a folder', () => {
    expect(lstatQuiet(path.join(dir.path, 'ten'))?.size).toBe(10);
    expect(lstatQuiet(path.join(dir.path, 'missing'))).toBeUndefined();
    expect(lstatQuiet(path.join(dir.path, 'ten', 'below'))).toBeUndefined();
  });
});

describe('readRange', () => {
  it('reads exactly the range asked for', () => {
    expect(readRange(path.join(dir.path, 'ten'), 3, 4)?.toString()).toBe('3456');
  });

  it('gives undefined when the file is shorter than the range now', () => {
    expect(readRange(path.join(dir.path, 'ten'), 8, 4)).toBeUndefined();
  });

  it('refuses a symlink and a FIFO without blocking', async () => {
    const link = path.join(dir.path, 'link');
    await symlink(path.join(dir.path, 'ten'), link);
    expect(() => readRange(link, 0, 1)).toThrow(expect.objectContaining({ code: 'ELOOP' }));
    const fifo = path.join(dir.path, 'fifo');
    execFileSync('mkfifo', [fifo]);
    // Positioned reads fail on a FIFO (ESPIPE): refused at once, never waited on.
    expect(() => readRange(fifo, 0, 1)).toThrow(expect.objectContaining({ code: 'ESPIPE' }));
  });
});

describe('readWholeIfSmall', () => {
  it('reads a file up to the limit whole, and leaves a larger one to be streamed', () => {
    const fd = openSync(path.join(dir.path, 'ten'), READ_FLAGS);
    try {
      expect(readWholeIfSmall(fd, 10)?.toString()).toBe('0123456789');
      expect(readWholeIfSmall(fd, 9)).toBeUndefined();
    } finally {
      closeSync(fd);
    }
  });
});
