import { formatCount } from '../../src-shared/words.js';
import { activityText } from '../../src-shared/activityText.js';
import type { AppState, ContractClient, Progress } from '../../src-shared/ipc/contract.js';

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/**
 * "Checking changed files: 120/400 (3.2 MiB)": one progress of the state, in words. Contents
 * uploaded before any batch of changes was counted say their bytes alone ("Uploading file
 * contents: 183.0 MiB"), not a bare 0.
 */
export function progressText(p: Progress): string {
  if (p.total === null && p.done === 0 && p.bytes > 0) return `${p.label}: ${mib(p.bytes)}`;
  const count =
    p.total === null
      ? formatCount(p.done)
      : `${formatCount(Math.min(p.done, p.total))}/${formatCount(p.total)}`;
  return `${p.label}: ${count}${p.bytes > 0 ? ` (${mib(p.bytes)})` : ''}`;
}

/** The state's progress lines (scan, upload, download), those under way. */
function progressLines(state: AppState): string[] {
  const { scan, upload, download } = state.progress;
  return [scan, upload, download].filter((p): p is Progress => p !== null).map(progressText);
}

/**
 * Prints the device's progress while a command waits for it: one rewritten line on a terminal, a
 * line every few seconds otherwise (logs, CI), so long work shows that it moves. Works the same
 * for a running daemon (its pushes over the control channel) and a device this command opened.
 * Returns the function that stops it.
 */
export function printProgress(
  client: ContractClient,
  stream: NodeJS.WriteStream = process.stderr,
): () => void {
  const tty = stream.isTTY === true;
  let lastLine = 0;
  let shown = false;
  const stop = client.listen((message) => {
    if (message.channel !== 'state') return;
    const text = progressLines(message.payload).join(' · ');
    if (text === '') return;
    const now = Date.now();
    if (tty) {
      stream.write(`\r\x1b[2K${text}`);
      shown = true;
    } else if (now - lastLine > 2_000) {
      stream.write(`${text}\n`);
      lastLine = now;
    }
  });
  return () => {
    stop();
    if (tty && shown) stream.write('\r\x1b[2K');
  };
}

/**
 * A running daemon's log on stdout: each activity item (a sentence: "3 files from laptop
 * reached this device") with its time. Returns the function that stops it.
 */
export function printActivity(client: ContractClient, out: (line: string) => void): () => void {
  return client.listen((message) => {
    if (message.channel !== 'activity') return;
    const item = message.payload;
    // A repeated failure is said again at its 2nd, 4th, 8th… try only, with since when.
    if (item.repeats && !isPowerOfTwo(item.repeats.count)) return;
    out(`${new Date(item.at).toISOString()} ${activityText(item)}`);
  });
}

const isPowerOfTwo = (n: number): boolean => n > 0 && (n & (n - 1)) === 0;
