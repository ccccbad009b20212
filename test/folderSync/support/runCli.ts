/**
 * Runs the `netguardian` CLI in process (`main(argv, env)`), capturing what it
 * writes to stdout and stderr by replacing `process.stdout.write` and
 * `process.stderr.write` (vitest spies, restored after the call).
 */
import { join } from 'node:path';
import { vi } from 'vitest';
import { main } from '../../../src-main/cli/main.js';

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

/** A device made through the CLI as the README says: what `hub add-device` and `init` gave. */
export interface CliDevice {
  readonly folder: string;
  readonly data: string;
  /** The device's database role on the hub (to remove it after the test). */
  readonly role: string;
  /** The connection string `hub add-device` printed for `init --hub`. */
  readonly hubUrl: string;
  /** What `init` printed. */
  readonly init: string;
}

/** `hub add-device` on the hub at `adminUrl`, then `init` with the printed hub, under `dir/name`. */
export async function addCliDevice(
  adminUrl: string,
  space: string,
  name: string,
  dir: string,
): Promise<CliDevice> {
  const out = await cliOk([
    'hub',
    'add-device',
    '--url',
    adminUrl,
    '--space',
    space,
    '--name',
    name,
  ]);
  const role = /as role (\S+)\./.exec(out)?.[1];
  const hubUrl = /--hub '([^']+)'/.exec(out)?.[1];
  if (!role || !hubUrl) throw new Error(`no role or connection string in:\n${out}`);
  const folder = join(dir, name, 'folder');
  const data = join(dir, name, 'data');
  const init = await cliOk([
    'init',
    '--folder',
    folder,
    '--name',
    name,
    '--space',
    space,
    '--hub',
    hubUrl,
    '--data',
    data,
  ]);
  return { folder, data, role, hubUrl, init };
}
