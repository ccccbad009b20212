import type { FileSyncState } from './ipc/contract.js';

/** A file's sync state as the app's badge and the CLI's `ls` say it. */
export const FILE_STATE_WORDS: Readonly<Record<FileSyncState, string>> = {
  synced: 'Synced',
  'pending-upload': 'Waiting to upload',
  downloading: 'Downloading',
  conflict: 'Conflict',
};
