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
  // The same name in NFD: another file on Linux, so an entity of its own.
  'cafe\u0301/nai\u0308ve.md',
  '.hidden/.env',
  'a/..b/c..d',
  '...',
  'console.txt',
  'auxiliary/com10',
  '\u{1F600}.png',
  // Names only some platforms refuse (nameRules.ts): valid everywhere, written where allowed.
  'a:b.txt',
  'what?.txt',
  'a<b>|"*',
  'a\\b',
  'C:/Windows',
  'tab\there',
  'new\nline',
  'del\u007f',
  'aux.txt',
  'con',
  'LPT\u00b9',
  'trailing.',
  'trailing ',
  'dir./f',
  'x'.repeat(255),
  `${'d/'.repeat(2047)}f`,
];

const REJECTED: readonly (readonly [string, RegExp])[] = [
  ['', /empty/],
  ['/etc/passwd', /absolute/],
  ['../x', /".." segment/],
  ['a/../../b', /".." segment/],
  ['./a', /"\." segment/],
  ['a/./b', /"\." segment/],
  ['a//b', /empty segment/],
  ['a/b/', /empty segment/],
  ['a\u0000b', /NUL/],
  ['lone\ud800', /not valid Unicode/],
  ['\udc00lone', /not valid Unicode/],
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

  it('takes local paths as they are, but for a leading ./ (no separator or Unicode change)', () => {
    expect(normalizeEntityPath('././a/b')).toEqual({ ok: true, value: 'a/b' });
    expect(normalizeEntityPath('cafe\u0301.md')).toEqual({ ok: true, value: 'cafe\u0301.md' });
    expect(normalizeEntityPath('docs\\f.txt')).toEqual({ ok: true, value: 'docs\\f.txt' });
    expect(normalizeEntityPath('../secret').ok).toBe(false);
    expect(normalizeEntityPath('/etc/x').ok).toBe(false);
  });

  it('a normalized path is valid, has no "." or ".." segment, and normalizes to itself', () => {
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
        'a\\b',
      ),
      fc.string({ maxLength: 6 }),
    );
    check(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 5 }), (segments) => {
        const r = normalizeEntityPath(segments.join('/'));
        if (!r.ok) return;
        expect(validateEntityPath(r.value)).toEqual(r);
        expect(normalizeEntityPath(r.value)).toEqual(r);
        expect(r.value.split('/')).not.toContain('..');
        expect(r.value.split('/')).not.toContain('.');
      }),
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
