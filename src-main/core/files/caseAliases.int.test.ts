import { link, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '../../../test/support/tempDir.js';
import { foldKey, listedAs, listedByReading } from './caseAliases.js';

/**
 * On this machine's case-sensitive folders a name is listed as itself or not at all; what a
 * case-insensitive file system would answer (`Readme.md` for `README.md`) is read from the
 * listings here the way it would be there.
 */
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
  it('folds case and Unicode normalization into one key', () => {
    expect(foldKey('README.md')).toBe('readme.md');
    expect(foldKey('Docs/ONE.txt')).toBe('docs/one.txt');
    // "Ä" decomposed (A + combining diaeresis) and composed.
    expect(foldKey('A\u0308.md')).toBe(foldKey('\u00e4.md'));
  });

  it('a name listed as itself, or not there, has no other name', () => {
    expect(listedAs(tmp.path, 'Readme.md')).toBeUndefined();
    expect(listedAs(tmp.path, 'Docs/one.txt')).toBeUndefined();
    expect(listedAs(tmp.path, 'missing.md')).toBeUndefined();
    expect(listedAs(tmp.path, 'Readme.md/under-a-file')).toBeUndefined();
    expect(listedByReading(tmp.path, 'Readme.md')).toBeUndefined();
    expect(listedByReading(tmp.path, 'Docs/one.txt')).toBeUndefined();
  });

  it('reading the folders finds the name an entry is listed under, at any level', () => {
    expect(listedByReading(tmp.path, 'README.md')).toBe('Readme.md');
    expect(listedByReading(tmp.path, 'DOCS/one.txt')).toBe('Docs/one.txt');
    expect(listedByReading(tmp.path, 'docs/ONE.TXT')).toBe('Docs/one.txt');
    expect(listedByReading(tmp.path, 'other.md')).toBeUndefined();
  });

  it('two names both listed (hard links) are each their own', async () => {
    await link(path.join(tmp.path, 'Readme.md'), path.join(tmp.path, 'README.md'));
    expect(listedByReading(tmp.path, 'README.md')).toBeUndefined();
    expect(listedByReading(tmp.path, 'Readme.md')).toBeUndefined();
  });
});
