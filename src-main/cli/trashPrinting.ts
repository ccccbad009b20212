import type { TrashEmptyReport, TrashItemView, TrashView } from '../../src-shared/ipc/contract.js';
import { formatBytes as bytesInWords } from '../../src-shared/words.js';

/** What `netguardian trash list` and `trash empty` print: pure, so the words are tested. */

const items = (n: number) => `${n} ${n === 1 ? 'item' : 'items'}`;

const REASONS: Readonly<Record<TrashItemView['reason'], string>> = {
  deleted: 'deleted',
  replaced: 'replaced by another version',
  'displaced-by-restore': 'displaced by a restore',
};

/** "2026-12-06 03:10:05 UTC" */
const when = (ms: number) => `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;

/** One line per item (newest first), then the total and what the trash keeps. */
export function trashLines(view: TrashView): string[] {
  const { maxAgeDays, maxPercent, maxBytes } = view.limits;
  const keeps = `it keeps items ${maxAgeDays} ${maxAgeDays === 1 ? 'day' : 'days'} and at most ${maxPercent}% of the folder (${bytesInWords(maxBytes)})`;
  if (view.count === 0) return [`The trash is empty; ${keeps}.`];
  const lines = view.items.map(
    (i) =>
      `${when(i.trashedAt)}  ${i.path}${i.kind === 'dir' ? '/' : ''}  ${bytesInWords(i.bytes)}  ${REASONS[i.reason]}`,
  );
  if (view.count > view.items.length) lines.push(`… and ${view.count - view.items.length} older`);
  lines.push(`${items(view.count)} in the trash, ${bytesInWords(view.bytes)}; ${keeps}.`);
  return lines;
}

/** What `trash empty` did, in one sentence. */
export function emptiedLine(report: TrashEmptyReport, olderThan: string | undefined): string {
  const which = olderThan === undefined ? '' : ` older than ${olderThan}`;
  if (report.removed === 0)
    return olderThan === undefined
      ? 'The trash is already empty.'
      : `Nothing in the trash is older than ${olderThan}; ${items(report.left)} left.`;
  return `Removed ${items(report.removed)}${which} from the trash (${bytesInWords(report.removedBytes)}); ${items(report.left)} left (${bytesInWords(report.leftBytes)}).`;
}
