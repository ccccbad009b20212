import { closeSync, existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '../../../test/support/tempDir.js';
import { createTempFile } from './durableFs.js';
import { removeIfLeftover } from './staleTemps.js';
import { releaseTemp } from './tempFiles.js';

let dir: TempDir;
beforeAll(async () => {
  dir = await makeTempDir('ng-stale-');
});
afterAll(async () => {
  await dir.cleanup();
});

async function make(name: string): Promise<string> {
  const abs = path.join(dir.path, name);
  await writeFile(abs, 'partial');
  return abs;
}

describe('removeIfLeftover', () => {
  it('removes our temp file that no write owns at once, however fresh', async () => {
    // Another process's name (a crash's leftover): never in flight here.
    const name = '.ng-tmp-0123456789ab-1f';
    const abs = await make(name);
    expect(removeIfLeftover(abs, name)).toBe(true);
    expect(existsSync(abs)).toBe(false);
  });

  it("also the other writers' temp files (no counter)", async () => {
    const name = '.ng-tmp-abcdef012345';
    const abs = await make(name);
    expect(removeIfLeftover(abs, name)).toBe(true);
    expect(existsSync(abs)).toBe(false);
  });

  it('never one a write still owns, until the write releases it', () => {
    const { temp, fd } = createTempFile(dir.path);
    closeSync(fd);
    const name = path.basename(temp);
    expect(removeIfLeftover(temp, name)).toBe(false);
    expect(existsSync(temp)).toBe(true);
    releaseTemp(temp);
    expect(removeIfLeftover(temp, name)).toBe(true);
    expect(existsSync(temp)).toBe(false);
  });

  it('never a file merely starting like ours, nor a folder', async () => {
    const user = await make('.ng-tmp-notes.txt');
    expect(removeIfLeftover(user, '.ng-tmp-notes.txt')).toBe(false);
    expect(existsSync(user)).toBe(true);
    const folder = path.join(dir.path, '.ng-tmp-0123456789ab-2');
    await mkdir(folder);
    expect(removeIfLeftover(folder, '.ng-tmp-0123456789ab-2')).toBe(false);
    expect(existsSync(folder)).toBe(true);
  });
});
