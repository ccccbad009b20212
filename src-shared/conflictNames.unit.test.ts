import { describe, expect, it } from 'vitest';
import {
  conflictCopyPath,
  copiedFrom,
  isConflictCopyPath,
  legacyConflictCopyPath,
} from './conflictNames.js';
import { MAX_SEGMENT_BYTES, utf8Length, validateEntityPath } from './paths.js';

/**
 * The naming rule is pinned: copies already in users' folders carry these names, and every
 * device must compute the same one. Expected names are written out by hand from the rule
 * (`<stem>.conflict-<device>-<yyyymmdd-hhmmss>-<first 8 hex of the content hash><ext>`, UTC,
 * at most 255 UTF-8 bytes), never computed by the code under test.
 */
const HASH = '3f9a1c2e0123456789abcdef0123456789abcdef0123456789abcdef01234567';
const laptop = { nodeId: 'laptop', timestamp: '2026-11-26T05:25:40.123Z', value: { hash: HASH } };

describe('conflictCopyPath', () => {
  const golden: readonly [string, string, typeof laptop, string][] = [
    ['a plain name', 'report.md', laptop, 'report.conflict-laptop-20261126-052540-3f9a1c2e.md'],
    [
      'a dotfile (its leading dot is no extension)',
      '.bashrc',
      laptop,
      '.bashrc.conflict-laptop-20261126-052540-3f9a1c2e',
    ],
    [
      'a dotfile with an extension',
      '.env.local',
      laptop,
      '.env.conflict-laptop-20261126-052540-3f9a1c2e.local',
    ],
    ['no extension', 'Makefile', laptop, 'Makefile.conflict-laptop-20261126-052540-3f9a1c2e'],
    [
      'several dots: the extension is after the last',
      'archive.tar.gz',
      laptop,
      'archive.tar.conflict-laptop-20261126-052540-3f9a1c2e.gz',
    ],
    [
      'in folders with dots (only the name counts)',
      'docs/2026.q4/plan.v2.md',
      laptop,
      'docs/2026.q4/plan.v2.conflict-laptop-20261126-052540-3f9a1c2e.md',
    ],
    [
      'a folder with a dot, a name without one',
      'my.folder/README',
      laptop,
      'my.folder/README.conflict-laptop-20261126-052540-3f9a1c2e',
    ],
    [
      'a device id with dots',
      'report.md',
      { ...laptop, nodeId: 'laptop.home.lan' },
      'report.conflict-laptop.home.lan-20261126-052540-3f9a1c2e.md',
    ],
    [
      'the time in UTC, seconds cut (not rounded)',
      'report.md',
      { ...laptop, timestamp: '2027-01-01T01:59:59.999+02:00' },
      'report.conflict-laptop-20261231-235959-3f9a1c2e.md',
    ],
    [
      'another content: another name, whatever the second',
      'report.md',
      { ...laptop, value: { hash: 'c0ffee00'.padEnd(64, '9') } },
      'report.conflict-laptop-20261126-052540-c0ffee00.md',
    ],
  ];

  it.each(golden)('%s', (_, entityId, version, expected) => {
    expect(conflictCopyPath(entityId, version)).toBe(expected);
  });

  // The infix ".conflict-laptop-20261126-052540-3f9a1c2e" is 41 bytes (10 + 6 + 1 + 15 + 1 + 8).
  it('cuts the stem of a long name so the copy fits 255 bytes', () => {
    const name = `${'x'.repeat(240)}.txt`; // 244 bytes: 255 - 41 - 4 = 210 bytes of stem fit
    const copy = `${'x'.repeat(210)}.conflict-laptop-20261126-052540-3f9a1c2e.txt`;
    expect(conflictCopyPath(`notes/${name}`, laptop)).toBe(`notes/${copy}`);
    expect(utf8Length(copy)).toBe(255);
  });

  it('cuts between characters, never inside one', () => {
    // "é" is 2 bytes; with device "laptop1" the infix is 42 bytes: 255 - 42 - 4 = 209 bytes.
    const accents = `${'é'.repeat(120)}.txt`;
    expect(conflictCopyPath(accents, { ...laptop, nodeId: 'laptop1' })).toBe(
      `${'é'.repeat(104)}.conflict-laptop1-20261126-052540-3f9a1c2e.txt`,
    );
    // "😀" is 4 bytes (two UTF-16 units): 255 - 41 - 3 = 211 bytes hold 52 of them.
    const emoji = `${'😀'.repeat(60)}.md`;
    expect(conflictCopyPath(emoji, laptop)).toBe(
      `${'😀'.repeat(52)}.conflict-laptop-20261126-052540-3f9a1c2e.md`,
    );
  });

  it('cuts the extension too when it alone is too long', () => {
    const name = `a.${'e'.repeat(250)}`; // the "extension" is 251 bytes
    expect(conflictCopyPath(name, laptop)).toBe(
      `.conflict-laptop-20261126-052540-3f9a1c2e.${'e'.repeat(213)}`,
    );
  });

  it('gives names that are valid entity paths', () => {
    for (const [, entityId, version] of golden)
      expect(validateEntityPath(conflictCopyPath(entityId, version)).ok).toBe(true);
    for (const name of [
      `${'x'.repeat(240)}.txt`,
      `a.${'e'.repeat(250)}`,
      `b.${'e'.repeat(20)} x`,
    ]) {
      const copy = conflictCopyPath(name, laptop);
      expect(utf8Length(copy)).toBeLessThanOrEqual(MAX_SEGMENT_BYTES);
      expect(validateEntityPath(copy).ok, copy).toBe(true);
    }
  });

  it('refuses a delete, which has no copy', () => {
    expect(() => conflictCopyPath('report.md', { ...laptop, value: null })).toThrow(/no conflict/);
  });
});

