import { FILE_STATE_WORDS } from '../../src-shared/fileStateWords.js';
import type { FileRow } from '../../src-shared/ipc/contract.js';
import { countOf, formatBytes } from '../../src-shared/words.js';

/**
 * What `netguardian ls` prints: one line per entry of a folder, its name (a folder's with a
 * trailing '/'), its size and its sync state in the app's words, then a line that says how many
 * entries there are and how to see the rest. Pure.
 */

const nameIn = (folder: string, row: FileRow): string => {
  const name = folder === '' ? row.path : row.path.slice(folder.length + 1);
  return row.kind === 'dir' ? `${name}/` : name;
};

export function listLines(folder: string, rows: readonly FileRow[]): string[] {
  const names = rows.map((r) => nameIn(folder, r));
  const width = Math.min(60, Math.max(0, ...names.map((n) => n.length)));
  return rows.map((r, i) => {
    const size = r.kind === 'dir' ? '' : formatBytes(r.size);
    return `${(names[i] ?? '').padEnd(width)}  ${size.padStart(9)}  ${FILE_STATE_WORDS[r.state]}`;
  });
}

/** "3 entries in docs" / "1,204 entries in the top folder, 200 shown: --all lists every one". */
export function listSummary(folder: string, total: number, shown: number): string {
  const where = folder === '' ? 'the top folder' : folder;
  if (total === 0) return `${where} holds nothing (or is not a folder this device knows)`;
  const all = `${countOf(total, 'entry', 'entries')} in ${where}`;
  return shown >= total
    ? all
    : `${all}, ${shown.toLocaleString('en-US')} shown: --all lists every one`;
}
