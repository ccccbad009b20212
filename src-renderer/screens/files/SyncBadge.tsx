import type { FileSyncState } from '../../../src-shared/ipc/contract.js';

const WORDS: Record<FileSyncState, string> = {
  synced: 'Synced',
  'pending-upload': 'Waiting to upload',
  downloading: 'Downloading',
  conflict: 'Conflict',
};

/** Words first, colour second: the badge reads the same without colour vision. */
export function SyncBadge({ state }: { state: FileSyncState }) {
  return (
    <span className={`sync-badge sync-${state}`} data-state={state}>
      {WORDS[state]}
    </span>
  );
}
