/**
 * A file the device cannot sync, and why (issue 12 point 5: nothing is skipped in silence).
 * The core keeps the list; `netguardian status` (and `--json`), the app and the tray show it,
 * and the status is never "Synced" while it is not empty.
 */

/** Why a path cannot sync on this device. */
export type UnsyncableReason =
  /** The device could not read it (permissions, an I/O error). */
  | 'unreadable'
  /** A FIFO, socket or device node: not a file's content. */
  | 'special-file'
  /** A symbolic link: links are not followed or synced. */
  | 'symlink'
  /** A name this device's file system or OS cannot hold (a peer's `a:b.txt` on Windows). */
  | 'name-not-allowed'
  /** Another name differs only by case or Unicode normalization on a folder that can't tell. */
  | 'name-collision'
  /** Larger than what the device can record or the space allows. */
  | 'too-large';

export interface UnsyncableFile {
  /** The path relative to the folder root, `/`-separated. */
  readonly path: string;
  readonly reason: UnsyncableReason;
  /** One sentence a user understands: what is wrong and, where there is one, what to do. */
  readonly message: string;
  /** Whether it was found in this folder (`local`) or received from a peer (`remote`). */
  readonly side: 'local' | 'remote';
}

/** The reason in a few words, for lists and the tray. */
export const UNSYNCABLE_REASON_WORDS: Readonly<Record<UnsyncableReason, string>> = {
  unreadable: 'cannot be read',
  'special-file': 'is a special file (pipe, socket or device)',
  symlink: 'is a symbolic link',
  'name-not-allowed': 'has a name this device cannot use',
  'name-collision': 'has a name that clashes with another file here',
  'too-large': 'is too large to sync',
};
