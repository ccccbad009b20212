import { open, rename, type FileHandle } from 'node:fs/promises';

/**
 * The server's log: a file in the data dir that initdb and the server write to directly (their
 * stdout and stderr), so it keeps being written if the owner dies. Rotated at each start, the
 * previous start's log kept beside it: the log is as big as one run's warnings, at most twice.
 */
export async function openFreshLog(logFile: string, previousLogFile: string): Promise<FileHandle> {
  await rename(logFile, previousLogFile).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'ENOENT') throw e;
  });
  return open(logFile, 'a', 0o600);
}

const TAIL_BYTES = 16 * 1024;

/** The log's last lines, for an error message. */
export async function logTail(logFile: string, lines = 30): Promise<string> {
  let handle: FileHandle;
  try {
    handle = await open(logFile, 'r');
  } catch {
    return '(no server log)';
  }
  try {
    const { size } = await handle.stat();
    const start = Math.max(0, size - TAIL_BYTES);
    const buffer = Buffer.alloc(size - start);
    await handle.read(buffer, 0, buffer.length, start);
    return buffer.toString('utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } finally {
    await handle.close();
  }
}
