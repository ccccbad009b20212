/**
 * `netguardian` run the way a person runs it from a shell: a real child process of
 * bin/netguardian.mjs, in a working directory of the test's choosing (a synced folder, whose
 * files a peer chose) and with the test's HOME, so the default data dir (`~/.netguardian`) is
 * the test's, never the machine's. test/owner/support/netguardian.ts runs every command from the
 * repository instead; its result type and failure text are reused here.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { commandLine, describeRun, type CliRun } from '../../owner/support/netguardian.js';

const REPO = path.resolve(import.meta.dirname, '../../..');
const BIN = path.join(REPO, 'bin', 'netguardian.mjs');
const COMMAND_TIMEOUT_MS = 60_000;

export interface Shell {
  /** The working directory. */
  readonly cwd: string;
  /** HOME of the process: its default data dir is `<home>/.netguardian`. */
  readonly home: string;
  /** Variables set on top of the scrubbed environment (as a shell's `export`). */
  readonly env?: Readonly<Record<string, string>>;
}

/** Our environment minus whatever would point a command at another device or hub. */
function shellEnv(shell: Shell): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NETGUARDIAN_LOG: 'warn', HOME: shell.home };
  for (const key of Object.keys(env))
    if (key.startsWith('DB_') || key === 'DATABASE_URL' || key.startsWith('NETGUARDIAN_DATA'))
      delete env[key];
  return { ...env, ...shell.env };
}

/** Runs one command to its end in `shell` (killed after a minute, which fails the call). */
export function runIn(shell: Shell, args: readonly string[]): Promise<CliRun> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: shell.cwd,
    env: shellEnv(shell),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: string[] = [];
  const err: string[] = [];
  child.stdout.setEncoding('utf8').on('data', (s: string) => out.push(s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => err.push(s));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${commandLine(args)} in ${shell.cwd} did not end in time`));
    }, COMMAND_TIMEOUT_MS);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ args, code, stdout: out.join(''), stderr: err.join('') });
    });
  });
}

/** Runs a command that must succeed; returns its stdout. */
export async function okIn(shell: Shell, args: readonly string[]): Promise<string> {
  const run = await runIn(shell, args);
  if (run.code !== 0) throw new Error(`in ${shell.cwd}: ${describeRun(run)}`);
  return run.stdout;
}

/**
 * Starts `netguardian hub start …` in `shell`, waits (bounded) for its first line, which says
 * which database it runs on, stops it with SIGTERM, and returns that line.
 */
export function hubStartLine(shell: Shell, args: readonly string[]): Promise<string> {
  const child = spawn(process.execPath, [BIN, 'hub', 'start', ...args], {
    cwd: shell.cwd,
    env: shellEnv(shell),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: string[] = [];
  child.stdout.setEncoding('utf8').on('data', (s: string) => {
    out.push(s);
    if (out.join('').includes('\n')) child.kill('SIGTERM');
  });
  child.stderr.setEncoding('utf8').on('data', (s: string) => out.push(s));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`hub start in ${shell.cwd} printed nothing in time: ${out.join('')}`));
    }, COMMAND_TIMEOUT_MS);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', () => {
      clearTimeout(timer);
      resolve(out.join('').split('\n')[0] ?? '');
    });
  });
}