describe('legacyConflictCopyPath', () => {
  it.each([
    ['report.md', 'report.conflict-laptop-20261126-052540.md'],
    ['.bashrc', '.bashrc.conflict-laptop-20261126-052540'],
    ['docs/archive.tar.gz', 'docs/archive.tar.conflict-laptop-20261126-052540.gz'],
  ])('names %s as copies were named before', (entityId, expected) => {
    expect(legacyConflictCopyPath(entityId, laptop)).toBe(expected);
    expect(isConflictCopyPath(expected)).toBe(true);
  });
});

describe('isConflictCopyPath', () => {
  it.each([
    'report.conflict-laptop-20261126-052540-3f9a1c2e.md',
    'dir/.bashrc.conflict-laptop-20261126-052540-3f9a1c2e',
    'report.conflict-laptop.home.lan-20261126-052540-3f9a1c2e.md',
    '.conflict-laptop-20261126-052540-3f9a1c2e.eeee',
    // Names from before copies were unique per version.
    'report.conflict-laptop-20261126-052540.md',
    'dir/Makefile.conflict-dev-a-20261126-052540',
  ])('recognizes %s', (p) => {
    expect(isConflictCopyPath(p)).toBe(true);
  });

  it.each([
    'report.md',
    'report.conflict.md',
    'report.conflict-notes.md',
    'conflict-laptop-20261126-052540-3f9a1c2e.md',
    'a.conflict-laptop-20261126-052540-3f9a1c2e/inner.txt',
    'report.conflict-laptop-20261126-052540-3F9A1C2E.md',
    'report.conflict-laptop-2026112-052540.md',
  ])('does not take %s for a copy', (p) => {
    expect(isConflictCopyPath(p)).toBe(false);
  });
});

describe('copiedFrom', () => {
  it('gives the file a copy was made beside, and null for any other path', () => {
    expect(copiedFrom('docs/notes.conflict-laptop-20261126-052540-3f9a1c2e.md')).toBe(
      'docs/notes.md',
    );
    expect(copiedFrom('report.conflict-my.pc-20261126-052540.pdf')).toBe('report.pdf');
    expect(copiedFrom('Makefile.conflict-desk-20261126-052540-0011aabb')).toBe('Makefile');
    expect(copiedFrom('archive.tar.conflict-desk-20261126-052540-0011aabb.gz')).toBe(
      'archive.tar.gz',
    );
    expect(copiedFrom('docs/notes.md')).toBeNull();
    expect(copiedFrom('a.conflict-x.md')).toBeNull();
  });
});
