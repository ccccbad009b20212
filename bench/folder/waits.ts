/** Bounded polls for the folder scenarios: every wait has a deadline and says what it waited for. */
import { lstatSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';

/** Polls `check` every `everyMs` until it returns a value (not undefined), at most `timeoutMs`. */
export async function pollUntil<T>(
  what: string,
  check: () => Promise<T | undefined>,
  options: { readonly everyMs: number; readonly timeoutMs: number },
): Promise<T> {
  const deadline = performance.now() + options.timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (performance.now() > deadline)
      throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, options.everyMs));
  }
}

/** True once `file` holds exactly `expected` (a cheap size check first). */
export async function holds(file: string, expected: Buffer): Promise<boolean> {
  try {
    if ((await stat(file)).size !== expected.length) return false;
    return (await readFile(file)).equals(expected);
  } catch {
    return false;
  }
}

/**
 * Which of a known list of files exist yet under a folder, checked cheaply enough to poll often
 * on a machine the measured processes need all of: each poll lstats the files still missing, in
 * order, and stops at the first one still absent, so a whole sync costs about one lstat per file
 * (a walk of 10,000 files per poll took ~17 ms of CPU, ~1 s over a 10 s sync at 100 ms).
 */
export class PresenceCheck {
  private readonly missing: string[];

  constructor(
    private readonly root: string,
    relPaths: readonly string[],
    /** Each file's expected size; given, a file counts once it has it. */
    private readonly sizes?: ReadonlyMap<string, number>,
  ) {
    this.missing = [...relPaths];
  }

  /** True once every file is there as a regular file (at its final name: writes are atomic). */
  allPresent(): boolean {
    while (this.missing.length > 0) {
      const rel = this.missing[this.missing.length - 1] as string;
      const st = lstatSync(path.join(this.root, ...rel.split('/')), { throwIfNoEntry: false });
      if (!st?.isFile()) return false;
      if (this.sizes && st.size !== this.sizes.get(rel)) return false;
      this.missing.pop();
    }
    return true;
  }

  get missingCount(): number {
    return this.missing.length;
  }
}
