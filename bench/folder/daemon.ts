/**
 * Daemons for the folder scenarios: `netguardian init` and `netguardian start` (bin/netguardian.mjs,
 * as a user runs them) as child processes, from the CLI bundle that `scripts/build-cli.mjs`
 * builds first (bin runs it when it is fresh, the TypeScript sources through tsx otherwise), and
 * their memory read from /proc (processMemory.ts). An idle daemon (empty folder, nothing to sync)
 * shows what Node, the CLI's modules, the drivers and the device's PostgreSQL server cost before
 * any file. A daemon's device joins its hub as `init` is told by a `DaemonHub`: an invite code of
 * a `hub start` process (hubProcess.ts), or, for the direct-SQL baseline, a local-only device
 * given a device role in its config (hub.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeServerEnterable } from '../support/serverDirs.js';
import {
  deviceServerMemory,
  processMemory,
  type ProcessMemory,
  type ServerMemory,
} from './processMemory.js';
import type { ScratchDirs } from './scratchDirs.js';
import { pollUntil } from './waits.js';

const REPO = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = path.join(REPO, 'bin', 'netguardian.mjs');

/**
 * `node scripts/build-cli.mjs --if-stale`: the bundle bin/netguardian.mjs runs when it is fresh
 * (a fresh one is left alone; a rebuild never removes what a running command may still load).
 */
export async function buildCli(): Promise<void> {
  const script = path.join(REPO, 'scripts', 'build-cli.mjs');
  const child = spawn(process.execPath, [script, '--if-stale'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (b: Buffer) => (err += b.toString('utf8')));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`scripts/build-cli.mjs exited ${code}:\n${err.slice(-2000)}`);
}

/** A running CLI child: its output so far, and a promise of its exit code. */
export interface Child {
  readonly process: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

export function runCli(args: readonly string[], cwd: string): Child {
  // A clean environment: no DATABASE_URL or DB_* keys from the bench's shell reach the device.
  const env = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: cwd,
    NETGUARDIAN_LOG: 'warn',
  };
  // For profiling the daemons, e.g. NETGUARDIAN_BENCH_DAEMON_NODE_ARGS="--cpu-prof
  // --cpu-prof-dir=/tmp/prof" (node refuses --cpu-prof in NODE_OPTIONS).
  const nodeArgs =
    args[0] === 'start'
      ? (process.env['NETGUARDIAN_BENCH_DAEMON_NODE_ARGS'] ?? '').split(' ').filter(Boolean)
      : [];
  const child = spawn(process.execPath, [...nodeArgs, CLI, ...args], {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const take = (b: Buffer) => {
    out += b.toString('utf8');
    // Keep the tail only: progress lines add up over a long sync.
    if (out.length > 64 * 1024) out = out.slice(-32 * 1024);
  };
  child.stdout.on('data', take);
  child.stderr.on('data', take);
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => resolve(code));
  });
  return { process: child, output: () => out, exited };
}

async function waitExit(child: Child, what: string, timeoutMs: number): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      child.process.kill('SIGKILL');
      reject(
        new Error(`${what} did not exit within ${timeoutMs} ms:\n${child.output().slice(-2000)}`),
      );
    }, timeoutMs);
  });
  try {
    return await Promise.race([child.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A hub a daemon joins. */
export interface DaemonHub {
  /** What `netguardian init` is given to make a device of `spaceId` that syncs through this hub. */
  initArgs(deviceName: string, spaceId: string): Promise<string[]>;
  /** Runs after `init`, before the daemon starts (direct SQL: the device's role into its config). */
  afterInit?(dataDir: string, deviceName: string, spaceId: string): Promise<void>;
}

/** `netguardian init` for a new device of `spaceId` with an empty folder; returns its data dir and folder. */
export async function initDevice(hub: DaemonHub, dir: string, name: string, spaceId: string) {
  const hubArgs = await hub.initArgs(name, spaceId);
  const folder = path.join(dir, 'root');
  const data = path.join(dir, 'data');
  await mkdir(folder);
  // Made here, enterable by the server's user: its cluster stays inside (serverDirs.ts).
  await makeServerEnterable(data);
  const init = runCli(
    ['init', '--folder', folder, '--name', name, ...hubArgs, '--data', data],
    dir,
  );
  const code = await waitExit(init, `netguardian init (${name})`, 300_000);
  if (code !== 0)
    throw new Error(`netguardian init exited ${code}:\n${init.output().slice(-2000)}`);
  await hub.afterInit?.(data, name, spaceId);
  return { folder, data };
}

/** Until a `start` daemon says it is watching (its first scan and sync are done). */
export async function untilWatching(child: Child, what: string): Promise<void> {
  await pollUntil(
    `${what} to be watching`,
    () => Promise.resolve(child.output().includes('watching') ? true : undefined),
    { everyMs: 20, timeoutMs: 300_000 },
  );
}

/** SIGTERM, then the exit code (bounded). */
export async function stop(child: Child, what: string): Promise<number | null> {
  if (child.process.exitCode !== null) return child.process.exitCode;
  child.process.kill('SIGTERM');
  return waitExit(child, what, 120_000);
}

/** A daemon's memory and its device server's, read at the same moment. */
export interface DaemonMemory {
  readonly daemon: ProcessMemory;
  readonly server: ServerMemory;
}

export async function daemonMemory(child: Child, dataDir: string): Promise<DaemonMemory> {
  return {
    daemon: await processMemory(child.process.pid as number),
    server: await deviceServerMemory(dataDir),
  };
}

export async function idleDaemon(
  hub: DaemonHub,
  spaceId: string,
  scratch: ScratchDirs,
): Promise<{ memory: DaemonMemory; code: number | null }> {
  const dir = await scratch.make('ng-bench-idle-');
  let child: Child | undefined;
  try {
    const { data } = await initDevice(hub, dir, 'bench-idle', spaceId);
    const started = runCli(['start', '--data', data], dir);
    child = started;
    await untilWatching(started, 'the idle daemon');
    const memory = await daemonMemory(started, data);
    const code = await stop(started, 'idle daemon');
    child = undefined;
    return { memory, code };
  } finally {
    if (child) child.process.kill('SIGKILL');
  }
}
