/**
 * Runs the `netguardian` CLI in process (`main(argv, env)`), capturing what it
 * writes to stdout and stderr by replacing `process.stdout.write` and
 * `process.stderr.write` (vitest spies, restored after the call).
 */
import { join } from 'node:path';
import { vi } from 'vitest';
import { main } from '../../../src-main/cli/main.js';
import type { CliHub } from './cliHub.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** What `write` is given: the chunk, then an optional encoding and/or callback. */
function capture(sink: string[]) {
  return (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    sink.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    const callback = rest.find((r): r is () => void => typeof r === 'function');
    callback?.();
    return true;
  };
}

export async function runCli(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = { NETGUARDIAN_LOG: 'silent' },
): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(capture(out));
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(capture(err));
  let code: number;
  try {
    code = await main(argv, env);
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
  return { code, stdout: out.join(''), stderr: err.join('') };
}

/** Runs a command that must succeed; the failure message shows what it printed. */
export async function cliOk(argv: readonly string[], env?: NodeJS.ProcessEnv): Promise<string> {
  const run = await runCli(argv, env);
  if (run.code !== 0) {
    throw new Error(
      `netguardian ${argv.join(' ')} exited ${run.code}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`,
    );
  }
  return run.stdout;
}

/** A device made through the CLI as the README says: `hub invite`, then `init --join`. */
export interface CliDevice {
  readonly folder: string;
  readonly data: string;
  /** The node id `init` printed (the device's id on the hub). */
  readonly nodeId: string;
  /** What `init` printed. */
  readonly init: string;
}

/** `hub invite` on `hub` for `space`, then `init --join` with the code, under `dir/name`. */
export async function addCliDevice(
  hub: CliHub,
  space: string,
  name: string,
  dir: string,
): Promise<CliDevice> {
  const code = await hub.invite(space);
  const folder = join(dir, name, 'folder');
  const data = join(dir, name, 'data');
  const init = await cliOk([
    'init',
    '--folder',
    folder,
    '--name',
    name,
    '--join',
    code,
    '--data',
    data,
  ]);
  const nodeId = new RegExp(`^initialized ${name} \\((\\S+)\\) for `, 'm').exec(init)?.[1];
  if (!nodeId) throw new Error(`no node id in what init printed:\n${init}`);
  return { folder, data, nodeId, init };
}
