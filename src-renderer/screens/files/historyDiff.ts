import { diffLines } from 'diff';

/**
 * What changed between a version of a file and its current one, line by line, for the history
 * panel: a version is older (or newer) than the current one, so lines read as "only in that
 * version" and "only in the current one". Long runs of equal lines fold to a count, keeping
 * `CONTEXT` lines either side of a change, so the panel shows the changes, not the file.
 */

/** Past this the diff gives up (it is quadratic on very different texts) and says so. */
const DIFF_TIMEOUT_MS = 300;
/** Equal lines kept next to a change. */
export const CONTEXT = 2;

export type DiffLine =
  | { readonly kind: 'same' | 'version' | 'current'; readonly text: string }
  | { readonly kind: 'folded'; readonly count: number };

/** Lines of `version` and `current`, marked; null when the texts are too different to compare. */
export function historyDiff(version: string, current: string): DiffLine[] | null {
  const changes = diffLines(version, current, { timeout: DIFF_TIMEOUT_MS });
  if (changes === undefined) return null;
  const lines = changes.flatMap((change) => {
    const kind = change.added ? 'current' : change.removed ? 'version' : 'same';
    const text = change.value.endsWith('\n') ? change.value.slice(0, -1) : change.value;
    return text.split('\n').map((line) => ({ kind, text: line }) as const);
  });
  return foldSame(lines);
}

/** Runs of equal lines longer than the context on both sides become one `folded` line. */
function foldSame(lines: readonly { kind: 'same' | 'version' | 'current'; text: string }[]) {
  const out: DiffLine[] = [];
  let i = 0;
  while (i < lines.length) {
    if (lines[i]?.kind !== 'same') {
      out.push(lines[i] as DiffLine);
      i++;
      continue;
    }
    let end = i;
    while (end < lines.length && lines[end]?.kind === 'same') end++;
    const keepBefore = i === 0 ? 0 : CONTEXT;
    const keepAfter = end === lines.length ? 0 : CONTEXT;
    const run = lines.slice(i, end);
    if (run.length > keepBefore + keepAfter + 1) {
      out.push(...run.slice(0, keepBefore));
      out.push({ kind: 'folded', count: run.length - keepBefore - keepAfter });
      out.push(...run.slice(run.length - keepAfter));
    } else out.push(...run);
    i = end;
  }
  return out;
}
