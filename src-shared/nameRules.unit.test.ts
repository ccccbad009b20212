import { describe, expect, it } from 'vitest';
import { EXACT_NAMES, foldKey, nameProblem } from './nameRules.js';

/**
 * The names each platform can't write, pinned by hand-written cases: what a receiver refuses
 * (and lists) instead of writing. Linux refuses nothing beyond the rules for every device.
 */

const WINDOWS: readonly (readonly [string, string | undefined])[] = [
  ['report.txt', undefined],
  ['caf\u00e9/na\u00efve.md', undefined],
  ['console.txt', undefined],
  ['auxiliary/com10', undefined],
  ['del\u007f', undefined],
  ['a:b.txt', 'has ":"'],
  ['what?.txt', 'has "?"'],
  ['star*', 'has "*"'],
  ['pipe|', 'has "|"'],
  ['less<', 'has "<"'],
  ['more>', 'has ">"'],
  ['quote"', 'has "\\""'],
  ['back\\slash', 'has "\\\\"'],
  ['tab\there', 'has a control character (such as a tab or a newline)'],
  ['new\nline', 'has a control character (such as a tab or a newline)'],
  ['trailing.', 'ends in a dot'],
  ['trailing ', 'ends in a space'],
  ['aux.txt', 'is "aux.txt", a name Windows reserves for a device'],
  ['con', 'is "con", a name Windows reserves for a device'],
  ['CON', 'is "CON", a name Windows reserves for a device'],
  ['nul.tar.gz', 'is "nul.tar.gz", a name Windows reserves for a device'],
  ['com1', 'is "com1", a name Windows reserves for a device'],
  ['LPT\u00b9', 'is "LPT\u00b9", a name Windows reserves for a device'],
  ['dir./f.txt', 'is in the folder "dir.", whose name ends in a dot'],
  ['a/b:c/d.txt', 'is in the folder "a/b:c", whose name has ":"'],
];

const MACOS: readonly (readonly [string, string | undefined])[] = [
  ['report.txt', undefined],
  ['what?.txt', undefined],
  ['aux.txt', undefined],
  ['trailing.', undefined],
  ['back\\slash', undefined],
  ['a:b.txt', 'has ":"'],
  ['x:/y.txt', 'is in the folder "x:", whose name has ":"'],
];

const LINUX = [
  'a:b.txt',
  'what?.txt',
  'tab\there',
  'aux.txt',
  'con',
  'trailing.',
  'trailing ',
  'back\\slash',
  'cafe\u0301.txt',
];

describe('names a platform cannot write', () => {
  it.each(WINDOWS)('win32: %j', (name, why) => {
    expect(nameProblem(name, 'win32')).toBe(why);
  });

  it.each(MACOS)('darwin: %j', (name, why) => {
    expect(nameProblem(name, 'darwin')).toBe(why);
  });

  it.each(LINUX)('linux writes %j', (name) => {
    expect(nameProblem(name, 'linux')).toBeUndefined();
    expect(nameProblem(name, 'freebsd')).toBeUndefined();
  });
});

describe('names a folder does not tell apart', () => {
  const nfc = 'caf\u00e9.txt';
  const nfd = 'cafe\u0301.txt';

  it('an exact folder (Linux) tells every two names apart', () => {
    expect(foldKey(nfc, EXACT_NAMES)).not.toBe(foldKey(nfd, EXACT_NAMES));
    expect(foldKey('A.txt', EXACT_NAMES)).not.toBe(foldKey('a.txt', EXACT_NAMES));
  });

  it('a case-insensitive folder (NTFS) folds case, not normalization', () => {
    const ntfs = { caseInsensitive: true, normalizationInsensitive: false };
    expect(foldKey('Docs/A.TXT', ntfs)).toBe('docs/a.txt');
    expect(foldKey('CAF\u00c9.txt', ntfs)).toBe(nfc);
    expect(foldKey(nfc, ntfs)).not.toBe(foldKey(nfd, ntfs));
    expect(foldKey('stra\u00dfe', ntfs)).not.toBe(foldKey('strasse', ntfs));
  });

  it('a case- and normalization-insensitive folder (APFS) folds both', () => {
    const apfs = { caseInsensitive: true, normalizationInsensitive: true };
    expect(foldKey('CAFE\u0301.txt', apfs)).toBe(nfc);
    expect(foldKey(nfd, apfs)).toBe(foldKey(nfc, apfs));
  });
});
