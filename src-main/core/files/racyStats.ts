import { sameStat, type DiskStat } from './fileIndex.js';

/**
 * How long after a file's modification time another write may still leave the same time: the
 * coarsest timestamp clock a synced folder may sit on (FAT's 2 s; HFS+ and ext3 keep seconds,
 * Linux before 6.13 a scheduler tick, Windows about 16 ms).
 */
export const RACY_MS = 2_000;

/** Entries kept at most; the oldest go first (a file long past its tick is no longer at risk). */
const MAX_ENTRIES = 10_000;

/**
 * Files whose index row was taken while their modification time was still "now" (git's
 * racily clean entries). A second save within the same timestamp tick, of the same size, leaves
 * size, time, inode and mode as indexed: trusting the lstat would take it for the content hashed
 * before, and no scan would record it. The watcher reports that save like any other; a path
 * listed here is then hashed even though its lstat matches the row, until a hash taken past the
 * tick vouches for the row. In memory only: the risk lasts a tick, not a restart.
 */
export class RacyStats {
  private readonly rows = new Map<string, DiskStat>();

  /** A row is written for `path` from `stat`, read at `readAtMs` (wall clock, as file times are). */
  note(path: string, stat: DiskStat, readAtMs: number): void {
    this.rows.delete(path);
    if (readAtMs - stat.mtimeMs >= RACY_MS) return;
    this.rows.set(path, stat);
    if (this.rows.size > MAX_ENTRIES) {
      const oldest = this.rows.keys().next();
      if (!oldest.done) this.rows.delete(oldest.value);
    }
  }

  /** Whether a file whose lstat equals its row must still be hashed (its row was racy). */
  suspect(path: string, stat: DiskStat): boolean {
    const row = this.rows.get(path);
    return row !== undefined && sameStat(row, stat);
  }

  get size(): number {
    return this.rows.size;
  }
}
