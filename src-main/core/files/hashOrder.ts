/** Files of at least this many bytes are spread among the others rather than hashed in size order. */
export const LARGE_FILE_BYTES = 1024 * 1024;

/**
 * The order in which a scan hashes and records the files it found new or changed.
 *
 * Small files go smallest first: thousands of them are recorded (and pushed, and written on other
 * devices) while a few large ones would still be hashing and uploading ahead of them. Large files
 * are not left for the end, though: the k-th of L large files comes once k/(L+1) of the small ones
 * are taken, so they are spread evenly through the scan. At the end, another device would
 * otherwise still be downloading and writing all of them after everything else had arrived (the
 * last second of a first sync of 10,000 small and 20 files of 4 MiB), and at the start it would
 * wait on them before seeing anything.
 */
export class HashOrder<T extends { readonly stats: { readonly size: number } }> {
  private readonly small: T[];
  private readonly large: T[];
  private smallTaken = 0;
  private largeTaken = 0;

  constructor(files: readonly T[]) {
    const sorted = [...files].sort((x, y) => x.stats.size - y.stats.size);
    this.small = sorted.filter((f) => f.stats.size < LARGE_FILE_BYTES);
    this.large = sorted.filter((f) => f.stats.size >= LARGE_FILE_BYTES);
  }

  /** The next file to hash, or undefined when all were taken. */
  next(): T | undefined {
    const largeDue =
      this.largeTaken < this.large.length &&
      (this.smallTaken >= this.small.length ||
        this.smallTaken * (this.large.length + 1) >= this.small.length * (this.largeTaken + 1));
    if (largeDue) return this.large[this.largeTaken++];
    if (this.smallTaken < this.small.length) return this.small[this.smallTaken++];
    return undefined;
  }
}
