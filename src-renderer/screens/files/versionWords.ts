import type { HistoryEntry } from '../../../src-shared/ipc/contract.js';

/**
 * What a version of a file was, in words, for the history panel. A version whose content is an
 * earlier version's was brought back (a restore, a deleted file restored, or an edit undone by
 * hand; the core can't tell them apart and all read the same to a person): "Restored from" that
 * earlier version's time, which the panel shows as a real date.
 */
export interface VersionWhat {
  /** "Edited", "Restored from", … */
  readonly words: string;
  /** The earlier version's time the words end with, when they name one. */
  readonly from: number | null;
}

export function versionWhat(entry: HistoryEntry): VersionWhat {
  const from = entry.sameAsEarlier ?? null;
  switch (entry.kind) {
    case 'deleted':
      return { words: 'Deleted', from: null };
    case 'resolved':
      return from === null
        ? { words: 'Conflict resolved', from: null }
        : { words: 'Conflict resolved, keeping the version from', from };
    // Made again with content it had before: a deleted file brought back.
    case 'created':
      return from === null ? { words: 'Added', from: null } : { words: 'Restored from', from };
    case 'edited':
      return from === null ? { words: 'Edited', from: null } : { words: 'Restored from', from };
    // An older core says only whether it was a deletion.
    case undefined:
      return { words: entry.deleted ? 'Deleted' : 'Changed', from: null };
    default: {
      const never: never = entry.kind;
      return never;
    }
  }
}

/** "laptop (this device)", "desktop". */
export const deviceWords = (entry: HistoryEntry): string =>
  entry.thisDevice ? `${entry.device} (this device)` : entry.device;
