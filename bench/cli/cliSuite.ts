/**
 * Issue 11, point 2: "`netguardian --help` and `netguardian status` (talking to a running owner)
 * answer in under 300 ms". Timed, as a user runs them, from spawning `node bin/netguardian.mjs …`
 * until the process exits:
 * - `--help`;
 * - `status` of a device whose `netguardian start` daemon runs (it answers over the data dir's
 *   control channel);
 * - `status` of a device with no daemon: the command becomes the device's owner for its answer
 *   (lock, the device's PostgreSQL server started and stopped, the store), so it costs more;
 * - `node -e 0`, the same-run baseline: what starting Node alone costs on this machine now.
 *
 * The commands are interleaved, one of each per round (the first command rotating), so load from
 * other processes falls on all of them alike. The bundle is built first unless it is fresh (the
 * folder section builds it just before; a build replaces dist/cli, under any CLI then running,
 * so no build without need); if it went stale during
 * the rounds (a source was edited, and bin ran the sources through tsx), it is built and every
 * round is run again (at most twice).
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  buildCli,
  initDevice,
  runCli,
  stop,
  untilWatching,
  type Child,
  type DaemonHub,
} from '../folder/daemon.js';
import type { ScratchDirs } from '../folder/scratchDirs.js';
import { writeTree } from '../folder/tree.js';
import { sampleStats, type SampleStats } from '../support/stats.js';
import { cliBundleIsFresh } from './bundle.js';

const CLI = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'bin',
  'netguardian.mjs',
);

export interface CliSizes {
  /** Timed runs of each command. */
  readonly runs: number;
  /** Untimed rounds first (page cache, the bundle's chunks, the servers' first connections). */
  readonly warmupRuns: number;
  /** Small files in each device's folder. */
  readonly files: number;
}

export const FULL_CLI_SIZES: CliSizes = { runs: 10, warmupRuns: 1, files: 100 };
export const QUICK_CLI_SIZES: CliSizes = { runs: 5, warmupRuns: 1, files: 100 };

export type CliCommand = 'node' | 'help' | 'statusDaemon' | 'statusOwner';
export const CLI_COMMANDS: readonly CliCommand[] = ['node', 'help', 'statusDaemon', 'statusOwner'];

export interface CliResults {
  readonly sizes: CliSizes;
  /** Wall time from spawn to exit, per command. */
  readonly timings: Readonly<Record<CliCommand, SampleStats>>;
  /** Rounds run in all (the first attempt's, plus again after a stale bundle). */
  readonly attempts: number;
  /** The bundle was fresh (what bin runs) after the rounds reported. */
  readonly bundleFresh: boolean;
  /** The daemon's exit code after SIGTERM. */
  readonly daemonExit: number | null;
  /** The 1-minute load average when the rounds ended. */
  readonly load: number;
  readonly elapsedMs: number;
}

const RUN_TIMEOUT_MS = 120_000;
const MAX_ATTEMPTS = 2;

/** Runs `args` with Node to completion; its wall time and output. Throws unless it exits 0. */
async function timeNode(
  args: readonly string[],
  cwd: string,
): Promise<{ ms: number; output: string }> {
  const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: cwd, NETGUARDIAN_LOG: 'warn' };
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (b: Buffer) => (output += b.toString('utf8')));
  child.stderr.on('data', (b: Buffer) => (output += b.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (c) => resolve(c));
  }).finally(() => clearTimeout(timer));
  const ms = performance.now() - started;
  if (code !== 0) throw new Error(`node ${args.join(' ')} exited ${code}:\n${output.slice(-2000)}`);
  return { ms, output };
}

export async function runCliSuite(options: {
  readonly hub: DaemonHub;
  readonly spaceId: string;
  readonly sizes: CliSizes;
  readonly scratch: ScratchDirs;
  readonly log?: (message: string) => void;
}): Promise<CliResults> {
  const started = performance.now();
  const { sizes } = options;
  const log = options.log ?? (() => undefined);
  if (!cliBundleIsFresh()) await buildCli();
  const daemonDir = await options.scratch.make('ng-bench-cli-daemon-');
  const ownerDir = await options.scratch.make('ng-bench-cli-owner-');
  const shape = { smallFiles: sizes.files, dirs: 10, bigFiles: 0, bigBytes: 0 };
  let daemon: Child | undefined;
  try {
    const running = await initDevice(options.hub, daemonDir, 'bench-cli-daemon', options.spaceId);
    const owned = await initDevice(options.hub, ownerDir, 'bench-cli-owner', options.spaceId);
    await writeTree(running.folder, shape, 'cli-bench');
    await writeTree(owned.folder, shape, 'cli-bench');
    daemon = runCli(['start', '--data', running.data], daemonDir);
    await untilWatching(daemon, 'the daemon');

    const commands: Readonly<Record<CliCommand, { args: string[]; expect: string }>> = {
      node: { args: ['-e', '0'], expect: '' },
      help: { args: [CLI, '--help'], expect: 'Usage: netguardian' },
      statusDaemon: { args: [CLI, 'status', '--data', running.data], expect: 'running   yes' },
      statusOwner: { args: [CLI, 'status', '--data', owned.data], expect: 'running   no' },
    };
    const rounds = async (): Promise<Record<CliCommand, number[]>> => {
      const samples: Record<CliCommand, number[]> = {
        node: [],
        help: [],
        statusDaemon: [],
        statusOwner: [],
      };
      for (let round = 0; round < sizes.warmupRuns + sizes.runs; round++) {
        for (let i = 0; i < CLI_COMMANDS.length; i++) {
          const id = CLI_COMMANDS[(round + i) % CLI_COMMANDS.length] as CliCommand;
          const { ms, output } = await timeNode(commands[id].args, daemonDir);
          if (!output.includes(commands[id].expect))
            throw new Error(
              `${id}: no "${commands[id].expect}" in its output:\n${output.slice(-2000)}`,
            );
          if (round >= sizes.warmupRuns) samples[id].push(ms);
        }
      }
      return samples;
    };

    let samples = await rounds();
    let attempts = 1;
    let bundleFresh = cliBundleIsFresh();
    while (!bundleFresh && attempts < MAX_ATTEMPTS) {
      log('CLI: the bundle went stale during the rounds (a source changed): rebuilding, again');
      await buildCli();
      samples = await rounds();
      attempts += 1;
      bundleFresh = cliBundleIsFresh();
    }
    const load = Math.round((os.loadavg()[0] ?? 0) * 100) / 100;
    const daemonExit = await stop(daemon, 'the daemon');
    daemon = undefined;
    const timings = {
      node: sampleStats(samples.node),
      help: sampleStats(samples.help),
      statusDaemon: sampleStats(samples.statusDaemon),
      statusOwner: sampleStats(samples.statusOwner),
    };
    log(
      `CLI medians: node ${timings.node.medianMs.toFixed(0)} ms, --help ${timings.help.medianMs.toFixed(0)} ms, status (daemon) ${timings.statusDaemon.medianMs.toFixed(0)} ms, status (no daemon) ${timings.statusOwner.medianMs.toFixed(0)} ms`,
    );
    return {
      sizes,
      timings,
      attempts,
      bundleFresh,
      daemonExit,
      load,
      elapsedMs: performance.now() - started,
    };
  } finally {
    if (daemon) daemon.process.kill('SIGKILL');
  }
}
