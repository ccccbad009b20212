import type { Op } from './ops.js';

/**
 * Cuts a failing op list down (delta debugging, Zeller's ddmin): drops chunks of ops
 * while the run still fails the same way, halving the chunks when none can go. Runs
 * are real (seconds each), so it is bounded by `maxRuns`, and meant for a person
 * routing a bug (`FOLDER_SHRINK=1`), never for CI. A cut that passes once is kept out
 * even if it would fail on another try: the result fails, it may not be the smallest.
 */

/** The kind of a failure, so a cut that fails for another reason is not taken. */
export function failureKind(message: string): string {
  if (/app failed to start/.test(message)) return 'start failed';
  if (/to record /.test(message)) return 'never recorded';
  if (/to reach the hub/.test(message)) return 'never reached the hub';
  if (/to start writing/.test(message)) return 'never landed';
  if (/still syncing after/.test(message)) return 'no quiescence';
  if (/temp file left/.test(message)) return 'temp file left';
  if (/folder differs/.test(message)) return 'folders differ';
  if (/is in no folder, no trash/.test(message)) return 'content lost';
  if (/not synced/.test(message)) return 'status';
  return message.split('\n')[0] ?? message;
}

export async function shrinkOps(
  ops: readonly Op[],
  /** The failure of a run of `ops`, or undefined when it passes. */
  failure: (ops: readonly Op[]) => Promise<string | undefined>,
  options: { readonly maxRuns: number; readonly log?: (line: string) => void },
): Promise<Op[]> {
  // Failures that hang on timing do not show on every run: the whole list gets a few tries.
  let first: string | undefined;
  for (let i = 0; i < 3 && first === undefined; i += 1) first = await failure(ops);
  if (first === undefined) throw new Error('the op list passed 3 times: nothing to shrink');
  const kind = failureKind(first);
  options.log?.(`shrinking ${ops.length} ops failing with: ${kind}`);
  let current = [...ops];
  let chunks = 2;
  let runs = 1;
  while (current.length >= 2 && runs < options.maxRuns) {
    const size = Math.ceil(current.length / chunks);
    let cut = false;
    for (let start = 0; start < current.length && runs < options.maxRuns; start += size) {
      const candidate = [...current.slice(0, start), ...current.slice(start + size)];
      runs += 1;
      const f = await failure(candidate);
      if (f !== undefined && failureKind(f) === kind) {
        options.log?.(`run ${runs}: ${candidate.length} ops still fail`);
        current = candidate;
        chunks = Math.max(chunks - 1, 2);
        cut = true;
        break;
      }
    }
    if (!cut) {
      if (size === 1) break;
      chunks = Math.min(chunks * 2, current.length);
    }
  }
  options.log?.(`shrunk to ${current.length} ops in ${runs} runs`);
  return current;
}
