import { formatBytes } from './words.js';

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
  | 'too-large'
  /** A file and a folder have its name (one here, one on another device): it can't be placed. */
  | 'path-blocked'
  /**
   * Received, and waiting for free space: writing it would leave less free than the device keeps
   * (it is written by itself once there is room).
   */
  | 'no-space';

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
  'path-blocked': 'cannot be placed: a file and a folder have its name',
  'no-space': 'is waiting for free space on this disk',
};

/**
 * The list as the device reports it: `total` counts every file that can't sync, `files` holds
 * the first of them by path (at most 1,000), so a folder with many costs no more to show.
 */
export interface UnsyncableFiles {
  readonly total: number;
  readonly files: readonly UnsyncableFile[];
}

/** The sentences of the list (`UnsyncableFile.message`), each said one way everywhere. */
export const unsyncableMessages = {
  symlink:
    'it is a symbolic link: links are not followed or synced (put a copy of what it points to in the folder to sync that)',
  specialFile: 'it is a pipe, socket or device, not a file: it has no content to sync',
  unreadable: (detail: string): string =>
    `it cannot be read (${detail}): check its permissions; it syncs once it can be read`,
  unlistable: (detail: string): string =>
    `this folder cannot be read (${detail}): nothing in it syncs until it can be; check its permissions`,
  tooLarge: (detail: string): string => `it is too large to sync: ${detail}`,
  localName: (detail: string): string =>
    `its name cannot be synced (${detail}); rename it to sync it`,
  notAllowedHere: (why: string): string =>
    `its name ${why}, which this device does not allow in file names: it is not written here, and stays on the devices that can hold it (rename it there to have it here too)`,
  /** Received, over this device's limit for one file (`maxFileBytes`). */
  overFileLimit: (size: number, max: number): string =>
    `it is too large to sync: ${formatBytes(size)}, over the ${formatBytes(max)} this device takes for one file (maxFileBytes in its config.json); raise the limit to have it here`,
  /** Received, and waiting for free space (`spaceShortWords` says how much). */
  noSpace: (more: number, volume: string, reserve: number): string =>
    `${spaceShortWords(more, volume, reserve)}: it is written by itself once there is room`,
  collision: (other: string): string =>
    `this folder does not tell its name apart from ${JSON.stringify(other)}, which is here already: it is not written here (rename one of the two on another device to have both)`,
} as const;

/**
 * How much free space a write lacks: "it needs 1.2 GB more free space on /home (NetGuardian keeps
 * 1.0 GB free there)". `more` counts the reserve in: what the disk lacks for the write and
 * the reserve together.
 */
export const spaceShortWords = (more: number, volume: string, reserve: number): string =>
  `it needs ${formatBytes(more)} more free space on ${volume} (NetGuardian keeps ${formatBytes(reserve)} free there)`;
