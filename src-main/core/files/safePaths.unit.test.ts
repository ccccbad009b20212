import { describe, expect, it } from 'vitest';
import { fileMode } from './contentWriter.js';
import { ancestorsOf, entityAbsPath } from './safePaths.js';

const ROOT = '/home/u/Sync';

describe('entity paths under the root', () => {
  it('maps valid ids under the root', () => {
    expect(entityAbsPath(ROOT, 'a/b.txt')).toEqual({ ok: true, value: '/home/u/Sync/a/b.txt' });
    expect(entityAbsPath(ROOT, '.bashrc')).toEqual({ ok: true, value: '/home/u/Sync/.bashrc' });
  });

  it.each([
    ['../../x'],
    ['../x'],
    ['a/../../x'],
    ['a/..'],
    ['/etc/passwd'],
    ['C:/Windows/x'],
    ['..\\x'],
  ])('refuses %j as escaping the root', (id) => {
    const r = entityAbsPath(ROOT, id);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('PathEscapesRoot');
  });

  it.each([[''], ['a//b'], ['./a'], ['nul\u0000'], ['con.txt'], ['what?']])(
    'refuses the invalid id %j',
    (id) => {
      const r = entityAbsPath(ROOT, id);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('InvalidPath');
    },
  );

  it('lists the folders that must exist above an entity', () => {
    expect(ancestorsOf('a/b/c.txt')).toEqual(['a', 'a/b']);
    expect(ancestorsOf('c.txt')).toEqual([]);
  });
});

describe('file modes written', () => {
  it('new files: 0644, or 0755 when executable', () => {
    expect(fileMode(undefined, false)).toBe(0o644);
    expect(fileMode(undefined, true)).toBe(0o755);
  });

  it('replaced files keep their read/write bits; exec follows read', () => {
    expect(fileMode(0o100600, true)).toBe(0o700);
    expect(fileMode(0o100755, false)).toBe(0o644);
    expect(fileMode(0o100640, true)).toBe(0o750);
  });
});
