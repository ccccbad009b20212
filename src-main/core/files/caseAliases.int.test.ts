import { link, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '../../../test/support/tempDir.js';
import type { NameFolding } from '../../../src-shared/nameRules.js';
import { listedAs, listedByReading } from './caseAliases.js';
import { screenNames } from './nameScreen.js';

/**
 * On this machine's case-sensitive folders a name is listed as itself or not at all; what a
 * case-insensitive file system would answer (`Readme.md` for `README.md`) is read from the
 * listings here the way it would be there.
 */
const CASE: NameFolding = { caseInsensitive: true, normalizationInsensitive: false };
const EXACT: NameFolding = { caseInsensitive: false, normalizationInsensitive: false };
let tmp: TempDir;
beforeEach(async () => {
  tmp = await makeTempDir('ng-case-');
  await mkdir(path.join(tmp.path, 'Docs'));
  await writeFile(path.join(tmp.path, 'Docs', 'one.txt'), 'one\n');
  await writeFile(path.join(tmp.path, 'Readme.md'), '# read me\n');
});
afterEach(async () => {
  await tmp.cleanup();
});

describe('caseAliases', () => {
  it('a name listed as itself, or not there, has no other name', () => {
    expect(listedAs(tmp.path, 'Readme.md', CASE)).toBeUndefined();
    expect(listedAs(tmp.path, 'Docs/one.txt', CASE)).toBeUndefined();
    expect(listedAs(tmp.path, 'missing.md', CASE)).toBeUndefined();
    expect(listedAs(tmp.path, 'Readme.md/under-a-file', CASE)).toBeUndefined();
    expect(listedByReading(tmp.path, 'Readme.md', CASE)).toBeUndefined();
    expect(listedByReading(tmp.path, 'Docs/one.txt', CASE)).toBeUndefined();
  });

  it('reading the folders finds the name an entry is listed under, at any level', () => {
    expect(listedByReading(tmp.path, 'README.md', CASE)).toBe('Readme.md');
    expect(listedByReading(tmp.path, 'DOCS/one.txt', CASE)).toBe('Docs/one.txt');
    expect(listedByReading(tmp.path, 'docs/ONE.TXT', CASE)).toBe('Docs/one.txt');
    expect(listedByReading(tmp.path, 'other.md', CASE)).toBeUndefined();
  });

  it('a folder that tells every name apart is not looked at', () => {
    expect(listedByReading(tmp.path, 'README.md', EXACT)).toBeUndefined();
    expect(listedAs(tmp.path, 'README.md', EXACT)).toBeUndefined();
  });

  it('two names both listed (hard links) are each their own', async () => {
    await link(path.join(tmp.path, 'Readme.md'), path.join(tmp.path, 'README.md'));
    expect(listedByReading(tmp.path, 'README.md', CASE)).toBeUndefined();
    expect(listedByReading(tmp.path, 'Readme.md', CASE)).toBeUndefined();
  });
});

describe('screenNames on a folder that ignores case', () => {
  const screen = (deleted: boolean) =>
    screenNames({
      rootReal: tmp.path,
      platform: 'linux',
      folding: CASE,
      ids: ['README.md', 'Readme.md'],
      exists: (id) => id === 'README.md',
      indexed: (id) => id === 'Readme.md',
      ...(deleted ? { deleted: (id: string) => id === 'Readme.md' } : {}),
    });

  it('writes a case-only rename (the old spelling deleted in the batch) as a rename', () => {
    expect(screen(true)).toEqual({ settle: ['README.md', 'Readme.md'], refused: [] });
  });

  it('refuses a twin whose other spelling stays', () => {
    expect(screen(false).settle).toEqual(['Readme.md']);
    expect(screen(false).refused.map((r) => [r.path, r.reason])).toEqual([
      ['README.md', 'name-collision'],
    ]);
  });
});
