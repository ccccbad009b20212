import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import { NetGuardianError } from '../../../../src-shared/errors.js';
import type { Logger } from '../../log.js';
import type { PostgresBinaries } from './binaries.js';
import { readPostmasterPid } from './postmasterPid.js';
import { childExit, requestShutdown, type ChildExit } from './processControl.js';
import { logTail } from './serverLog.js';
import { serverSpawnOptions, type ServerUser } from './serverUser.js';

/** Fast shutdown rolls back open transactions and checkpoints: seconds on a device store. */
export const FAST_STOP_TIMEOUT_MS = 30_000;
/** Immediate shutdown only tells the processes to quit; the next start replays the WAL. */
export const IMMEDIATE_STOP_TIMEOUT_MS = 10_000;
/** How often postmaster.pid is read while the server starts (pg_ctl -w reads it every 100 ms). */
const READY_POLL_MS = 50;

export interface ServerProcess {
  readonly pid: number;
  /** Fast shutdown, then immediate, then SIGKILL; resolves once the process has exited. */
  readonly stop: () => Promise<void>;
}

export interface SpawnServerOptions {
  readonly binaries: PostgresBinaries;
  readonly user: ServerUser;
  readonly pgdata: string;
  readonly logFd: number;
  readonly logFile: string;
  readonly startTimeoutMs: number;
  readonly log: Logger;
}

/**
 * Runs `postgres -D <pgdata>` itself rather than through `pg_ctl start`: the server is our child,
 * so its exit is an event (a start that fails is seen at once, `stop` awaits the real exit),
 * its output goes straight to the log file we opened, and no shell command line is built from
 * paths. It runs detached (its own session) and unreferenced: if the owner is killed, the
 * server keeps running as an orphan and the next start of this cluster stops it.
 */
export async function spawnServer(options: SpawnServerOptions): Promise<ServerProcess> {
  const { binaries, log } = options;
  const child = spawn(binaries.postgres, ['-D', options.pgdata], {
    ...serverSpawnOptions(options.user, options.pgdata),
    detached: true,
    stdio: ['ignore', options.logFd, options.logFd],
  });
  child.unref();
  const exited = new Promise<ChildExit>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', (error) => resolve({ code: null, signal: null, error }));
  });
  let stopping = false;
  const stop = memoize(() => {
    stopping = true;
    return stopChild(child, binaries, log);
  });
  const started = Date.now();
  const problem = await waitUntilReady(child, options, exited);
  if (problem !== undefined) {
    await stop().catch(() => undefined);
    throw new NetGuardianError(
      'StoreError',
      `the store's PostgreSQL ${problem} (cluster ${options.pgdata}); server log:\n${await logTail(options.logFile)}`,
    );
  }
  log.info({ pid: child.pid, ms: Date.now() - started }, 'store server ready');
  void exited.then(({ code, signal }) => {
    if (!stopping)
      log.error({ pid: child.pid, code, signal }, 'the store server exited on its own');
  });
  return { pid: child.pid as number, stop };
}

/** Undefined once the server accepts connections, else what went wrong. */
async function waitUntilReady(
  child: ChildProcess,
  options: SpawnServerOptions,
  exited: Promise<ChildExit>,
): Promise<string | undefined> {
  const deadline = Date.now() + options.startTimeoutMs;
  let exit: ChildExit | undefined;
  void exited.then((e) => (exit = e));
  for (;;) {
    if (exit !== undefined)
      return exit.error !== undefined
        ? `could not be run (${exit.error.message})`
        : `exited while starting (exit code ${exit.code}, signal ${exit.signal})`;
    const lock = await readPostmasterPid(options.pgdata);
    if (lock !== undefined && lock.pid === child.pid && lock.status === 'ready') return undefined;
    if (Date.now() >= deadline)
      return `did not accept connections within ${options.startTimeoutMs / 1000} s`;
    await Promise.race([delay(READY_POLL_MS), exited]);
  }
}

async function stopChild(child: ChildProcess, binaries: PostgresBinaries, log: Logger) {
  const pid = child.pid;
  if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  // Keep the owner alive until the server is gone, even if nothing else holds its event loop.
  child.ref();
  try {
    const started = Date.now();
    await requestShutdown(pid, 'fast', binaries);
    if (await childExit(child, FAST_STOP_TIMEOUT_MS)) {
      log.info({ pid, ms: Date.now() - started }, 'store server stopped');
      return;
    }
    log.warn({ pid }, 'the store server did not stop in time; immediate shutdown');
    await requestShutdown(pid, 'immediate', binaries);
    if (await childExit(child, IMMEDIATE_STOP_TIMEOUT_MS)) return;
    log.error({ pid }, 'the store server ignored immediate shutdown; killing it');
    child.kill('SIGKILL');
    if (!(await childExit(child, IMMEDIATE_STOP_TIMEOUT_MS)))
      throw new NetGuardianError(
        'StoreError',
        `the store's PostgreSQL (pid ${pid}) would not stop`,
      );
  } finally {
    child.unref();
  }
}

/** The first call's promise, for every call: `stop()` is safe to call twice, or concurrently. */
function memoize<T>(fn: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined;
  return () => (result ??= fn());
}
