import { describe, expect, it } from 'vitest';
import {
  ancestorsOf,
  entityAbsPath,
  isGitSegment,
  prepareTarget,
  resolveExisting,
} from './safePaths.js';

const ROOT = '/home/u/Sync';

describe('entity paths under the root', () => {
  it('maps valid ids under the root', () => {
    expect(entityAbsPath(ROOT, 'a/b.txt')).toEqual({ ok: true, value: '/home/u/Sync/a/b.txt' });
    expect(entityAbsPath(ROOT, '.bashrc')).toEqual({ ok: true, value: '/home/u/Sync/.bashrc' });
  });

  it.each([['../../x'], ['../x'], ['a/../../x'], ['a/..'], ['/etc/passwd']])(
    'refuses %j as escaping the root',
    (id) => {
      const r = entityAbsPath(ROOT, id);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('PathEscapesRoot');
    },
  );

  it.each([[''], ['a//b'], ['./a'], ['nul\u0000'], ['lone\udc00']])(
    'refuses the invalid id %j',
    (id) => {
      const r = entityAbsPath(ROOT, id);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('InvalidPath');
    },
  );

  it.runIf(process.platform === 'linux')(
    'maps names Linux holds that other platforms refuse (one file, not a climb)',
    () => {
      expect(entityAbsPath(ROOT, '..\\x')).toEqual({ ok: true, value: '/home/u/Sync/..\\x' });
      expect(entityAbsPath(ROOT, 'C:/Windows/x')).toEqual({
        ok: true,
        value: '/home/u/Sync/C:/Windows/x',
      });
      expect(entityAbsPath(ROOT, 'aux.txt')).toEqual({ ok: true, value: '/home/u/Sync/aux.txt' });
    },
  );

  it('lists the folders that must exist above an entity', () => {
    expect(ancestorsOf('a/b/c.txt')).toEqual(['a', 'a/b']);
    expect(ancestorsOf('c.txt')).toEqual([]);
  });
});

describe('never in a .git folder', () => {
  it.each([
    ['.git'],
    ['.git/hooks/pre-commit'],
    ['.git/config'],
    ['vendor/lib/.git/hooks/post-checkout'],
    ['.GIT/hooks/pre-commit'],
    ['.Git'],
    ['.git./hooks/pre-commit'],
    ['.git /config'],
    ['.git::$INDEX_ALLOCATION/hooks/pre-commit'],
    ['.g\u200cit/hooks/pre-commit'],
    ['\ufeff.git/hooks/pre-commit'],
    ['GIT~1/hooks/pre-commit'],
  ])('refuses to write or move %j, whatever the ignore rules say', async (id) => {
    // The root does not exist: the refusal comes before any look at the disk.
    for (const r of [await prepareTarget(ROOT, id), await resolveExisting(ROOT, id)]) {
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.code).toBe('PathEscapesRoot');
        expect(r.error.message).toBe(
          `refusing ${JSON.stringify(id)}: it is in a .git folder, which belongs to git and is never synced`,
        );
      }
    }
  });

  it.each([
    ['.gitignore'],
    ['.github'],
    ['.gitattributes'],
    ['repo.git'],
    ['git'],
    ['.git-credentials'],
    ['git~2'],
    ['x.git~1'],
  ])('takes %j for an ordinary name', (name) => {
    expect(isGitSegment(name)).toBe(false);
  });
});
