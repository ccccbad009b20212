import { execFile, type ChildProcess } from 'node:child_process';
import { readFile, readdir, readlink, realpath } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import type { PostgresBinaries } from './binaries.js';

const run = promisify(execFile);

/** PostgreSQL's shutdown modes, by the signal the postmaster takes them from. */
export type ShutdownMode = 'fast' | 'immediate';

const SIGNALS = { fast: 'SIGINT', immediate: 'SIGQUIT' } as const;
const PG_CTL_SIGNALS = { fast: 'INT', immediate: 'QUIT' } as const;

/**
 * How often a process we did not spawn is checked for exit. There is no exit event for it
 * (Node has no pidfd), so it is polled, as pg_ctl does.
 */
const POLL_MS = 50;

/**
 * Asks a postmaster to shut down. `fast` rolls back open transactions and checkpoints;
 * `immediate` stops at once and the next start recovers from the WAL. Windows has no signals:
 * `pg_ctl kill` reaches only PostgreSQL processes, through their signal pipe.
 */
export async function requestShutdown(
  pid: number,
  mode: ShutdownMode,
  binaries: PostgresBinaries,
): Promise<void> {
  if (process.platform === 'win32') {
    await run(binaries.pgCtl, ['kill', PG_CTL_SIGNALS[mode], String(pid)]).catch(() => undefined);
    return;
  }
  try {
    process.kill(pid, SIGNALS[mode]);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
  }
}

/** Whether `pid` is a running process; an exited one not yet reaped (a zombie) is not. */
export async function isRunning(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  if (process.platform !== 'linux') return true;
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) S ...": the state follows the last ')' (comm may hold parentheses).
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/**
 * Whether `pid` is a PostgreSQL process of the cluster in `pgdata`, not a process that got a
 * dead server's pid. On Linux: named `postgres`, working in `pgdata` (every PostgreSQL process
 * changes into its data dir). Elsewhere the name only (macOS), or being alive (Windows, where
 * `pg_ctl kill` cannot reach anything but PostgreSQL).
 */
export async function isPostgresOfCluster(pid: number, pgdata: string): Promise<boolean> {
  if (!(await isRunning(pid))) return false;
  switch (process.platform) {
    case 'linux':
      try {
        const [comm, cwd, real] = await Promise.all([
          readFile(`/proc/${pid}/comm`, 'utf8'),
          readlink(`/proc/${pid}/cwd`),
          realpath(pgdata),
        ]);
        return comm.trim() === 'postgres' && cwd === real;
      } catch {
        return false;
      }
    case 'win32':
      return true;
    default:
      try {
        const { stdout } = await run('ps', ['-o', 'comm=', '-p', String(pid)]);
        return path.basename(stdout.trim()) === 'postgres';
      } catch {
        return false;
      }
  }
}

/**
 * The live PostgreSQL processes working in `pgdata` (every PostgreSQL process changes into its
 * data dir), zombies excepted: the backends and helpers a killed postmaster may leave for a
 * moment. Linux only (/proc); elsewhere none are known.
 */
export async function livePostgresOfCluster(pgdata: string): Promise<number[]> {
  if (process.platform !== 'linux') return [];
  let real: string;
  let entries: string[];
  try {
    [real, entries] = await Promise.all([realpath(pgdata), readdir('/proc')]);
  } catch {
    return [];
  }
  const pids = entries.filter((e) => /^\d+$/.test(e)).map(Number);
  const found: number[] = [];
  for (const pid of pids) {
    try {
      const cwd = await readlink(`/proc/${pid}/cwd`);
      if (cwd === real && (await isPostgresOfCluster(pid, pgdata))) found.push(pid);
    } catch {
      // Gone, or not ours to read.
    }
  }
  return found;
}

/** Waits until `pid` has exited, at most `timeoutMs`; whether it did. */
export async function waitUntilGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!(await isRunning(pid))) return true;
    if (Date.now() >= deadline) return false;
    await delay(POLL_MS);
  }
}

export interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Set when the process could not be spawned at all. */
  readonly error?: Error;
}

/** A child's exit (or its failure to spawn); undefined after `timeoutMs`. */
export function childExit(child: ChildProcess, timeoutMs: number): Promise<ChildExit | undefined> {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => {
    const done = (exit: ChildExit | undefined) => {
      clearTimeout(timer);
      child.off('exit', onExit);
      child.off('error', onError);
      resolve(exit);
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => done({ code, signal });
    const onError = (error: Error) => done({ code: null, signal: null, error });
    const timer = setTimeout(() => done(undefined), timeoutMs);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}
