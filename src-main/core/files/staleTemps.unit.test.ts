import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '../../../test/support/tempDir.js';
import { removeIfStaleTemp } from './staleTemps.js';

let dir: TempDir;
beforeAll(async () => {
  dir = await makeTempDir('ng-stale-');
});
afterAll(async () => {
  await dir.cleanup();
});

const HOUR = 60 * 60 * 1000;

async function make(name: string): Promise<string> {
  const abs = path.join(dir.path, name);
  await writeFile(abs, 'partial');
  return abs;
}

describe('removeIfStaleTemp', () => {
  it('removes our temp file once unchanged for an hour, and not before', async () => {
    const name = '.ng-tmp-0123456789ab-1f';
    const abs = await make(name);
    expect(removeIfStaleTemp(abs, name, Date.now())).toBe(false);
    expect(existsSync(abs)).toBe(true);
    expect(removeIfStaleTemp(abs, name, Date.now() + 2 * HOUR)).toBe(true);
    expect(existsSync(abs)).toBe(false);
  });

  it("also the other writers' temp files (no counter)", async () => {
    const name = '.ng-tmp-abcdef012345';
    const abs = await make(name);
    expect(removeIfStaleTemp(abs, name, Date.now() + 2 * HOUR)).toBe(true);
  });

  it('never a file merely starting like ours, nor a folder', async () => {
    const user = await make('.ng-tmp-notes.txt');
    expect(removeIfStaleTemp(user, '.ng-tmp-notes.txt', Date.now() + 2 * HOUR)).toBe(false);
    expect(existsSync(user)).toBe(true);
    const folder = path.join(dir.path, '.ng-tmp-0123456789ab-2');
    await mkdir(folder);
    expect(removeIfStaleTemp(folder, '.ng-tmp-0123456789ab-2', Date.now() + 2 * HOUR)).toBe(false);
    expect(existsSync(folder)).toBe(true);
  });
});
