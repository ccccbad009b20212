import { existsSync, statSync } from 'node:fs';
import {
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  realpath,
  rename,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '../../../test/support/tempDir.js';
import { owedSync } from './durableFs.js';
import { createTrash, type Trash } from './trash.js';

/** A second file system for the cross-device fallback (tmpfs), when this machine has one. */
const SHM = '/dev/shm';
const otherFs = existsSync(SHM) && statSync(SHM).dev !== statSync(process.cwd()).dev;

let tmp: TempDir;
let root: string;
let trash: Trash;
const extra: string[] = [];

beforeEach(async () => {
  tmp = await makeTempDir('ng-trash-');
  root = path.join(tmp.path, 'root');
  await mkdir(root);
  trash = createTrash({ dataDir: path.join(tmp.path, 'data') });
});
afterEach(async () => {
  for (const dir of extra.splice(0)) await rm(dir, { recursive: true, force: true });
  await tmp.cleanup();
});

const at = (rel: string) => path.join(root, ...rel.split('/'));
const request = (p: string, reason: 'replaced' | 'deleted' = 'deleted') =>
  ({ path: p, kind: 'file', hash: null, size: 1, reason }) as const;

function suite(name: string, dataDir: () => Promise<string>) {
  describe(`trash (${name})`, () => {
    beforeEach(async () => {
      trash = createTrash({ dataDir: await dataDir() });
    });

    it('moves a deleted file in, with a record, and restores it', async () => {
      await mkdir(at('docs'));
      await writeFile(at('docs/a.txt'), 'content');

      const record = await trash.move(at('docs/a.txt'), request('docs/a.txt'));

      expect(existsSync(at('docs/a.txt'))).toBe(false);
      expect(record.id).toMatch(/^\d{8}-\d{6}-[0-9a-f]{8}$/);
      expect(await readFile(path.join(trash.dir, record.id, 'docs', 'a.txt'), 'utf8')).toBe(
        'content',
      );
      expect(await trash.list()).toEqual([record]);

      expect(await trash.restore(record.id, root)).toEqual({ ok: true, value: 'docs/a.txt' });
      expect(await readFile(at('docs/a.txt'), 'utf8')).toBe('content');
      expect(await trash.list()).toEqual([]);
      expect(await readdir(trash.dir)).toEqual([]);
    });

    it('keeps a copy of a file that stays in place (to be replaced)', async () => {
      await writeFile(at('a.txt'), 'old');
      const record = await trash.keepCopy(at('a.txt'), request('a.txt', 'replaced'));
      await writeFile(at('a.txt.new'), 'new');
      await rename(at('a.txt.new'), at('a.txt'));

      expect(await readFile(path.join(trash.dir, record.id, 'a.txt'), 'utf8')).toBe('old');
      expect(await readFile(at('a.txt'), 'utf8')).toBe('new');
    });

    it('given owed fsyncs, makes nothing durable itself but lists all a batch must flush', async () => {
      await mkdir(at('docs/deep'), { recursive: true });
      await writeFile(at('docs/deep/a.txt'), 'old');
      await mkdir(trash.dir, { recursive: true });
      const owed = owedSync();

      const record = await trash.keepCopy(
        at('docs/deep/a.txt'),
        request('docs/deep/a.txt', 'replaced'),
        owed,
      );

      const item = path.join(trash.dir, record.id);
      expect(await readFile(path.join(item, 'docs', 'deep', 'a.txt'), 'utf8')).toBe('old');
      expect(owed.files).toContain(path.join(trash.dir, `${record.id}.json`));
      // The item's folder, and the folders holding each folder created for it (the trash folder
      // holds the item's and the record).
      expect(new Set(owed.dirs)).toEqual(
        new Set([path.join(item, 'docs', 'deep'), path.join(item, 'docs'), item, trash.dir]),
      );
      expect((await readdir(trash.dir)).sort()).toEqual([record.id, `${record.id}.json`]);
    });

    it('restoring over a file puts that file in the trash first, and recreates missing folders', async () => {
      await mkdir(at('x'));
      await writeFile(at('x/f'), 'first');
      const first = await trash.move(at('x/f'), request('x/f'));
      await rm(at('x'), { recursive: true });
      await mkdir(at('x'));
      await writeFile(at('x/f'), 'second');

      expect(await trash.restore(first.id, root)).toEqual({ ok: true, value: 'x/f' });

      expect(await readFile(at('x/f'), 'utf8')).toBe('first');
      const left = await trash.list();
      expect(left.map((r) => r.reason)).toEqual(['displaced-by-restore']);
      expect(await readFile(path.join(trash.dir, left[0]?.id ?? '', 'x', 'f'), 'utf8')).toBe(
        'second',
      );
    });
  });
}

suite('same file system', () => Promise.resolve(path.join(tmp.path, 'data')));

describe.skipIf(!otherFs)('across file systems', () => {
  suite('data on tmpfs: copy and unlink instead of rename and link', async () => {
    const dir = await realpath(await mkdtemp(path.join(SHM, 'ng-trash-')));
    extra.push(dir);
    return dir;
  });
});

describe('trash: refusals', () => {
  it('refuses ids that are not trash ids (no path tricks)', async () => {
    for (const id of ['../x', '20261126-000000-zzzzzzzz', '', 'a/b']) {
      const r = await trash.restore(id, root);
      expect(r.ok).toBe(false);
    }
    const missing = await trash.restore('20261126-000000-0000abcd', root);
    expect(missing.ok ? undefined : missing.error.code).toBe('NotFound');
  });

  it('does not restore through a symlinked folder out of the root', async () => {
    await mkdir(at('d'));
    await writeFile(at('d/f'), 'x');
    const record = await trash.move(at('d/f'), request('d/f'));
    await rm(at('d'), { recursive: true });
    const outside = path.join(tmp.path, 'outside');
    await mkdir(outside);
    await symlink(outside, at('d'));

    const r = await trash.restore(record.id, root);

    expect(r.ok ? undefined : r.error.code).toBe('PathEscapesRoot');
    expect(await readdir(outside)).toEqual([]);
    expect((await trash.list()).map((x) => x.id)).toEqual([record.id]);
  });
});
