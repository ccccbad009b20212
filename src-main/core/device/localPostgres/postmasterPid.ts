import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** What a cluster's `postmaster.pid` says (PostgreSQL's lock file, see pidfile.h). */
export interface PostmasterPid {
  readonly pid: number;
  /** A single-user backend (initdb's bootstrap, `postgres --single`) writes its pid negated. */
  readonly standalone: boolean;
  readonly dataDir: string;
  /** `starting`, `stopping`, `ready` or `standby`; absent while the file is being written. */
  readonly status: string | undefined;
  /** The port (it names the socket file) and the first socket folder; absent while written. */
  readonly port: number | undefined;
  readonly socketDir: string | undefined;
}

/** Parses the lock file's text; undefined if it is not one (empty, torn, garbage). */
export function parsePostmasterPid(text: string): PostmasterPid | undefined {
  const lines = text.split('\n');
  const raw = Number.parseInt(lines[0] ?? '', 10);
  if (!Number.isInteger(raw) || raw === 0) return undefined;
  const status = lines[7]?.trim();
  const port = Number.parseInt(lines[3] ?? '', 10);
  const socketDir = lines[4]?.trim();
  return {
    pid: Math.abs(raw),
    standalone: raw < 0,
    dataDir: lines[1] ?? '',
    status: status === undefined || status === '' ? undefined : status,
    port: Number.isInteger(port) && port > 0 ? port : undefined,
    socketDir: socketDir === undefined || socketDir === '' ? undefined : socketDir,
  };
}

export async function readPostmasterPid(pgdata: string): Promise<PostmasterPid | undefined> {
  try {
    return parsePostmasterPid(await readFile(path.join(pgdata, 'postmaster.pid'), 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}
