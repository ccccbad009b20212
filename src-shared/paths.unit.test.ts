import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkProperty, FC_SEED } from '../test/support/fastCheck.js';
import {
  MAX_PATH_BYTES,
  normalizeEntityPath,
  utf8Length,
  validateEntityPath,
  validateId,
} from './paths.js';

const check = checkProperty(import.meta.url);

const ACCEPTED = [
  'a',
  'docs/report.txt',
  'caf\u00e9/na\u00efve.md',
  '.hidden/.env',
  'a/..b/c..d',
  'console.txt',
  'auxiliary/com10',
  '\u{1F600}.png',
  'x'.repeat(255),
  `${'d/'.repeat(2047)}f`,
];

const REJECTED: readonly (readonly [string, RegExp])[] = [
  ['', /empty/],
  ['/etc/passwd', /absolute/],
  ['C:/Windows', /absolute/],
  ['../x', /".." segment/],
  ['a/../../b', /".." segment/],
  ['./a', /"\." segment/],
  ['a/./b', /"\." segment/],
  ['a//b', /empty segment/],
  ['a/b/', /empty segment/],
  ['a\u0000b', /NUL/],
  ['a\nb', /control character/],
  ['a\u007fb', /control character/],
  ['a\\b', /backslash/],
  ['cafe\u0301', /NFC/],
  ['con.txt', /reserved/],
  ['CON', /reserved/],
  ['a/aux', /reserved/],
  ['nul.tar.gz', /reserved/],
  ['com1', /reserved/],
  ['LPT\u00b9', /reserved/],
  ['a<b', /not allowed/],
  ['a|b', /not allowed/],
  ['a"b', /not allowed/],
  ['a*', /not allowed/],
  ['dir./f', /space or dot/],
  ['f ', /space or dot/],
  ['x'.repeat(256), /longer than 255/],
  ['\u00e9'.repeat(128), /longer than 255/],
  [`${'d/'.repeat(2048)}f`, new RegExp(`longer than ${MAX_PATH_BYTES}`)],
];

describe(`entity paths (seed ${FC_SEED})`, () => {
  it.each(ACCEPTED.map((p) => [p.length > 40 ? `${p.slice(0, 40)}…` : p, p]))(
    'accepts %j',
    (_, path) => {
      expect(validateEntityPath(path)).toEqual({ ok: true, value: path });
    },
  );

  it.each(REJECTED.map(([p, m]) => [p.length > 40 ? `${p.slice(0, 40)}…` : p, p, m] as const))(
    'rejects %j',
    (_, path, message) => {
      const r = validateEntityPath(path);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect([r.error.code, r.error.field]).toEqual(['InvalidPath', 'entityId']);
      expect(r.error.message).toMatch(message);
    },
  );

  it('normalizes local paths: separators, NFD from macOS, a leading ./', () => {
    expect(normalizeEntityPath('docs\\sub\\f.txt')).toEqual({ ok: true, value: 'docs/sub/f.txt' });
    expect(normalizeEntityPath('cafe\u0301.md')).toEqual({ ok: true, value: 'caf\u00e9.md' });
    expect(normalizeEntityPath('././a/b')).toEqual({ ok: true, value: 'a/b' });
    expect(normalizeEntityPath('..\\secret').ok).toBe(false);
    expect(normalizeEntityPath('C:\\Users\\x').ok).toBe(false);
  });

  it('a normalized path is valid, NFC, and normalizes to itself', () => {
    const segment = fc.oneof(
      fc.constantFrom(
        'a',
        'B',
        '..',
        '.',
        '',
        'con',
        'cafe\u0301',
        'e\u0301',
        'x y',
        'f.',
        '\u00e9',
      ),
      fc.string({ maxLength: 6 }),
    );
    check(
      fc.property(
        fc.array(segment, { minLength: 1, maxLength: 5 }),
        fc.constantFrom('/', '\\'),
        (segments, sep) => {
          const r = normalizeEntityPath(segments.join(sep));
          if (!r.ok) return;
          expect(r.value.normalize('NFC')).toBe(r.value);
          expect(validateEntityPath(r.value)).toEqual(r);
          expect(normalizeEntityPath(r.value)).toEqual(r);
          expect(r.value.split('/')).not.toContain('..');
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('utf8Length counts UTF-8 bytes', () => {
    check(
      fc.property(fc.string({ unit: 'binary', maxLength: 30 }), (text) => {
        expect(utf8Length(text)).toBe(Buffer.byteLength(text, 'utf8'));
      }),
      { numRuns: 1000 },
    );
    expect(utf8Length('\ud800')).toBe(3); // a lone surrogate is written as U+FFFD
  });

  it('validates node and space ids', () => {
    expect(validateId('nodeId', 'laptop-2.home_1')).toEqual({ ok: true, value: 'laptop-2.home_1' });
    for (const bad of ['', '-x', 'a b', 'a/b', 'x'.repeat(65), '\u00e9']) {
      const r = validateId('spaceId', bad);
      expect(r.ok, bad).toBe(false);
      if (!r.ok) expect([r.error.code, r.error.field]).toEqual(['InvalidArgument', 'spaceId']);
    }
  });
});
