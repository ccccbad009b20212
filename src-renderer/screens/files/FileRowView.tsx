import { isConflictCopyPath } from '../../../src-shared/conflictNames.js';
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
  return (
    <div
      className={`file-row${selected ? ' selected' : ''}${active ? ' active' : ''}`}
      style={style}
      role="option"
      id={rowId(index)}
      aria-selected={selected}
      aria-posinset={index + 1}
      aria-setsize={total}
      aria-label={`${row.path}${copy ? ', conflict copy' : ''}, ${row.kind === 'dir' ? 'folder' : formatBytes(row.size)}, ${row.state}`}
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
        {copy && <span className="tag tag-copy">Conflict copy</span>}
        {showFolder && folder && <span className="file-folder">{folder}</span>}
      </span>
      <span className="col-state">
        <SyncBadge state={row.state} />
      </span>
      <span className="col-size">{row.kind === 'dir' ? '—' : formatBytes(row.size)}</span>
      <span className="col-modified">
        {row.modifiedAt === null ? '—' : formatAgo(row.modifiedAt, now)}
      </span>
      <span className="col-device">{row.lastDevice ?? '—'}</span>
    </div>
  );
}
