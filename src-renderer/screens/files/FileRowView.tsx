import { isConflictCopyPath } from '../../../src-shared/conflictNames.js';
import { FILE_STATE_WORDS } from '../../../src-shared/fileStateWords.js';
import type { FileRow } from '../../../src-shared/ipc/contract.js';
import { formatAgo, formatBytes } from '../../format/format.js';
import { SyncBadge } from './SyncBadge.js';

export const ROW_HEIGHT = 40;

interface Props {
  readonly row: FileRow | undefined;
  readonly index: number;
  readonly total: number;
  readonly top: number;
  readonly selected: boolean;
  readonly active: boolean;
  readonly now: number;
  /** Search results come from anywhere under the folder: each says where it is. */
  readonly showFolder: boolean;
  readonly onSelect: (index: number) => void;
  /** A folder's row opens it (double-click). */
  readonly onOpen: (index: number) => void;
}

export const rowId = (index: number) => `file-row-${index}`;

/** One row of the virtual list, absolutely placed; a placeholder until its page arrives. */
export function FileRowView({
  row,
  index,
  total,
  top,
  selected,
  active,
  now,
  showFolder,
  onSelect,
  onOpen,
}: Props) {
  const style = { transform: `translateY(${top}px)`, height: ROW_HEIGHT };
  if (!row)
    return (
      <div
        className="file-row placeholder"
        style={style}
        role="option"
        aria-selected={false}
        aria-posinset={index + 1}
        aria-setsize={total}
        id={rowId(index)}
      >
        <span className="muted">Loading…</span>
      </div>
    );
  const name = row.path.slice(row.path.lastIndexOf('/') + 1);
  // A losing version written beside its file: not an ordinary file, whatever its name says.
  const copy = row.kind === 'file' && isConflictCopyPath(row.path);
  const folder = row.path.slice(0, Math.max(0, row.path.lastIndexOf('/')));
  const size = row.kind === 'dir' ? '—' : formatBytes(row.size);
  const modified = row.modifiedAt === null ? '—' : formatAgo(row.modifiedAt, now);
  // The row's visible words in their order (WCAG 2.5.3: what is seen is what is said, so a
  // voice user can name it), then what only the eye gets from the trailing slash.
  const label = [
    name,
    copy ? 'conflict copy' : '',
    showFolder ? folder : '',
    FILE_STATE_WORDS[row.state],
    size,
    modified,
    row.lastDevice ?? '',
    row.kind === 'dir' ? 'folder' : '',
  ]
    .filter((part) => part !== '' && part !== '—')
    .join(', ');
  return (
    <div
      className={`file-row${selected ? ' selected' : ''}${active ? ' active' : ''}`}
      style={style}
      role="option"
      id={rowId(index)}
      aria-selected={selected}
      aria-posinset={index + 1}
      aria-setsize={total}
      aria-label={label}
      data-testid="file-row"
      data-path={row.path}
      data-state={row.state}
      onClick={() => onSelect(index)}
      onDoubleClick={() => onOpen(index)}
    >
      <span className="col-name" title={row.path}>
        <span className="file-name">
          {name}
          {row.kind === 'dir' ? '/' : ''}
        </span>
        {/* Spaces between the parts: their text reads as words, not "readme.mdSynced". The
            grid ignores the ones between columns. */}
        {copy && (
          <>
            {' '}
            <span className="tag tag-copy">Conflict copy</span>
          </>
        )}
        {showFolder && folder && (
          <>
            {' '}
            <span className="file-folder">{folder}</span>
          </>
        )}
      </span>{' '}
      <span className="col-state">
        <SyncBadge state={row.state} />
      </span>{' '}
      <span className="col-size">{size}</span> <span className="col-modified">{modified}</span>{' '}
      <span className="col-device">{row.lastDevice ?? '—'}</span>
    </div>
  );
}
