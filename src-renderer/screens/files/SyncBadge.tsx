import { FILE_STATE_WORDS } from '../../../src-shared/fileStateWords.js';
import type { FileSyncState } from '../../../src-shared/ipc/contract.js';

/** Words first, colour second: the badge reads the same without colour vision. */
export function SyncBadge({ state }: { state: FileSyncState }) {
  return (
    <span className={`sync-badge sync-${state}`} data-state={state}>
      {FILE_STATE_WORDS[state]}
    </span>
  );
}
