/**
 * `netguardian` as a person runs it: real child processes of bin/netguardian.mjs (the CLI bundle
 * that the int tier's globalSetup builds). One-shot commands report their exit code and both
 * streams whatever happens; a daemon (`netguardian start`) is watched line by line and can be
 * killed with any signal.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';

const REPO = path.resolve(import.meta.dirname, '../../..');
const BIN = path.join(REPO, 'bin', 'netguardian.mjs');

/** Bound of a one-shot command (a `sync` of a few files takes a second or two). */
const COMMAND_TIMEOUT_MS = 60_000;
/** Bound of a daemon's start: its PostgreSQL server, the first scan and sync. */
const START_TIMEOUT_MS = 60_000;
/** Bound of a daemon's clean shutdown after SIGTERM. */
const STOP_TIMEOUT_MS = 30_000;

/**
 * OWNER_LOG_DIR=<dir>: every long-running process logs at debug level, appended to
 * <dir>/<n>-<command>.log in start order (what to read when a run fails on timing).
 */
let started = 0;
function debugLogFile(args: readonly string[]): string | undefined {
  const dir = process.env['OWNER_LOG_DIR'];
  if (dir === undefined || dir === '') return undefined;
  mkdirSync(dir, { recursive: true });
  started += 1;
  const data = args[args.indexOf('--data') + 1] ?? '';
  return path.join(
    dir,
    `${started}-${args[0]}-${path.basename(path.dirname(data))}-${path.basename(data)}.log`,
  );
}

/** The environment of every process: ours, minus what would point it at another device or hub. */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NETGUARDIAN_LOG: 'warn' };
  for (const key of Object.keys(env))
    if (key.startsWith('DB_') || key === 'DATABASE_URL' || key === 'NETGUARDIAN_DATA')
      delete env[key];
  return env;
}

export interface CliRun {
  readonly args: readonly string[];
  /** Null when it ended by a signal. */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `netguardian …` as a shell would put it, for failure messages. */
export const commandLine = (args: readonly string[]): string => `netguardian ${args.join(' ')}`;

export const describeRun = (run: CliRun): string =>
  `${commandLine(run.args)} exited ${run.code}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`;

/** Runs one command to its end (killed after `timeoutMs`, which fails the call). */
export function runNetguardian(
  args: readonly string[],
  { timeoutMs = COMMAND_TIMEOUT_MS }: { timeoutMs?: number } = {},
): Promise<CliRun> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: REPO,
    env: childEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: string[] = [];
  const err: string[] = [];
  child.stdout.setEncoding('utf8').on('data', (s: string) => out.push(s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => err.push(s));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `${commandLine(args)} did not end within ${timeoutMs} ms\nstdout: ${out.join('')}\nstderr: ${err.join('')}`,
        ),
      );
    }, timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    // 'close', not 'exit': both streams are read to their end.
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ args, code, stdout: out.join(''), stderr: err.join('') });
    });
  });
}

/** Runs a command that must succeed (exit 0); returns what it printed on stdout. */
export async function netguardianOk(args: readonly string[]): Promise<string> {
  const run = await runNetguardian(args);
  if (run.code !== 0) throw new Error(describeRun(run));
  return run.stdout;
}

export interface Daemon {
  readonly pid: number;
  /** Everything it printed so far, stdout and stderr interleaved as they came. */
  output(): string;
  /** How much it printed so far: a `from` for `waitForOutput`. */
  mark(): number;
  /** Waits (bounded) until its output from `from` on matches `pattern`; returns the match. */
  waitForOutput(
    pattern: RegExp,
    options?: { from?: number; timeoutMs?: number },
  ): Promise<RegExpExecArray>;
  /** Resolves when the process has ended. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends `signal` and waits (bounded) for the end. */
  kill(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts `netguardian start --data <dataDir>` and waits for its "watching" line (the daemon
 * prints it once its first scan and sync ran and its watcher is up).
 */
export function startDaemon(dataDir: string): Promise<Daemon> {
  return startLongRunning(['start', '--data', dataDir], /^watching .*; Ctrl-C to stop$/m);
}

/**
 * Starts a command that runs until stopped (`start`, `hub start`) and waits for the line that
 * says it is ready.
 */
export async function startLongRunning(
  args: readonly string[],
  ready: RegExp,
  /** Added to the child's environment (a hub's S3 settings). */
  env: NodeJS.ProcessEnv = {},
): Promise<Daemon> {
  const name = commandLine(args.slice(0, args[0] === 'hub' ? 2 : 1));
  const logFile = debugLogFile(args);
  const child: ChildProcess = spawn(process.execPath, [BIN, ...args], {
    cwd: REPO,
    env: { ...childEnv(), ...env, ...(logFile ? { NETGUARDIAN_LOG: 'debug' } : {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const chunks: string[] = [];
  const waiters = new Set<() => void>();
  const log = logFile ? createWriteStream(logFile, { flags: 'a' }) : undefined;
  const onData = (s: string) => {
    chunks.push(s);
    log?.write(s);
    for (const check of waiters) check();
  };
  child.stdout?.setEncoding('utf8').on('data', onData);
  child.stderr?.setEncoding('utf8').on('data', onData);
  const output = () => chunks.join('');
  let ended = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('close', (code, signal) => {
      ended = true;
      for (const check of waiters) check();
      resolve({ code, signal });
    });
  });

  const waitForOutput = (
    pattern: RegExp,
    { from = 0, timeoutMs = START_TIMEOUT_MS }: { from?: number; timeoutMs?: number } = {},
  ) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const done = () => {
        waiters.delete(check);
        clearTimeout(timer);
      };
      const check = () => {
        const match = pattern.exec(output().slice(from));
        if (match) {
          done();
          resolve(match);
        } else if (ended) {
          done();
          reject(new Error(`${name} ended before printing ${pattern}:\n${output()}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${name} printed no ${pattern} in ${timeoutMs} ms:\n${output()}`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });

  const kill = async (signal: NodeJS.Signals) => {
    if (!ended) child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(`${name} did not end ${STOP_TIMEOUT_MS} ms after ${signal}:\n${output()}`),
          ),
        STOP_TIMEOUT_MS,
      );
    });
    try {
      return await Promise.race([exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };

  try {
    await waitForOutput(ready);
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  return {
    pid: child.pid ?? -1,
    output,
    mark: () => output().length,
    waitForOutput,
    exited,
    kill,
  };
}
