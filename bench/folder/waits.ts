/** Bounded polls for the folder scenarios: every wait has a deadline and says what it waited for. */
import { readFile, stat } from 'node:fs/promises';

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
