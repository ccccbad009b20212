import { lstat, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '../../../test/support/tempDir.js';
import { fsyncDir, fsyncTree, renameDurably, writeFileDurably } from './durableFs.js';

let dir: TempDir;
beforeEach(async () => {
  dir = await makeTempDir('ng-durable-');
});
afterEach(async () => {
  await dir.cleanup();
});

const at = (...parts: string[]) => path.join(dir.path, ...parts);
const modeOf = async (file: string) => (await lstat(file)).mode & 0o777;

describe('writeFileDurably', () => {
  it('writes the content with the mode asked for, and leaves no temp file', async () => {
    await writeFileDurably(at('config.json'), '{"a":1}\n', { mode: 0o600 });
    expect(await readFile(at('config.json'), 'utf8')).toBe('{"a":1}\n');
    expect(await modeOf(at('config.json'))).toBe(0o600);
    expect(await readdir(dir.path)).toEqual(['config.json']);
  });

  it('without a mode, creates the file as writeFile does (0o666 less the umask)', async () => {
    await writeFileDurably(at('rules'), Buffer.from('build/\n'));
    expect(await readFile(at('rules'), 'utf8')).toBe('build/\n');
    expect(await modeOf(at('rules'))).toBe(0o666 & ~process.umask());
  });

  it('replaces an existing target whole (a new file, not the old one rewritten)', async () => {
    await writeFile(at('notes'), 'the old and longer content');
    const before = await lstat(at('notes'));
    await writeFileDurably(at('notes'), 'new');
    expect(await readFile(at('notes'), 'utf8')).toBe('new');
    expect((await lstat(at('notes'))).ino).not.toBe(before.ino);
    expect(await readdir(dir.path)).toEqual(['notes']);
  });

  it('when the rename fails, leaves what is at the target as it was and no temp file', async () => {
    await mkdir(at('taken'));
    await writeFile(at('taken', 'inside'), 'kept');
    const failed = await writeFileDurably(at('taken'), 'new').then(
      () => undefined,
      (e: NodeJS.ErrnoException) => e.code,
    );
    expect(['EISDIR', 'ENOTEMPTY', 'EEXIST']).toContain(failed);
    expect(await readFile(at('taken', 'inside'), 'utf8')).toBe('kept');
    expect(await readdir(dir.path)).toEqual(['taken']);
  });

  it('in a folder that does not exist, fails and creates nothing', async () => {
    await expect(writeFileDurably(at('missing', 'file'), 'x')).rejects.toMatchObject({
      code: 'ENOENT',
    });
    expect(await readdir(dir.path)).toEqual([]);
  });
});

describe('renameDurably', () => {
  it('moves a file into another folder', async () => {
    await mkdir(at('from'));
    await mkdir(at('to'));
    await writeFile(at('from', 'f'), 'moved');
    await renameDurably(at('from', 'f'), at('to', 'g'));
    expect(await readdir(at('from'))).toEqual([]);
    expect(await readFile(at('to', 'g'), 'utf8')).toBe('moved');
  });

  it('fails without touching anything when the source is gone', async () => {
    await writeFile(at('target'), 'kept');
    await expect(renameDurably(at('gone'), at('target'))).rejects.toMatchObject({
      code: 'ENOENT',
    });
    expect(await readFile(at('target'), 'utf8')).toBe('kept');
  });
});

describe('fsyncDir and fsyncTree', () => {
  it.runIf(process.platform !== 'win32')('refuses a path that is not a folder', async () => {
    await writeFile(at('file'), 'x');
    await expect(fsyncDir(at('file'))).rejects.toMatchObject({ code: 'ENOTDIR' });
    await expect(fsyncDir(dir.path)).resolves.toBeUndefined();
  });

  it('flushes a copied tree, leaving it as it was', async () => {
    await mkdir(at('tree', 'a', 'b'), { recursive: true });
    await writeFile(at('tree', 'a', 'b', 'f'), 'deep');
    await writeFile(at('tree', 'top'), 'top');
    await fsyncTree(at('tree'));
    expect(await readFile(at('tree', 'a', 'b', 'f'), 'utf8')).toBe('deep');
    expect((await readdir(at('tree'))).sort()).toEqual(['a', 'top']);
  });
});
