/**
 * How much free space a write may take: a pure decision, apart from the disk (diskSpace.ts).
 *
 * A device never fills the disk holding its folder: before a file is written, the file system
 * must hold the file's size plus a reserve free, counting what the writes still under way will
 * take (a batch of files written at once does not pass the check file by file). A file over the
 * per-file maximum is refused before anything is written, whatever the space: its size comes
 * from a peer's event, and a small event can name a huge file (one 2 MiB chunk listed 512 times
 * is a 1 GiB file from a 47 KB event).
 */

const GIB = 1024 ** 3;

export interface DiskLimits {
  /** Bytes kept free on the folder's file system; absent: `defaultReserve` of its size. */
  readonly reserveBytes: number | undefined;
  /** The largest file this device writes. */
  readonly maxFileBytes: number;
}

/** The default reserve: the larger of this and `RESERVE_PERCENT` of the file system. */
export const RESERVE_MIN_BYTES = GIB;
export const RESERVE_PERCENT = 1;

/**
 * 64 GiB. Above the largest file another device can record today: an event's `data` is at most
 * 1 MiB (section 12), which holds about 11,500 chunk refs, each chunk at most FastCDC's 2 MiB,
 * so about 22 GiB at the very most (5.7 GiB at the average chunk size). So the default never
 * refuses a file a NetGuardian device recorded, and still refuses a size no such device can
 * send (a forged or corrupt event: sizes up to 2^53 pass the event schema). A user with a small
 * disk may set less (`maxFileBytes` in config.json).
 */
export const DEFAULT_MAX_FILE_BYTES = 64 * GIB;

export const DEFAULT_DISK_LIMITS: DiskLimits = {
  reserveBytes: undefined,
  maxFileBytes: DEFAULT_MAX_FILE_BYTES,
};

/** The bytes kept free on a file system of `fsBytes`: the configured reserve, or the default. */
export function reserveFor(fsBytes: number, configured: number | undefined): number {
  if (configured !== undefined) return configured;
  return Math.max(RESERVE_MIN_BYTES, Math.ceil((fsBytes * RESERVE_PERCENT) / 100));
}

export interface SpaceNow {
  /** Bytes an unprivileged user may still write there (statfs: bavail × bsize). */
  readonly freeBytes: number;
  /** The reserve kept there (`reserveFor`). */
  readonly reserveBytes: number;
  /** Bytes that writes under way there are still to write. */
  readonly inFlightBytes: number;
}

/**
 * How many more free bytes writing `bytes` needs: 0 when it fits, keeping the reserve free once
 * it and the writes under way are written.
 */
export function shortBy(bytes: number, now: SpaceNow): number {
  return Math.max(0, bytes + now.reserveBytes + now.inFlightBytes - now.freeBytes);
}
