import { statfsSync, statSync } from 'node:fs';
import path from 'node:path';
import { NetGuardianError } from '../../../src-shared/errors.js';
import { err, ok, type Result } from '../../../src-shared/result.js';
import { spaceShortWords, unsyncableMessages } from '../../../src-shared/unsyncable.js';
import { formatBytes } from '../../../src-shared/words.js';
import { DEFAULT_DISK_LIMITS, reserveFor, shortBy, type DiskLimits } from './spacePolicy.js';

/**
 * Free space on the folder's disk, for every writer of files into the folder (the materializer,
 * conflict copies, restores, uploads, imports): the rule is spacePolicy.ts's, the measure
 * statfs(2) of the folder the file goes in (temp files are written beside their target, so on
 * its file system). One per device: the bytes its writes under way still have to write are
 * counted against every later check (`claim`), so eight files written at once, or an upload
 * during a pull, do not each pass the check alone.
 */

/** Why a write was refused before anything was written. */
export type SpaceRefusal =
  | {
      readonly kind: 'too-large';
      readonly bytes: number;
      readonly maxFileBytes: number;
    }
  | {
      readonly kind: 'no-space';
      readonly bytes: number;
      /** Free bytes lacking for the write with the reserve (and the writes under way). */
      readonly more: number;
      /** The mount point of the file system (`/home`), for people. */
      readonly volume: string;
      readonly reserveBytes: number;
    };

/** Room taken for a write under way: what it still has to write counts against other checks. */
export interface SpaceClaim {
  /** `bytes` more were written (they now show in the file system's free space). */
  wrote(bytes: number): void;
  /** The write is done or given up (idempotent). */
  release(): void;
}

/** statfs's view: bytes free to a user, and the file system's size. */
export interface FsSpace {
  readonly freeBytes: number;
  readonly sizeBytes: number;
}

export interface DiskSpaceOptions {
  /** The limits now (a running device's config may change); default: `DEFAULT_DISK_LIMITS`. */
  readonly limits?: () => DiskLimits;
  /** Measures the file system holding `dir` (tests give a smaller disk). Default: statfs. */
  readonly measure?: (dir: string) => FsSpace | undefined;
}

/** Mount points found, by folder; bounded (a folder's mount point rarely changes). */
const VOLUME_CACHE_MAX = 1_000;

export class DiskSpace {
  private inFlight = 0;
  private readonly volumes = new Map<string, string>();
  private readonly limitsNow: () => DiskLimits;
  private readonly measure: (dir: string) => FsSpace | undefined;

  constructor(options: DiskSpaceOptions = {}) {
    this.limitsNow = options.limits ?? (() => DEFAULT_DISK_LIMITS);
    this.measure = options.measure ?? statfsOf;
  }

  get limits(): DiskLimits {
    return this.limitsNow();
  }

  /** Bytes that writes under way still have to write. */
  get inFlightBytes(): number {
    return this.inFlight;
  }

  /**
   * Room to write `bytes` into `dir` (an existing folder): refused when over the per-file
   * maximum or when the disk would keep less than the reserve free once this and the writes
   * under way are written; else taken until the claim is released. A file system that cannot
   * be measured (statfs unsupported) is not refused: an ENOSPC then is still caught by the writer.
   */
  claim(dir: string, bytes: number): Result<SpaceClaim, SpaceRefusal> {
    const short = this.refusal(dir, bytes);
    if (short) return err(short);
    let left = bytes;
    this.inFlight += left;
    return ok({
      wrote: (n) => {
        const done = Math.min(Math.max(0, n), left);
        left -= done;
        this.inFlight -= done;
      },
      release: () => {
        this.inFlight -= left;
        left = 0;
      },
    });
  }

  /** `claim` without keeping the room (a check before a write that takes its own claim). */
  check(dir: string, bytes: number): Result<void, SpaceRefusal> {
    const short = this.refusal(dir, bytes);
    return short ? err(short) : ok(undefined);
  }

  /**
   * Why `bytes` cannot be written into `dir` now as one file, if they cannot (`tooLarge`, else
   * `shortOf`).
   */
  refusal(dir: string, bytes: number, atLeast = 0): SpaceRefusal | undefined {
    return this.tooLarge(bytes) ?? this.shortOf(dir, bytes, atLeast);
  }

  /** Why a file of `bytes` is not written here at all: over the per-file maximum. */
  tooLarge(bytes: number): SpaceRefusal | undefined {
    const { maxFileBytes } = this.limitsNow();
    return bytes > maxFileBytes ? { kind: 'too-large', bytes, maxFileBytes } : undefined;
  }

