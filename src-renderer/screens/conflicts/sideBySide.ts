import { diffLines } from 'diff';

/**
 * Two texts as one table of rows, left and right side by side (pure): lines both have sit on one
 * row; where they differ, the left's lines and the right's are paired row by row, a side with
 * fewer lines left empty. Nothing says "removed" or "added": neither version is the old one.
 */

/** Past this the diff gives up (it is quadratic on very different texts) and says so. */
const DIFF_TIMEOUT_MS = 300;

export interface Cell {
  /** The line's number in its own text, from 1. */
  readonly n: number;
  readonly text: string;
}

export interface Row {
  readonly differs: boolean;
  readonly left: Cell | null;
  readonly right: Cell | null;
}

/** The rows of `left` beside `right`, or null when the texts are too different to compare. */
export function sideBySide(left: string, right: string): Row[] | null {
  const changes = diffLines(left, right, { timeout: DIFF_TIMEOUT_MS });
  if (changes === undefined) return null;
  const rows: Row[] = [];
  let l = 1;
  let r = 1;
  let onlyLeft: Cell[] = [];
  let onlyRight: Cell[] = [];
  const pairUp = () => {
    for (let i = 0; i < Math.max(onlyLeft.length, onlyRight.length); i++)
      rows.push({ differs: true, left: onlyLeft[i] ?? null, right: onlyRight[i] ?? null });
    onlyLeft = [];
    onlyRight = [];
  };
  for (const change of changes) {
    const body = change.value.endsWith('\n') ? change.value.slice(0, -1) : change.value;
    for (const text of body.split('\n')) {
      if (change.removed) onlyLeft.push({ n: l++, text });
      else if (change.added) onlyRight.push({ n: r++, text });
      else {
        pairUp();
        rows.push({ differs: false, left: { n: l++, text }, right: { n: r++, text } });
      }
    }
  }
  pairUp();
  return rows;
}

export type Segment =
  | { readonly kind: 'rows'; readonly rows: readonly Row[] }
  | { readonly kind: 'same'; readonly rows: readonly Row[] };

/**
 * The rows with long runs of equal lines folded away (`same` segments), keeping `context` equal
 * lines around each difference: a long file reads as its differences. Runs shorter than
 * `minFold` stay, since a fold of two lines saves nothing.
 */
export function foldSame(rows: readonly Row[], context = 3, minFold = 8): Segment[] {
  const near = rows.map(() => false);
  rows.forEach((row, i) => {
    if (!row.differs) return;
    for (let j = Math.max(0, i - context); j <= Math.min(rows.length - 1, i + context); j++)
      near[j] = true;
  });
  const segments: Segment[] = [];
  let i = 0;
  while (i < rows.length) {
    let j = i;
    while (j < rows.length && near[j] === near[i]) j++;
    const run = rows.slice(i, j);
    const fold = !near[i] && run.length >= minFold;
    const last = segments.at(-1);
    if (!fold && last?.kind === 'rows')
      segments[segments.length - 1] = { kind: 'rows', rows: [...last.rows, ...run] };
    else segments.push({ kind: fold ? 'same' : 'rows', rows: run });
    i = j;
  }
  return segments;
}
