import { describe, expect, it } from 'vitest';
import { IgnoreRules } from './ignoreRules.js';

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
