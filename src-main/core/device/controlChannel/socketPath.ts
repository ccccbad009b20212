import { createHash } from 'node:crypto';
import { realpath } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Where a data directory's owner listens for commands. Server and client both
 * call `controlSocketPlace`, so they always agree.
 *
 * - POSIX: the Unix socket `<dataDir>/control.sock`, unless that path is longer
 *   than Unix socket addresses allow; then `<tmpdir>/netguardian-<uid>/<hash>.sock`,
 *   in a folder private to this user (0700; see privateDir.ts). The choice is
 *   made on the data directory's real path, so a process that reaches it through
 *   a symlink decides the same way as one that does not.
 * - Windows: the named pipe `\\.\pipe\netguardian-<hash>`.
 *
 * `<hash>` is the first 16 hex digits of the SHA-256 of the real path (lowercased
 * on Windows, whose paths ignore case). These rules are part of the protocol
 * between versions: pinned in socketPath.unit.test.ts.
 */

export const SOCKET_FILE = 'control.sock';

/**
 * Longest socket path, in bytes, that every supported system takes: macOS's `sun_path` holds
 * 104 bytes and Linux's 108, both including the terminating NUL.
 */
export const MAX_SOCKET_PATH_BYTES = 103;

export interface SocketPlace {
  /** What to listen on and connect to. */
  readonly path: string;
  /** The fallback's folder, which must be private to this user; null otherwise. */
  readonly privateDir: string | null;
}

export interface SocketPlaceInput {
  /** The data directory's real path (symlinks resolved). */
  readonly realDataDir: string;
  readonly platform: NodeJS.Platform;
  readonly tmpDir: string;
  /** This user's id; undefined on Windows. */
  readonly uid: number | undefined;
}

export function chooseSocketPlace(input: SocketPlaceInput): SocketPlace {
  if (input.platform === 'win32') {
    return {
      path: `\\\\.\\pipe\\netguardian-${dataDirHash(input.realDataDir.toLowerCase())}`,
      privateDir: null,
    };
  }
  const inDataDir = path.posix.join(input.realDataDir, SOCKET_FILE);
  if (Buffer.byteLength(inDataDir) <= MAX_SOCKET_PATH_BYTES)
    return { path: inDataDir, privateDir: null };
  const privateDir = path.posix.join(input.tmpDir, `netguardian-${input.uid ?? 'user'}`);
  return {
    path: path.posix.join(privateDir, `${dataDirHash(input.realDataDir)}.sock`),
    privateDir,
  };
}

export const dataDirHash = (realDataDir: string): string =>
  createHash('sha256').update(realDataDir, 'utf8').digest('hex').slice(0, 16);

/** The place for `dataDir` on this machine, for this user. */
export async function controlSocketPlace(dataDir: string): Promise<SocketPlace> {
  return chooseSocketPlace({
    realDataDir: await realDataDirOf(dataDir),
    platform: process.platform,
    tmpDir: tmpdir(),
    uid: process.getuid?.(),
  });
}

/** The real path; a data directory that does not exist yet is taken as given (absolute). */
async function realDataDirOf(dataDir: string): Promise<string> {
  try {
    return await realpath(dataDir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return path.resolve(dataDir);
    throw e;
  }
}
