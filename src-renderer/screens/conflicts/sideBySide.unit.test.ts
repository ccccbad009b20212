import { describe, expect, it } from 'vitest';
import { foldSame, sideBySide, type Row } from './sideBySide.js';

/** A row as [left number, left text, right number, right text, differs]. */
const flat = (rows: readonly Row[]) =>
  rows.map((r) => [
    r.left?.n ?? null,
    r.left?.text ?? null,
    r.right?.n ?? null,
    r.right?.text ?? null,
    r.differs,
  ]);

describe('side-by-side rows', () => {
  it('pairs the lines each side has alone, row by row, the shorter side left empty', () => {
    const left = 'title\nred\nblue\nend\n';
    const right = 'title\ngreen\nend\nmore\n';
    expect(flat(sideBySide(left, right)!)).toEqual([
      [1, 'title', 1, 'title', false],
      [2, 'red', 2, 'green', true],
      [3, 'blue', null, null, true],
      [4, 'end', 3, 'end', false],
      [null, null, 4, 'more', true],
    ]);
  });

  it('counts lines of texts without a final newline, and empty texts', () => {
    expect(flat(sideBySide('a\nb', 'a\nc')!)).toEqual([
      [1, 'a', 1, 'a', false],
      [2, 'b', 2, 'c', true],
    ]);
    expect(flat(sideBySide('', 'x\n')!)).toEqual([[null, null, 1, 'x', true]]);
  });
});

describe('folding equal lines', () => {
  const same = (n: number): Row => ({
    differs: false,
    left: { n, text: `line ${n}` },
    right: { n, text: `line ${n}` },
  });
  const differs = (n: number): Row => ({
    differs: true,
    left: { n, text: 'left' },
    right: { n, text: 'right' },
  });

  it('keeps 3 equal lines around a difference and folds longer runs away', () => {
    // 12 equal lines, a difference, 12 equal lines.
    const rows = [...Array.from({ length: 12 }, (_, i) => same(i + 1)), differs(13)];
    rows.push(...Array.from({ length: 12 }, (_, i) => same(i + 14)));
    const segments = foldSame(rows);
    expect(segments.map((s) => [s.kind, s.rows.length])).toEqual([
      ['same', 9],
      ['rows', 7],
      ['same', 9],
    ]);
    expect(segments[1]!.rows.map((r) => r.left?.n)).toEqual([10, 11, 12, 13, 14, 15, 16]);
  });

  it('never folds a run shorter than 8 lines', () => {
    const rows = [differs(1), ...Array.from({ length: 10 }, (_, i) => same(i + 2)), differs(12)];
    // 10 equal lines between: 3 + 3 stay near the differences, the 4 between are too few to fold.
    expect(foldSame(rows).map((s) => [s.kind, s.rows.length])).toEqual([['rows', 12]]);
  });
});