  /**
   * Why `bytes` (one file or several) do not fit into `dir`'s file system now keeping the
   * reserve, counting the writes under way; `more` at least `atLeast` (an ENOSPC met by a write
   * the check let through: the disk filled meanwhile).
   */
  shortOf(dir: string, bytes: number, atLeast = 0): SpaceRefusal | undefined {
    const configured = this.limitsNow().reserveBytes;
    const fs = this.measure(dir);
    if (!fs) return atLeast > 0 ? this.noSpace(dir, bytes, atLeast, configured ?? 0) : undefined;
    const reserveBytes = reserveFor(fs.sizeBytes, configured);
    const more = Math.max(
      atLeast,
      shortBy(bytes, { freeBytes: fs.freeBytes, reserveBytes, inFlightBytes: this.inFlight }),
    );
    return more > 0 ? this.noSpace(dir, bytes, more, reserveBytes) : undefined;
  }

  /**
   * Bytes that can still be written into `dir` keeping the reserve, net of the writes under way
   * (negative when short); undefined when the file system can't be measured.
   */
  usable(dir: string): number | undefined {
    const fs = this.measure(dir);
    if (!fs) return undefined;
    const reserve = reserveFor(fs.sizeBytes, this.limitsNow().reserveBytes);
    return fs.freeBytes - reserve - this.inFlight;
  }

  /** The mount point of the file system holding `dir` (the highest folder above on it). */
  volumeOf(dir: string): string {
    const known = this.volumes.get(dir);
    if (known !== undefined) return known;
    const volume = mountPointOf(dir);
    if (this.volumes.size >= VOLUME_CACHE_MAX) this.volumes.clear();
    this.volumes.set(dir, volume);
    return volume;
  }

  private noSpace(dir: string, bytes: number, more: number, reserveBytes: number): SpaceRefusal {
    return { kind: 'no-space', bytes, more, volume: this.volumeOf(dir), reserveBytes };
  }
}

/** A refusal as the error a command reports (`what`: "restoring notes.txt", "the upload"). */
export function refusalError(what: string, refusal: SpaceRefusal): NetGuardianError {
  switch (refusal.kind) {
    case 'too-large':
      return new NetGuardianError(
        'PayloadTooLarge',
        `${what}: the file is ${formatBytes(refusal.bytes)}, over the ${formatBytes(refusal.maxFileBytes)} this device takes for one file (maxFileBytes in its config.json); nothing was written`,
        'size',
      );
    case 'no-space':
      return new NetGuardianError(
        'NoSpace',
        `${what}: ${spaceShortWords(refusal.more, refusal.volume, refusal.reserveBytes)}; nothing was written: free some space and try again`,
        'size',
      );
    default: {
      const never: never = refusal;
      throw new Error(`unknown refusal ${JSON.stringify(never)}`);
    }
  }
}

/**
 * A refusal as the error of a received file not written (the materializer, conflict copies): its
 * message is the sentence of the file's row in the list of files that can't sync.
 */
export function receivedFileError(refusal: SpaceRefusal): NetGuardianError {
  switch (refusal.kind) {
    case 'too-large':
      return new NetGuardianError(
        'PayloadTooLarge',
        unsyncableMessages.overFileLimit(refusal.bytes, refusal.maxFileBytes),
        'content',
      );
    case 'no-space':
      return new NetGuardianError(
        'NoSpace',
        unsyncableMessages.noSpace(refusal.more, refusal.volume, refusal.reserveBytes),
        'content',
      );
    default: {
      const never: never = refusal;
      throw new Error(`unknown refusal ${JSON.stringify(never)}`);
    }
  }
}

/** Errors meaning the disk is full (or the user's quota is): the write waits for space. */
export const isOutOfSpace = (e: unknown): boolean => {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
};

/** statfs(2) of `dir`; undefined where the file system does not answer it. */
function statfsOf(dir: string): FsSpace | undefined {
  try {
    const st = statfsSync(dir);
    return { freeBytes: st.bavail * st.bsize, sizeBytes: st.blocks * st.bsize };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOSYS' || code === 'ENOTSUP' || code === 'EOPNOTSUPP') return undefined;
    throw e;
  }
}

/** The highest folder at or above `dir` on the same device (Windows: the drive, `C:\`). */
function mountPointOf(dir: string): string {
  const abs = path.resolve(dir);
  if (process.platform === 'win32') return path.parse(abs).root;
  try {
    const dev = statSync(abs).dev;
    let at = abs;
    for (let up = path.dirname(at); up !== at; at = up, up = path.dirname(at)) {
      if (statSync(up).dev !== dev) return at;
    }
    return at;
  } catch {
    return abs;
  }
}
