import type { FileSortKey } from '../../../src-shared/ipc/contract.js';
import { useAppStore } from '../../store/StoreContext.js';

const ORDER_WORDS: Readonly<Record<FileSortKey, readonly [string, string]>> = {
  name: ['A to Z', 'Z to A'],
  size: ['smallest first', 'largest first'],
  modified: ['oldest first', 'newest first'],
};

/**
 * The list's column titles. Name, Size and Modified order the rows (the same title again turns
 * the order round); the arrow and the button's name say which order is in force.
 */
export function FileListHeader() {
  const sort = useAppStore((s) => s.files.sort);
  const descending = useAppStore((s) => s.files.descending);
  const sortFiles = useAppStore((s) => s.sortFiles);

  const column = (key: FileSortKey, title: string, className: string) => {
    const active = sort === key;
    const words = ORDER_WORDS[key][active && descending ? 1 : 0];
    return (
      <span className={className}>
        <button
          type="button"
          className="sort-button"
          aria-pressed={active}
          aria-label={active ? `${title}, sorted ${words}` : `Sort by ${title.toLowerCase()}`}
          title={active ? `Sorted ${words}; click to reverse` : `Sort by ${title.toLowerCase()}`}
          onClick={() => sortFiles(key)}
        >
          {title}
          {active && <span aria-hidden="true">{descending ? ' ↓' : ' ↑'}</span>}
        </button>
      </span>
    );
  };

  return (
    <div className="file-list-header" data-testid="file-list-header">
      {column('name', 'Name', 'col-name')}
      <span className="col-state">Status</span>
      {column('size', 'Size', 'col-size')}
      {column('modified', 'Modified', 'col-modified')}
      <span className="col-device">Changed on</span>
    </div>
  );
}
