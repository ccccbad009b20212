/**
 * A device as a person runs it headless: `netguardian init`, then `netguardian serve` as a real
 * child process (the same entry as `bin/netguardian.mjs`), whose printed `NETGUARDIAN_URL=` line
 * gives the UI's address with its token.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { useLegacyHub } from '../../test/support/legacyHub.js';

const REPO = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(REPO, 'bin', 'netguardian.mjs');
/** Bounded wait for the server's first line (PGlite start and the first scan included). */
const START_TIMEOUT_MS = 90_000;

export interface ServedDevice extends ServeProcess {
  readonly name: string;
  readonly folder: string;
  readonly dataDir: string;
}

export interface ServeOptions {
  readonly name: string;
  readonly root: string;
  readonly spaceId: string;
  readonly hubUrl?: string;
}

export async function initDevice(
  options: ServeOptions,
): Promise<{ folder: string; dataDir: string }> {
  const folder = path.join(options.root, options.name, 'folder');
  const dataDir = path.join(options.root, options.name, 'data');
  await mkdir(folder, { recursive: true });
  await runCli([
    'init',
    '--folder',
    folder,
    '--data',
    dataDir,
    '--name',
    options.name,
    '--space',
    options.spaceId,
  ]);
  // The older way to a hub (a database role), set in config.json: the CLI pairs with invites now.
  if (options.hubUrl) await useLegacyHub(dataDir, options.hubUrl);
  return { folder, dataDir };
}

/** Runs a one-shot CLI command in a child process; rejects with its output when it fails. */
export async function runCli(args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [BIN, ...args], {
      cwd: REPO,
      env: { ...process.env, NETGUARDIAN_LOG: 'warn' },
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout;
  } catch (e) {
    const { stdout, stderr } = e as { stdout?: string; stderr?: string };
    throw new Error(`netguardian ${args.join(' ')} failed:\n${stdout ?? ''}${stderr ?? ''}`);
  }
}

export interface ServeProcess {
  /** The UI's URL, token included. */
  readonly url: string;
  readonly pid: number;
  /** What the process printed so far (stdout and stderr), for failure messages. */
  output(): string;
  /** SIGTERM (a clean shutdown), SIGKILL if it hangs; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `netguardian serve` on an initialized data dir, on a random port of 127.0.0.1. */
export async function startServe(dataDir: string): Promise<ServeProcess> {
  const child = spawn(
    process.execPath,
    [BIN, 'serve', '--data', dataDir, '--port', '0', '--host', '127.0.0.1'],
    {
      cwd: REPO,
      env: { ...process.env, NETGUARDIAN_LOG: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const chunks: string[] = [];
  child.stdout.setEncoding('utf8').on('data', (s: string) => chunks.push(s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => chunks.push(s));
  const output = () => chunks.join('');
  const url = await waitForUrl(child, output);
  return { url, pid: child.pid ?? -1, output, stop: () => stopChild(child) };
}

export async function serveDevice(options: ServeOptions): Promise<ServedDevice> {
  const { folder, dataDir } = await initDevice(options);
  const served = await startServe(dataDir);
  return { name: options.name, folder, dataDir, ...served };
}

function waitForUrl(child: ChildProcess, output: () => string): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      child.kill('SIGKILL');
      reject(new Error(`netguardian serve printed no URL in ${START_TIMEOUT_MS} ms:\n${output()}`));
    }, START_TIMEOUT_MS);
    const onData = () => {
      const match = /^NETGUARDIAN_URL=(\S+)$/m.exec(output());
      if (match?.[1]) {
        cleanup();
        resolve(match[1]);
      }
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`netguardian serve exited (${code}) before printing its URL:\n${output()}`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
    };
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
    onData();
  });
}

function stopChild(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    child.kill('SIGTERM');
  });
}
