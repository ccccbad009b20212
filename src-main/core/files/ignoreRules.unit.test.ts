import { describe, expect, it } from 'vitest';
import { IgnoreRules, MATCHER_CACHE_PATHS } from './ignoreRules.js';

describe('IgnoreRules.excludes', () => {
  const rules = IgnoreRules.fromText('build/\n*.log\n!keep.log\n');

  it('leaves out a path under an ignored folder, as well as the folder itself', () => {
    expect(rules.excludes('build', true)).toBe(true);
    expect(rules.excludes('build/out.o', false)).toBe(true);
    expect(rules.excludes('src/build/deep/x.c', false)).toBe(true);
    expect(rules.excludes('src/main.c', false)).toBe(false);
    expect(rules.excludes('builder/x', false)).toBe(false);
  });

  it('applies file rules, negations, built-in ignores and our temp files', () => {
    expect(rules.excludes('a/b.log', false)).toBe(true);
    expect(rules.excludes('keep.log', false)).toBe(false);
    expect(rules.excludes('docs/.DS_Store', false)).toBe(true);
    expect(IgnoreRules.fromText('').excludes('docs/.ng-tmp-123', false)).toBe(true);
    expect(IgnoreRules.fromText('').excludes('docs/notes.txt', false)).toBe(false);
  });
});

describe('IgnoreRules over many paths (its matchers start afresh, issue 14)', () => {
  it('answers the same before and after its matchers are made again', () => {
    const rules = IgnoreRules.fromText('build/\n*.log\n!keep.log\n');
    const answers = () => [
      rules.excludes('build/out.o', false),
      rules.excludes('a/b.log', false),
      rules.excludes('keep.log', false),
      rules.excludes('src/main.c', false),
      rules.excludes('docs/.DS_Store', false),
    ];
    const expected = [true, true, false, false, true];
    expect(answers()).toEqual(expected);
    // Past the bound three times over, with answers asked all along the way.
    for (let i = 0; i < 3 * MATCHER_CACHE_PATHS; i++) {
      expect(rules.excludes(`d${i % 97}/f${i}.txt`, false)).toBe(false);
      if (i % 5_000 === 0) expect(answers()).toEqual(expected);
    }
    expect(answers()).toEqual(expected);
  });
});

describe('built-in ignores', () => {
  /** Rules a peer (or a mistaken user) might write to lift every built-in. */
  const lifting = IgnoreRules.fromText(
    [
      '!.git/',
      '!.git/**',
      '!.git',
      '!/.netguardianignore',
      '!.netguardian-folder',
      '!.ng-tmp-*',
      '!*.swp',
      '!.DS_Store',
    ].join('\n'),
  );

  it('cannot be re-included by a ! rule', () => {
    expect(lifting.excludes('.git', true)).toBe(true);
    expect(lifting.excludes('.git/hooks/pre-commit', false)).toBe(true);
    expect(lifting.excludes('vendor/lib/.git/config', false)).toBe(true);
    expect(lifting.excludes('.netguardianignore', false)).toBe(true);
    expect(lifting.excludes('.netguardian-folder', false)).toBe(true);
    expect(lifting.excludes('.ng-tmp-0a1b2c3d4e5f-1', false)).toBe(true);
    expect(lifting.excludes('notes.swp', false)).toBe(true);
    expect(lifting.excludes('photos/.DS_Store', false)).toBe(true);
    expect(lifting.ignoresDir('.git')).toBe(true);
    expect(lifting.ignoresFile('.netguardianignore')).toBe(true);
  });

  it('leave out .git in any case and as a file (a worktree or submodule points to its repository with one)', () => {
    const none = IgnoreRules.fromText('');
    expect(none.excludes('.git', false)).toBe(true);
    expect(none.excludes('sub/.git', false)).toBe(true);
    expect(none.excludes('.GIT/hooks/pre-commit', false)).toBe(true);
    expect(none.excludes('.Git', true)).toBe(true);
  });

  it('stop at the names themselves: .gitignore, .github/, a.git/ and a subfolder’s ignore file sync', () => {
    const none = IgnoreRules.fromText('');
    expect(none.excludes('.gitignore', false)).toBe(false);
    expect(none.excludes('.gitattributes', false)).toBe(false);
    expect(none.excludes('.github/workflows/ci.yml', false)).toBe(false);
    expect(none.excludes('repo.git/HEAD', false)).toBe(false);
    expect(none.excludes('docs/.netguardianignore', false)).toBe(false);
    expect(none.excludes('docs/.netguardian-folder', false)).toBe(false);
  });

  it('still let the ignore file re-include what it left out itself', () => {
    const own = IgnoreRules.fromText('*.log\n!keep.log\n');
    expect(own.excludes('debug.log', false)).toBe(true);
    expect(own.excludes('keep.log', false)).toBe(false);
  });
});

describe('IgnoreRules.watcherSkips', () => {
  const rules = IgnoreRules.fromText('build/\n');

  it('reports the root ignore file (the device reloads its rules) and skips what is ignored', () => {
    expect(rules.watcherSkips('.netguardianignore', false)).toBe(false);
    expect(rules.excludes('.netguardianignore', false)).toBe(true);
    expect(rules.watcherSkips('.git', true)).toBe(true);
    expect(rules.watcherSkips('build', true)).toBe(true);
    expect(rules.watcherSkips('.netguardian-folder', false)).toBe(true);
    expect(rules.watcherSkips('src', true)).toBe(false);
    expect(rules.watcherSkips('src/main.c', false)).toBe(false);
  });
});
